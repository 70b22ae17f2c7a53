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
