"""The directory in the national data·inclusion schema (schema published by the GIP de
l'inclusion: https://github.com/gip-inclusion/data-inclusion-schema), so that it can feed and
be fed by the national directory of inclusion services.

Exports are two JSON lists, as the schema publishes them: the *structures* (one per listing)
and the *services* (one per service a listing offers; place features such as "accepts the
Doume" are not services). The tests validate both with the schema's own package
(``data-inclusion-schema``, a development dependency). Imports read a structures file: each
structure becomes an import row and goes through the same preview and all-or-nothing
confirmation as a CSV file. What the schema does not carry — categories, services, publics,
access conditions, fees, the partnership — is kept on the listings a structure matches; new
listings get the category the coordinator chose.
"""

import json
import re
from collections.abc import Iterator

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from beneficiaries.models import Commune
from soli_dome import uploads
from soli_dome.text import fold

from . import transfer
from .models import Partner

SOURCE = "soli-dome"
OWN_ID = re.compile(rf"{SOURCE}-\d+")

# Our services as data·inclusion "thematiques" (v1 referential: always "category--theme")
# and "type". The tests check every value against the schema's own package. Services a
# coordinator adds are exported without themes; place features (ServiceTag.is_service off)
# are not services.
THEMES = {
    "Aide alimentaire": ["equipement-et-alimentation--alimentation"],
    "Épicerie solidaire": ["equipement-et-alimentation--alimentation"],
    "Visites de ferme": ["remobilisation--lien-social"],
    "Ateliers cuisine": ["equipement-et-alimentation--alimentation", "remobilisation--lien-social"],
    "Formation": ["se-former--trouver-sa-formation"],
    "Logement": [
        "logement-hebergement--louer-un-logement",
        "logement-hebergement--rechercher-une-solution-dhebergement-temporaire",
    ],
    "Insertion professionnelle": [
        "choisir-un-metier--decouvrir-un-metier-ou-un-secteur-dactivite",
        "preparer-sa-candidature--valoriser-ses-competences",
    ],
}
TYPES = {
    "Aide alimentaire": "aide-materielle",
    "Épicerie solidaire": "aide-materielle",
    "Visites de ferme": "atelier",
    "Ateliers cuisine": "atelier",
    "Formation": "formation",
    "Insertion professionnelle": "accompagnement",
}

# Our publics as data·inclusion publics; "everyone" is the schema's "tous-publics", which
# stands alone.
PUBLICS = {Partner.Public.YOUNG: "jeunes", Partner.Public.SENIOR: "seniors"}
EVERYONE = "tous-publics"

# The structure fields an import reads, with the column of our import table they fill.
STRUCTURE_FIELDS = {
    "id": "identifiant externe",
    "nom": "nom",
    "description": "description",
    "adresse": "adresse",
    "code_postal": "code postal",
    "code_insee": "code INSEE commune",
    "latitude": "latitude",
    "longitude": "longitude",
    "telephone": "téléphone",
    "courriel": "e-mail",
    "site_web": "site web",
    "horaires_accueil": "horaires",
    "siret": "SIRET",
    "lien_source": "fiche d'origine",
    "accessibilite_lieu": "fiche Acceslibre",
    "reseaux_porteurs": "réseaux porteurs",
}
_FIELD_BY_HEADER = {header: name for name, header in STRUCTURE_FIELDS.items()}
LIST_FIELDS = {"reseaux_porteurs"}
# The schema's bounds on names and descriptions.
NAME_LENGTH = (3, 150)  # a longer name is cut, with "…"
DESCRIPTION_MIN_LENGTH = 5


def structure_id(partner):
    return partner.external_id or f"{SOURCE}-{partner.pk}"


def _name(text):
    high = NAME_LENGTH[1]
    return text if len(text) <= high else text[: high - 1].rstrip() + "…"


def _description(partner):
    text = partner.description.strip()
    return text if len(text) >= DESCRIPTION_MIN_LENGTH else None


