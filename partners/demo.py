"""The demo directory: fictional but plausible actors of the Clermont area, one or more in every
category, with services, contacts, a temporary closure and a listing overdue for review.

Idempotent: every row is found again by a natural key (a partner's name, a contact's name, a
closure's reason, a log entry's summary) and brought to the values below. Dates are relative
to ``today``. Landlines are in the range ARCEP keeps for fiction (04 65 71…); mobiles in
06 40 98… (ARCEP's fiction range 06 39 98 now reads as a Mayotte number).
"""

import datetime
from decimal import Decimal

from django.db import transaction

from beneficiaries.communes import load_metropole_communes
from beneficiaries.models import Commune
from soli_dome.phone import to_e164
from soli_dome.users.models import User

from .models import (
    AccessCondition,
    Category,
    Closure,
    Contact,
    Partner,
    PartnershipEvent,
    ServiceTag,
)
from .vocabulary import load_vocabulary, mark_place_features

SOCIAL = "Structures d'accompagnement social et d'intermédiation"
INSERTION = "Structures d'insertion"
TRAINING = "Universités et formation professionnelle"
FJT = "Foyers de jeunes travailleurs"
PRODUCER = "Producteurs"
SHOP = "Commerçants et artisans"
DISTRIBUTOR = "Distributeurs alimentaires"
CURRENCY = "Association de monnaie locale"
ASSOCIATION = "Associations locales"
RESEARCH = "Chercheurs et enseignants-chercheurs"
STATE = "Services déconcentrés de l'État"
AUTHORITY = "Collectivités territoriales"

Y, S, E = Partner.Public.YOUNG, Partner.Public.SENIOR, Partner.Public.EVERYONE
ACTIVE = Partner.PartnershipStatus.ACTIVE
PROSPECT = Partner.PartnershipStatus.PROSPECT
FORMER = Partner.PartnershipStatus.FORMER

