"""The 21 communes of Clermont Auvergne Métropole (INSEE and postal codes, 2021 population),
from the programme's shared data."""

from decimal import Decimal

METROPOLE_COMMUNES = [
    ("Aubière", "63014", "63170", 10211),
    ("Aulnat", "63019", "63510", 4115),
    ("Beaumont", "63032", "63110", 10650),
    ("Blanzat", "63042", "63112", 3762),
    ("Cébazat", "63063", "63118", 8946),
    ("Ceyrat", "63070", "63122", 6373),
    ("Chamalières", "63075", "63400", 17454),
    ("Châteaugay", "63099", "63119", 3096),
    ("Clermont-Ferrand", "63113", "63000", 147327),
    ("Cournon-d'Auvergne", "63124", "63800", 20193),
    ("Durtol", "63141", "63830", 2015),
    ("Gerzat", "63164", "63360", 10258),
    ("Le Cendre", "63069", "63670", 5494),
    ("Lempdes", "63193", "63370", 8663),
    ("Nohanent", "63254", "63830", 2249),
    ("Orcines", "63263", "63870", 3566),
    ("Pérignat-lès-Sarliève", "63272", "63170", 2801),
    ("Pont-du-Château", "63284", "63430", 12459),
    ("Romagnat", "63307", "63540", 7869),
    ("Royat", "63308", "63130", 4403),
    ("Saint-Genès-Champanelle", "63345", "63122", 3883),
]


def load_metropole_communes(commune_model):
    """Create or refresh the communes; ``commune_model`` may be a migration's historical model."""
    for name, insee_code, postal_code, population in METROPOLE_COMMUNES:
        commune_model.objects.update_or_create(
            insee_code=insee_code,
            defaults={"name": name, "postal_code": postal_code, "population": population},
        )


# The town hall of each commune (approximate, in decimal degrees), keyed by INSEE code: enough
# to sort places "nearest first" from where a person lives.
COMMUNE_POSITIONS = {
    "63014": ("45.750800", "3.111100"),  # Aubière
    "63019": ("45.799400", "3.168100"),  # Aulnat
    "63032": ("45.751900", "3.083600"),  # Beaumont
    "63042": ("45.829400", "3.078600"),  # Blanzat
    "63063": ("45.831700", "3.100000"),  # Cébazat
    "63070": ("45.733900", "3.064400"),  # Ceyrat
    "63075": ("45.774400", "3.066900"),  # Chamalières
    "63099": ("45.851900", "3.084700"),  # Châteaugay
    "63113": ("45.777200", "3.087000"),  # Clermont-Ferrand
    "63124": ("45.735600", "3.196100"),  # Cournon-d'Auvergne
    "63141": ("45.796100", "3.051900"),  # Durtol
    "63164": ("45.824400", "3.144700"),  # Gerzat
    "63069": ("45.722200", "3.186900"),  # Le Cendre
    "63193": ("45.771100", "3.193600"),  # Lempdes
    "63254": ("45.808100", "3.057800"),  # Nohanent
    "63263": ("45.783300", "3.016700"),  # Orcines
    "63272": ("45.736700", "3.139400"),  # Pérignat-lès-Sarliève
    "63284": ("45.798100", "3.248600"),  # Pont-du-Château
    "63307": ("45.729700", "3.100300"),  # Romagnat
    "63308": ("45.765800", "3.051400"),  # Royat
    "63345": ("45.721400", "3.018900"),  # Saint-Genès-Champanelle
}


def load_commune_positions(commune_model):
    """Set the position of the métropole's communes; ``commune_model`` may be historical."""
    for insee_code, (latitude, longitude) in COMMUNE_POSITIONS.items():
        commune_model.objects.filter(insee_code=insee_code).update(
            latitude=Decimal(latitude), longitude=Decimal(longitude)
        )
