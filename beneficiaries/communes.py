"""The 21 communes of Clermont Auvergne Métropole (INSEE and postal codes, 2021 population),
from the programme's shared data."""

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