# Each partner: its fields, then "checked" (days since the last check; None: never) and the
# contacts as (name, role, e-mail, phone).
PARTNERS = [
    {
        "name": "Épicerie solidaire du Vergnes",
        "categories": [DISTRIBUTOR, ASSOCIATION],
        "description": "Épicerie associative où les personnes orientées font leurs courses à "
        "10 à 30 % du prix. Produits frais, fruits et légumes de producteurs voisins, ateliers "
        "cuisine le mercredi.",
        "address": "8 rue Pierre-Boulanger",
        "commune": "63113",
        "latitude": "45.801200",
        "longitude": "3.107500",
        "opening_hours": "Mardi, jeudi et vendredi, 14 h-18 h ; mercredi 9 h-12 h.",
        "phone": "04 65 71 10 01",
        "email": "contact@epicerie-vergnes.example.org",
        "website": "https://epicerie-vergnes.example.org",
        "services": [
            "Aide alimentaire",
            "Épicerie solidaire",
            "Prix solidaires",
            "Ateliers cuisine",
        ],
        "publics": [E],
        "access": [
            "Sur orientation uniquement",
            "Justificatif de ressources demandé",
            "Accès de plain-pied",
        ],
        "fees": "Adhésion de 2 € par an.",
        "status": ACTIVE,
        "agreement_days": 900,
        "recommended": True,
        "notes": "Relais privilégié pour les jeunes des Vergnes ; demander Nadia pour une "
        "première visite accompagnée.",
        "checked": 40,
        "contacts": [
            (
                "Nadia Ferrand",
                "Coordinatrice",
                "nadia.ferrand@epicerie-vergnes.example.org",
                "04 65 71 10 02",
            ),
            ("Paul Giraud", "Bénévole référent des ateliers", "", "06 40 98 10 03"),
        ],
    },
    {
        "name": "Ferme des Sauzes",
        "categories": [PRODUCER],
        "description": "Ferme maraîchère en agriculture biologique sur les bords de l'Allier : "
        "légumes de saison, paniers hebdomadaires, visites de ferme pour les groupes.",
        "address": "Chemin des Sauzes",
        "commune": "63284",
        "latitude": "45.791800",
        "longitude": "3.257300",
        "opening_hours": "Vente à la ferme le vendredi, 16 h-19 h.",
        "phone": "06 40 98 20 01",
        "email": "bonjour@fermedessauzes.example.org",
        "website": "https://fermedessauzes.example.org",
        "services": [
            "Produits locaux ou bio",
            "Circuit court",
            "Visites de ferme",
            "Accepte la Doume",
        ],
        "publics": [E],
        "access": ["Ouvert à tous", "Sur rendez-vous"],
        "fees": "Visite de groupe gratuite pour le programme.",
        "status": ACTIVE,
        "agreement_days": 500,
        "recommended": True,
        "notes": "Accueille deux visites par an ; prévoir des bottes pour le groupe.",
        "checked": 60,
        "contacts": [
            ("Julien Besse", "Maraîcher", "julien@fermedessauzes.example.org", "06 40 98 20 01")
        ],
    },
    {
        "name": "Doume — ADML63",
        "categories": [CURRENCY],
        "description": "Association pour le développement de la monnaie locale du Puy-de-Dôme. "
        "Gère le change en Doume et le bonus solidaire de 15 % pour les personnes accompagnées.",
        "address": "Maison des associations, 2 rue Gilbert-Romme",
        "commune": "63113",
        "latitude": "45.779300",
        "longitude": "3.084900",
        "opening_hours": "Permanence le samedi, 10 h-12 h.",
        "phone": "04 65 71 30 01",
        "email": "contact@doume.example.org",
        "website": "https://doume.example.org",
        "services": ["Accepte la Doume", "Prix solidaires"],
        "publics": [E],
        "access": ["Ouvert à tous", "Réservé aux adhérents"],
        "fees": "Adhésion à prix libre.",
        "status": ACTIVE,
        "agreement_days": 1800,
        "recommended": True,
        "notes": "Le bonus solidaire est versé sur présentation de l'attestation du programme.",
        "checked": 20,
        "contacts": [
            (
                "Hélène Roche",
                "Chargée de mission",
                "helene.roche@doume.example.org",
                "04 65 71 30 02",
            )
        ],
    },
    {
        "name": "Résidence Habitat Jeunes Les Puys",
        "categories": [FJT],
        "description": "Foyer de jeunes travailleurs de 90 logements pour les 16-30 ans, avec "
        "une cuisine collective et un accompagnement socio-éducatif.",
        "address": "14 avenue de l'Union-Soviétique",
        "commune": "63113",
        "latitude": "45.782600",
        "longitude": "3.099800",
        "opening_hours": "Accueil du lundi au vendredi, 9 h-19 h.",
        "phone": "04 65 71 40 01",
        "email": "accueil@habitatjeunes-lespuys.example.org",
        "website": "",
        "services": ["Logement", "Ateliers cuisine"],
        "publics": [Y],
        "access": ["Sur rendez-vous", "Accès de plain-pied"],
        "fees": "Redevance selon les ressources, APL déductible.",
        "status": ACTIVE,
        "agreement_days": 700,
        "recommended": True,
        "notes": "Ateliers cuisine possibles dans la cuisine collective le jeudi soir.",
        "checked": 100,
        "contacts": [("Mehdi Saïdi", "Animateur socio-éducatif", "", "04 65 71 40 02")],
    },
    {
        "name": "Jardins de Sarliève — chantier d'insertion",
        "categories": [INSERTION, PRODUCER],
        "description": "Atelier et chantier d'insertion en maraîchage biologique : contrats de "
        "travail accompagnés et paniers de légumes solidaires.",
        "address": "Route de la Sarliève",
        "commune": "63272",
        "latitude": "45.737500",
        "longitude": "3.139000",
        "opening_hours": "Retrait des paniers le mardi, 16 h-18 h.",
        "phone": "04 65 71 50 01",
        "email": "insertion@jardins-sarlieve.example.org",
        "website": "https://jardins-sarlieve.example.org",
        "services": [
            "Insertion professionnelle",
            "Produits locaux ou bio",
            "Circuit court",
            "Prix solidaires",
        ],
        "publics": [E],
        "access": ["Sur orientation uniquement"],
        "fees": "Panier solidaire à 5 €.",
        "status": ACTIVE,
        "agreement_days": 400,
        "recommended": True,
        "notes": "",
        "checked": 30,
        "contacts": [("Sandrine Couderc", "Encadrante technique", "", "06 40 98 50 02")],
    },
    {
        "name": "Université Clermont Auvergne — pôle vie étudiante",
        "categories": [TRAINING],
        "description": "Accompagnement social des étudiantes et étudiants, relais vers "
        "l'épicerie solidaire étudiante et les aides d'urgence.",
        "address": "Campus des Cézeaux",
        "commune": "63014",
        "latitude": "45.759100",
        "longitude": "3.110400",
        "opening_hours": "Du lundi au vendredi, 9 h-16 h 30.",
        "phone": "04 65 71 60 01",
        "email": "vie-etudiante@uca.example.org",
        "website": "",
        "services": ["Formation", "Aide alimentaire"],
        "publics": [Y],
        "access": ["Sur rendez-vous"],
        "fees": "Gratuit.",
        "status": ACTIVE,
        "agreement_days": 300,
        "recommended": False,
        "notes": "",
        "checked": 150,
        "contacts": [("Camille Vernet", "Assistante sociale", "", "04 65 71 60 02")],
    },
    {
        "name": "CFPPA des Volcans — formation maraîchage",
        "categories": [TRAINING],
        "description": "Centre de formation professionnelle agricole : formations courtes au "
        "maraîchage et à la transformation, ferme pédagogique.",
        "address": "Marmilhat",
        "commune": "63193",
        "latitude": "45.781000",
        "longitude": "3.176500",
        "opening_hours": "Du lundi au vendredi, 8 h 30-17 h.",
        "phone": "04 65 71 70 01",
        "email": "formation@cfppa-volcans.example.org",
        "website": "https://cfppa-volcans.example.org",
        "services": ["Formation", "Visites de ferme"],
        "publics": [Y, E],
        "access": ["Sur inscription"],
        "fees": "Formations financées pour les demandeurs d'emploi.",
        "status": PROSPECT,
        "agreement_days": None,
        "recommended": False,
        "notes": "Premier contact au salon de l'agriculture locale ; convention à construire.",
        "checked": 45,
        "contacts": [],
    },
    {
        "name": "Boulangerie Au Pain de Montjuzet",
        "categories": [SHOP],
        "description": "Boulangerie artisanale au levain, farines de meuniers du Puy-de-Dôme.",
        "address": "31 rue de Montjuzet",
        "commune": "63113",
        "latitude": "45.788900",
        "longitude": "3.079700",
        "opening_hours": "Du mardi au samedi, 7 h-19 h 30.",
        "phone": "04 65 71 80 01",
        "email": "",
        "website": "",
        "services": ["Accepte la Doume", "Produits locaux ou bio"],
        "publics": [E],
        "access": ["Ouvert à tous", "Accès de plain-pied"],
        "fees": "",
        "status": ACTIVE,
        "agreement_days": 200,
        "recommended": True,
        "notes": "",
        "checked": 80,
        "contacts": [("Marc Pouget", "Artisan boulanger", "", "04 65 71 80 01")],
    },
    {
        "name": "La Musette — épicerie coopérative en vrac",
        "categories": [DISTRIBUTOR],
        "description": "Épicerie coopérative de produits bio et locaux en vrac, avec un panier "
        "solidaire à prix réduit.",
        "address": "5 avenue du Roussillon",
        "commune": "63014",
        "latitude": "45.752800",
        "longitude": "3.112200",
        "opening_hours": "Du mardi au samedi, 10 h-19 h.",
        "phone": "04 65 71 90 01",
        "email": "bonjour@lamusette.example.org",
        "website": "https://lamusette.example.org",
        "services": [
            "Produits locaux ou bio",
            "Circuit court",
            "Accepte la Doume",
            "Prix solidaires",
        ],
        "publics": [E],
        "access": ["Ouvert à tous"],
        "fees": "",
        "status": ACTIVE,
        "agreement_days": 350,
        "recommended": True,
        "notes": "",
        "checked": 15,
        "contacts": [("Aurélie Chassaing", "Cogérante", "aurelie@lamusette.example.org", "")],
    },
    {
        "name": "Le Panier cournonnais — aide alimentaire",
        "categories": [ASSOCIATION, DISTRIBUTOR],
        "description": "Distribution de colis alimentaires deux fois par mois et vestiaire.",
        "address": "Salle Voltaire, place Joseph-Gardet",
        "commune": "63124",
        "latitude": "45.737400",
        "longitude": "3.196800",
        "opening_hours": "Distribution les 1er et 3e mardis du mois, 14 h-17 h.",
        "phone": "06 40 98 11 01",
        "email": "",
        "website": "",
        "services": ["Aide alimentaire"],
        "publics": [E],
        "access": ["Sur orientation uniquement", "Justificatif de ressources demandé"],
        "fees": "Gratuit.",
        "status": ACTIVE,
        "agreement_days": 1000,
        "recommended": True,
        "notes": "Horaires à confirmer : la salle change peut-être de jour.",
        # Overdue: last checked fourteen months ago, reviewed every twelve.
        "checked": 430,
        "contacts": [("Bernard Tixier", "Président", "", "06 40 98 11 02")],
    },
    {
        "name": "Mission locale de l'agglomération clermontoise",
        "categories": [SOCIAL, INSERTION],
        "description": "Accompagnement des 16-25 ans vers l'emploi, la formation, le logement "
        "et la santé ; Contrat d'engagement jeune.",
        "address": "19 boulevard Berthelot",
        "commune": "63113",
        "latitude": "45.772900",
        "longitude": "3.088600",
        "opening_hours": "Du lundi au vendredi, 8 h 30-12 h 30 et 13 h 30-17 h.",
        "phone": "04 65 71 12 01",
        "email": "accueil@missionlocale.example.org",
        "website": "https://missionlocale.example.org",
        "services": ["Insertion professionnelle", "Logement", "Formation"],
        "publics": [Y],
        "access": ["Sur rendez-vous", "Accès de plain-pied"],
        "fees": "Gratuit.",
        "status": ACTIVE,
        "agreement_days": 1500,
        "recommended": True,
        "notes": "Oriente régulièrement des jeunes vers le programme.",
        "checked": 70,
        "contacts": [
            (
                "Sophie Andrieux",
                "Conseillère",
                "s.andrieux@missionlocale.example.org",
                "04 65 71 12 02",
            )
        ],
    },
    {
        "name": "Centre communal d'action sociale de Chamalières",
        "categories": [SOCIAL],
        "description": "Aides facultatives, domiciliation, accompagnement des seniors isolés "
        "et portage de repas.",
        "address": "Hôtel de ville, place Claude-Wolff",
        "commune": "63075",
        "latitude": "45.774300",
        "longitude": "3.067100",
        "opening_hours": "Du lundi au vendredi, 8 h 30-12 h.",
        "phone": "04 65 71 13 01",
        "email": "ccas@chamalieres.example.org",
        "website": "",
        "services": ["Aide alimentaire", "Logement"],
        "publics": [S, E],
        "access": ["Sur rendez-vous", "Accès de plain-pied"],
        "fees": "Gratuit.",
        "status": ACTIVE,
        "agreement_days": 600,
        "recommended": False,
        "notes": "",
        "checked": 200,
        "contacts": [("Martine Bard", "Travailleuse sociale", "", "04 65 71 13 02")],
    },
    {
        "name": "Résidence autonomie Les Tilleuls",
        "categories": [SOCIAL],
        "description": "Résidence autonomie de 60 logements pour personnes âgées, restaurant "
        "collectif ouvert aux seniors du quartier.",
        "address": "3 rue des Tilleuls",
        "commune": "63032",
        "latitude": "45.751700",
        "longitude": "3.083600",
        "opening_hours": "Repas de midi du lundi au samedi, sur réservation.",
        "phone": "04 65 71 14 01",
        "email": "",
        "website": "",
        "services": ["Ateliers cuisine", "Logement"],
        "publics": [S],
        "access": ["Accès de plain-pied", "Sur inscription"],
        "fees": "Repas à 6,50 €.",
        "status": ACTIVE,
        "agreement_days": 150,
        "recommended": True,
        "notes": "",
        "checked": 90,
        "contacts": [("Gisèle Mallet", "Directrice", "", "04 65 71 14 02")],
    },
    {
        "name": "Les Toques solidaires",
        "categories": [ASSOCIATION],
        "description": "Association d'ateliers cuisine anti-gaspillage, animés par des "
        "cuisiniers bénévoles, avec les invendus des commerçants du quartier.",
        "address": "Centre social Jean-Prouvé, 16 rue Charles-Fabre",
        "commune": "63113",
        "latitude": "45.763900",
        "longitude": "3.101300",
        "opening_hours": "Ateliers le samedi, 10 h-13 h.",
        "phone": "06 40 98 15 01",
        "email": "toques@example.org",
        "website": "",
        "services": ["Ateliers cuisine"],
        "publics": [Y, S],
        "access": ["Sur inscription", "Accès de plain-pied"],
        "fees": "Prix libre.",
        "status": ACTIVE,
        "agreement_days": 250,
        "recommended": True,
        "notes": "",
        "checked": 25,
        "contacts": [("Rachid Amrani", "Chef bénévole", "", "06 40 98 15 01")],
    },
    {
        "name": "Jardins partagés de Romagnat",
        "categories": [ASSOCIATION],
        "description": "Parcelles partagées et compost collectif ; journées portes ouvertes.",
        "address": "Chemin de Saulzet",
        "commune": "63307",
        "latitude": "45.729700",
        "longitude": "3.100600",
        "opening_hours": "Le samedi matin.",
        "phone": "",
        "email": "jardins-romagnat@example.org",
        "website": "",
        "services": ["Produits locaux ou bio"],
        "publics": [E],
        "access": ["Ouvert à tous", "Réservé aux adhérents"],
        "fees": "Parcelle : 15 € par an.",
        "status": PROSPECT,
        "agreement_days": None,
        "recommended": False,
        "notes": "",
        # Never checked since it was entered: on the review list too.
        "checked": None,
        "contacts": [],
    },
    {
        "name": "GAEC du Montrognon — fromages fermiers",
        "categories": [PRODUCER],
        "description": "Élevage de vaches laitières et fromages fermiers (saint-nectaire, "
        "tomme), vente directe à la ferme.",
        "address": "Lieu-dit Montrognon",
        "commune": "63070",
        "latitude": "45.745800",
        "longitude": "3.058600",
        "opening_hours": "Vente à la ferme le samedi, 9 h-12 h.",
        "phone": "06 40 98 16 01",
        "email": "",
        "website": "",
        "services": [
            "Produits locaux ou bio",
            "Circuit court",
            "Visites de ferme",
            "Accepte la Doume",
        ],
        "publics": [E],
        "access": ["Ouvert à tous"],
        "fees": "",
        "status": PROSPECT,
        "agreement_days": None,
        "recommended": True,
        "notes": "",
        "checked": 120,
        "contacts": [("Élodie Chabrier", "Associée", "", "06 40 98 16 01")],
    },
    {
        "name": "Équipe de recherche Alimentation et territoires",
        "categories": [RESEARCH],
        "description": "Enseignants-chercheurs en sociologie et en économie de l'alimentation ; "
        "évaluation des effets du programme sur les pratiques d'achat.",
        "address": "89 avenue de l'Europe",
        "commune": "63193",
        "latitude": "45.773600",
        "longitude": "3.187600",
        "opening_hours": "",
        "phone": "",
        "email": "alimentation-territoires@recherche.example.org",
        "website": "",
        "services": ["Formation"],
        "publics": [],
        "access": [],
        "fees": "",
        "status": ACTIVE,
        "agreement_days": 800,
        "recommended": False,
        "notes": "Les données partagées sont anonymisées et limitées au consentement recherche.",
        "checked": 180,
        "contacts": [("Pr. Anne Delmas", "Enseignante-chercheuse", "", "")],
    },
    {
        "name": "Direction départementale de l'emploi, du travail et des solidarités",
        "categories": [STATE],
        "description": "Service de l'État qui finance l'aide alimentaire et le programme "
        "« Mieux manger pour tous ».",
        "address": "2 rue Pélissier",
        "commune": "63113",
        "latitude": "45.776500",
        "longitude": "3.093000",
        "opening_hours": "",
        "phone": "04 65 71 17 01",
        "email": "ddets@example.org",
        "website": "",
        "services": ["Aide alimentaire"],
        "publics": [],
        "access": [],
        "fees": "",
        "status": ACTIVE,
        "agreement_days": 1000,
        "recommended": False,
        "notes": "Bilan annuel à remettre en janvier.",
        "checked": 110,
        "contacts": [("Olivier Lamy", "Chargé de mission solidarités", "", "04 65 71 17 02")],
    },
    {
        "name": "Clermont Auvergne Métropole — projet alimentaire territorial",
        "categories": [AUTHORITY],
        "description": "Le projet alimentaire territorial de la métropole : restauration "
        "collective, agriculture périurbaine et accès de tous à une alimentation durable.",
        "address": "64-66 avenue de l'Union-Soviétique",
        "commune": "63113",
        "latitude": "45.780900",
        "longitude": "3.098700",
        "opening_hours": "",
        "phone": "04 65 71 18 01",
        "email": "pat@clermontmetropole.example.org",
        "website": "",
        "services": [],
        "publics": [],
        "access": [],
        "fees": "",
        "status": ACTIVE,
        "agreement_days": 1100,
        "recommended": False,
        "notes": "",
        "checked": 60,
        "contacts": [("Fabien Vigier", "Chef de projet PAT", "", "04 65 71 18 02")],
    },
    {
        "name": "Les Paniers de Gerzat",
        "categories": [PRODUCER],
        "description": "Ancien point de retrait de paniers de légumes, arrêté en 2023.",
        "address": "",
        "commune": "63164",
        "latitude": "45.824700",
        "longitude": "3.144700",
        "opening_hours": "",
        "phone": "",
        "email": "",
        "website": "",
        "services": ["Circuit court"],
        "publics": [E],
        "access": [],
        "fees": "",
        "status": FORMER,
        "agreement_days": 1300,
        "recommended": False,
        "notes": "",
        "checked": 300,
        "contacts": [],
    },
    {
        "name": "Ferme du Bois de Riom",
        "categories": [PRODUCER],
        "description": "Ferme en volailles et œufs bio, hors de la métropole, présente au "
        "marché de Saint-Joseph le samedi.",
        "address": "Route de Mozac, Riom",
        "commune": None,
        "postal_code": "63200",
        "latitude": None,
        "longitude": None,
        "opening_hours": "",
        "phone": "06 40 98 19 01",
        "email": "",
        "website": "",
        "services": ["Produits locaux ou bio", "Circuit court"],
        "publics": [E],
        "access": ["Ouvert à tous"],
        "fees": "",
        "status": PROSPECT,
        "agreement_days": None,
        "recommended": False,
        "notes": "Coordonnées GPS à compléter.",
        "checked": 10,
        "contacts": [],
    },
]

