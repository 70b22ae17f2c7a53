"""The starting lists of the directory: kinds of actor (design, section 1), services offered and
access conditions. Loaded by a data migration; coordinators extend the categories and services.

The names are data, kept in French like the rest of what coordinators type; the ones listed
here are the platform's own and are translated when shown (``gettext_noop`` marks them for
the catalogue), coordinators' additions are shown as typed.
"""

from django.utils.translation import gettext_noop as _

CATEGORIES = [
    _("Structures d'accompagnement social et d'intermédiation"),
    _("Structures d'insertion"),
    _("Universités et formation professionnelle"),
    _("Foyers de jeunes travailleurs"),
    _("Producteurs"),
    _("Commerçants et artisans"),
    _("Distributeurs alimentaires"),
    _("Association de monnaie locale"),
    _("Associations locales"),
    _("Chercheurs et enseignants-chercheurs"),
    _("Services déconcentrés de l'État"),
    _("Collectivités territoriales"),
]

SERVICES = [
    _("Aide alimentaire"),
    _("Épicerie solidaire"),
    _("Accepte la Doume"),
    _("Prix solidaires"),
    _("Produits locaux ou bio"),
    _("Circuit court"),
    _("Visites de ferme"),
    _("Ateliers cuisine"),
    _("Formation"),
    _("Logement"),
    _("Insertion professionnelle"),
]

ACCESS_CONDITIONS = [
    _("Ouvert à tous"),
    _("Sur orientation uniquement"),
    _("Accès de plain-pied"),
    _("Sur rendez-vous"),
    _("Sur inscription"),
    _("Réservé aux adhérents"),
    _("Justificatif de ressources demandé"),
]

# Services that say what a place is like rather than something it provides: they are not
# exported as data·inclusion services.
PLACE_FEATURES = ["Accepte la Doume", "Prix solidaires", "Produits locaux ou bio", "Circuit court"]


def load_vocabulary(category_model, service_model, access_condition_model):
    """Create the missing rows, in order; the models may be a migration's historical ones."""
    for model, names in (
        (category_model, CATEGORIES),
        (service_model, SERVICES),
        (access_condition_model, ACCESS_CONDITIONS),
    ):
        for position, name in enumerate(names):
            model.objects.get_or_create(name=name, defaults={"position": position})


def mark_place_features(service_model):
    """The starting services that are features of a place; ``service_model`` may be a
    migration's historical model, from the one that added ``is_service``."""
    service_model.objects.filter(name__in=PLACE_FEATURES).update(is_service=False)


def unload_vocabulary(category_model, service_model, access_condition_model):
    for model, names in (
        (category_model, CATEGORIES),
        (service_model, SERVICES),
        (access_condition_model, ACCESS_CONDITIONS),
    ):
        model.objects.filter(name__in=names).delete()