def _place(partner):
    return {
        "commune": partner.commune.name if partner.commune_id else None,
        "code_postal": partner.postal_code or None,
        "code_insee": partner.commune.insee_code if partner.commune_id else None,
        "adresse": partner.address or None,
        "longitude": float(partner.longitude) if partner.longitude is not None else None,
        "latitude": float(partner.latitude) if partner.latitude is not None else None,
        "telephone": partner.phone or None,
        "courriel": partner.email or None,
    }


def structure(partner: Partner) -> dict:
    return {
        "source": SOURCE,
        "id": structure_id(partner),
        "nom": _name(partner.name),
        "description": _description(partner),
        "date_maj": timezone.localdate(partner.updated_at).isoformat(),
        "siret": partner.siret or None,
        "lien_source": partner.source_url or None,
        **_place(partner),
        "site_web": partner.website or None,
        "horaires_accueil": partner.opening_hours or None,
        "accessibilite_lieu": partner.accessibility_url or None,
        "reseaux_porteurs": sorted(partner.networks) or None,
    }


def _publics(partner):
    if partner.serves_everyone:
        return [EVERYONE]
    return [PUBLICS[public] for public in partner.publics if public in PUBLICS] or None


def _fees(partner):
    """ "gratuit" or "payant" from the fees as typed ("Gratuit", "2 € par an"); the text
    itself goes to ``frais_precisions``."""
    fees = fold(partner.fees)
    if not fees:
        return None
    return "gratuit" if "gratuit" in fees and not re.search(r"\d", fees) else "payant"


def _contact_name(partner):
    """The first contact who agreed to be named in the national directory (contacts
    prefetched: see ``export_queryset``)."""
    named = [contact for contact in partner.contacts.all() if contact.may_be_named]
    return named[0].name if named else None


def services(partner: Partner, *, zone: list[str]) -> Iterator[dict]:
    """One data·inclusion service per service the listing offers (place features aside).
    ``zone`` is the eligibility area: the métropole's INSEE codes."""
    conditions = ", ".join(condition.name for condition in partner.access_conditions.all())
    common = {
        "source": SOURCE,
        "structure_id": structure_id(partner),
        "date_maj": timezone.localdate(partner.updated_at).isoformat(),
        "frais": _fees(partner),
        "frais_precisions": partner.fees or None,
        "publics": _publics(partner),
        "conditions_acces": conditions or None,
        **_place(partner),
        "modes_accueil": ["en-presentiel"] if partner.address else None,
        "zone_eligibilite": zone,
        "contact_nom_prenom": _contact_name(partner),
        "horaires_accueil": partner.opening_hours or None,
    }
    for tag in partner.services.all():
        if not tag.is_service:
            continue
        yield {
            "id": f"{structure_id(partner)}-service-{tag.pk}",
            "nom": _name(tag.name),
            "description": _description(partner)
            or _("%(service)s, proposé par %(partner)s.")
            % {"service": tag.name, "partner": partner.name},
            "type": TYPES.get(tag.name),
            "thematiques": THEMES.get(tag.name),
            **common,
        }


def json_lines(items):
    """A JSON list written item after item (a generator: exports stream)."""
    yield "["
    for index, item in enumerate(items):
        yield ("," if index else "") + "\n" + json.dumps(item, ensure_ascii=False)
    yield "\n]\n"


def export_queryset(partners):
    """What both exports read, in a fixed number of queries (contacts for the services)."""
    return transfer.export_queryset(partners).prefetch_related("contacts")


def export_structures(partners):
    return json_lines(structure(partner) for partner in partners.iterator(chunk_size=500))


def export_services(partners):
    with translation.override("fr"):
        zone = list(Commune.objects.order_by("insee_code").values_list("insee_code", flat=True))
    return json_lines(
        service
        for partner in partners.iterator(chunk_size=500)
        for service in _french(services(partner, zone=zone))
    )


def _french(items):
    """The generated descriptions in French, whatever the language of the page."""
    with translation.override("fr"):
        yield from items


