"""The themes of accompaniment of the design; coordinators may add more."""

THEMES = [
    "Budget alimentaire",
    "Savoir-faire culinaires",
    "Nutrition et santé",
    "Approvisionnement local et durable",
    "Accès aux droits et à l'aide alimentaire",
    "Monnaie locale (la Doume)",
    "Lien social",
]


def load_themes(theme_model):
    """Create or reorder the themes; ``theme_model`` may be a migration's historical model."""
    for position, name in enumerate(THEMES):
        theme_model.objects.update_or_create(name=name, defaults={"position": position})


def load_reference_rows():
    """Every row the migrations load (the communes and their positions, the themes, the
    directory's vocabulary), loaded again after a database was emptied (``flush``)."""
    from accompaniment.models import Theme
    from beneficiaries.communes import load_commune_positions, load_metropole_communes
    from beneficiaries.models import Commune
    from partners.models import AccessCondition, Category, ServiceTag
    from partners.vocabulary import load_vocabulary

    load_metropole_communes(Commune)
    load_commune_positions(Commune)
    load_themes(Theme)
    load_vocabulary(Category, ServiceTag, AccessCondition)