# (partner, days from today to the start, length in days, reason)
CLOSURES = [
    ("Boulangerie Au Pain de Montjuzet", -3, 14, "Congés annuels"),
    ("Ferme des Sauzes", 30, 7, "Pas de vente pendant les plantations"),
]

# (partner, days ago, kind, summary)
EVENTS = [
    (
        "Épicerie solidaire du Vergnes",
        900,
        PartnershipEvent.Kind.AGREEMENT,
        "Signature de la convention d'orientation vers l'épicerie.",
    ),
    (
        "Épicerie solidaire du Vergnes",
        60,
        PartnershipEvent.Kind.MEETING,
        "Bilan des orientations de l'année ; ateliers cuisine communs à la rentrée.",
    ),
    (
        "Ferme des Sauzes",
        500,
        PartnershipEvent.Kind.AGREEMENT,
        "Convention d'accueil de deux visites de ferme par an.",
    ),
    (
        "Doume — ADML63",
        1800,
        PartnershipEvent.Kind.AGREEMENT,
        "Convention sur le bonus solidaire de 15 % à la conversion en Doume.",
    ),
    (
        "Doume — ADML63",
        30,
        PartnershipEvent.Kind.WORKING_GROUP,
        "Groupe de travail : nouveaux commerçants acceptant la Doume dans les quartiers.",
    ),
    (
        "Clermont Auvergne Métropole — projet alimentaire territorial",
        45,
        PartnershipEvent.Kind.WORKING_GROUP,
        "Comité du projet alimentaire territorial : présentation du programme.",
    ),
]