def read_structures(content):
    """The structures of a data·inclusion JSON file, as an import table (header first), one
    row per structure: the plan numbers them from 1, as the file's structures. The list may
    stand alone or inside an object, under "items" (the national API's pages) or
    "structures". A services file is refused: it says what structures offer, not who they
    are."""
    items = uploads.parse_json(content)
    if isinstance(items, dict):
        items = next(
            (items[key] for key in ("items", "structures") if isinstance(items.get(key), list)),
            items,
        )
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise transfer.UnreadableFile(
            _("Le fichier n'est pas une liste de structures data·inclusion.")
        )
    if any("structure_id" in item for item in items):
        raise transfer.UnreadableFile(
            _(
                "Ce fichier est une liste de services data·inclusion (chaque élément a un "
                "« structure_id ») : le répertoire importe les structures. Importez le "
                "fichier des structures ; les services de vos fiches se choisissent sur "
                "chaque fiche."
            )
        )
    limits = uploads.Limits.from_settings()
    if len(items) > limits.max_rows:
        raise uploads.too_many_rows(limits)
    _refuse_non_text_values(items)
    communes = _communes()
    table = [list(STRUCTURE_FIELDS.values())]
    for item in items:
        table.append([_cell(item, name, communes) for name in STRUCTURE_FIELDS])
    return table


def _refuse_non_text_values(items):
    """The fields read are texts or numbers; a list or an object there is refused, naming the
    structures and fields, rather than imported as its Python spelling."""
    read = [*STRUCTURE_FIELDS, "commune", "source", "presentation_detail", "presentation_resume"]
    wrong = [
        (number, name)
        for number, item in enumerate(items, start=1)
        for name in read
        if not _is_plain(item.get(name), listed=name in LIST_FIELDS)
    ]
    if wrong:
        places = "; ".join(
            _("structure %(number)s, champ « %(field)s »") % {"number": n, "field": name}
            for n, name in wrong[:10]
        )
        raise transfer.UnreadableFile(
            _("Ces champs devraient contenir un texte ou un nombre : %(places)s.")
            % {"places": places}
        )


def _is_plain(value, *, listed):
    """A text, a number or nothing; for a list field, a list of texts too."""
    if listed and isinstance(value, list):
        return all(isinstance(part, str) for part in value)
    return isinstance(value, str | int | float | type(None)) and not isinstance(value, bool)


def _communes():
    """The métropole's communes by INSEE code and by folded name."""
    communes = {}
    for code, name in Commune.objects.values_list("insee_code", "name"):
        communes[code] = code
        communes[fold(name)] = code
    return communes


def _cell(item, name, communes):
    value = item.get(name)
    if name == "code_insee":
        # A structure outside the métropole has no commune here: its postal code and
        # address still say where it is.
        return communes.get(str(value or "")) or communes.get(
            fold(str(item.get("commune") or "")), ""
        )
    if name == "id" and item.get("source") == SOURCE and OWN_ID.fullmatch(str(value or "")):
        return ""  # our own listing without an external id: matched on name and commune
    if name == "description" and not value:
        # Older versions of the schema split the presentation in two.
        value = item.get("presentation_detail") or item.get("presentation_resume")
    if value is None:
        return ""
    if isinstance(value, list):
        return transfer.SEPARATOR.join(value)
    if isinstance(value, float):
        return repr(value)
    return str(value)


def kept_columns(category):
    """What the schema does not carry: listings keep theirs, new ones get these."""
    return {
        "categories": [category],
        "services": [],
        "publics": [],
        "access_conditions": [],
        "fees": "",
        "partnership_status": Partner.PartnershipStatus.PROSPECT,
        "agreement_date": None,
        "may_be_recommended": False,
        "last_checked_on": None,
        "review_every_months": 12,
    }


def plan_import(table, *, category):
    """The import plan of a structures table; problems give the structure's number and the
    data·inclusion field."""
    plan = transfer.plan_import(table, kept=kept_columns(category), first_line=1)
    for problem in plan.problems:
        problem.column = _FIELD_BY_HEADER.get(problem.column, problem.column)
    return plan
