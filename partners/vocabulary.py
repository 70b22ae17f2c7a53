"""The starting lists of the directory: kinds of actor (design, section 1), services offered and
access conditions. Loaded by a data migration; coordinators extend the categories and services.

The names are data, kept in French like the rest of what coordinators type.
"""

CATEGORIES = [
    "Structures d'accompagnement social et d'intermédiation",
    "Structures d'insertion",
    "Universités et formation professionnelle",
    "Foyers de jeunes travailleurs",
    "Producteurs",
    "Commerçants et artisans",
    "Distributeurs alimentaires",
    "Association de monnaie locale",
    "Associations locales",
    "Chercheurs et enseignants-chercheurs",
    "Services déconcentrés de l'État",
    "Collectivités territoriales",
]

SERVICES = [
    "Aide alimentaire",
    "Épicerie solidaire",
    "Accepte la Doume",
    "Prix solidaires",
    "Produits locaux ou bio",
    "Circuit court",
    "Visites de ferme",
    "Ateliers cuisine",
    "Formation",
    "Logement",
    "Insertion professionnelle",
]

ACCESS_CONDITIONS = [
    "Ouvert à tous",
    "Sur orientation uniquement",
    "Accès de plain-pied",
    "Sur rendez-vous",
    "Sur inscription",
    "Réservé aux adhérents",
    "Justificatif de ressources demandé",
]


def load_vocabulary(category_model, service_model, access_condition_model):
    """Create the missing rows, in order; the models may be a migration's historical ones."""
    for model, names in (
        (category_model, CATEGORIES),
        (service_model, SERVICES),
        (access_condition_model, ACCESS_CONDITIONS),
    ):
        for position, name in enumerate(names):
            model.objects.get_or_create(name=name, defaults={"position": position})


def unload_vocabulary(category_model, service_model, access_condition_model):
    for model, names in (
        (category_model, CATEGORIES),
        (service_model, SERVICES),
        (access_condition_model, ACCESS_CONDITIONS),
    ):
        model.objects.filter(name__in=names).delete()