def _days_ago(today, days):
    return None if days is None else today - datetime.timedelta(days=days)


@transaction.atomic
def seed_partners(today, *, by=None):
    """Build or refresh the demo directory; return the partners by name. ``by`` signs the
    partnership log (the demo coordinator when there is one)."""
    load_metropole_communes(Commune)
    load_vocabulary(Category, ServiceTag, AccessCondition)
    mark_place_features(ServiceTag)
    communes = {commune.insee_code: commune for commune in Commune.objects.all()}
    categories = {category.name: category for category in Category.objects.all()}
    services = {service.name: service for service in ServiceTag.objects.all()}
    access = {condition.name: condition for condition in AccessCondition.objects.all()}
    if by is None:
        by = User.objects.filter(email="coordination@example.org").first()

    partners = {}
    for row in PARTNERS:
        commune = communes[row["commune"]] if row["commune"] else None
        partner, _ = Partner.objects.update_or_create(
            name=row["name"],
            defaults={
                "description": row["description"],
                "address": row["address"],
                "postal_code": row.get("postal_code") or (commune.postal_code if commune else ""),
                "commune": commune,
                "latitude": Decimal(row["latitude"]) if row["latitude"] else None,
                "longitude": Decimal(row["longitude"]) if row["longitude"] else None,
                "opening_hours": row["opening_hours"],
                "phone": to_e164(row["phone"]) if row["phone"] else "",
                "email": row["email"],
                "website": row["website"],
                "fees": row["fees"],
                "partnership_status": row["status"],
                "agreement_date": _days_ago(today, row["agreement_days"]),
                "may_be_recommended": row["recommended"],
                "internal_notes": row["notes"],
                "last_checked_on": _days_ago(today, row["checked"]),
                "review_every_months": 12,
                "is_archived": False,
                "serves_young": Y in row["publics"],
                "serves_seniors": S in row["publics"],
                "serves_everyone": E in row["publics"],
            },
        )
        partner.categories.set([categories[name] for name in row["categories"]])
        partner.services.set([services[name] for name in row["services"]])
        partner.access_conditions.set([access[name] for name in row["access"]])
        for name, role, email, phone in row["contacts"]:
            Contact.objects.update_or_create(
                partner=partner,
                name=name,
                defaults={"role": role, "email": email, "phone": to_e164(phone) if phone else ""},
            )
        partners[partner.name] = partner

    for name, starts_in, length, reason in CLOSURES:
        starts_on = today + datetime.timedelta(days=starts_in)
        Closure.objects.update_or_create(
            partner=partners[name],
            reason=reason,
            defaults={
                "starts_on": starts_on,
                "ends_on": starts_on + datetime.timedelta(days=length),
            },
        )
    for name, days_ago, kind, summary in EVENTS:
        PartnershipEvent.objects.update_or_create(
            partner=partners[name],
            summary=summary,
            defaults={"date": _days_ago(today, days_ago), "kind": kind, "by": by},
        )
    return partners
