"""The themes of accompaniment of the design; coordinators may add more. The names are data,
in French; these ones are translated when shown (``gettext_noop`` marks them)."""

from django.utils.translation import gettext_noop as _

THEMES = [
    _("Budget alimentaire"),
    _("Savoir-faire culinaires"),
    _("Nutrition et santé"),
    _("Approvisionnement local et durable"),
    _("Accès aux droits et à l'aide alimentaire"),
    _("Monnaie locale (la Doume)"),
    _("Lien social"),
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
    from partners.vocabulary import load_vocabulary, mark_place_features

    load_metropole_communes(Commune)
    load_commune_positions(Commune)
    load_themes(Theme)
    load_vocabulary(Category, ServiceTag, AccessCondition)
    mark_place_features(ServiceTag)
