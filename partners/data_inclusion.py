"""The directory in the national data·inclusion schema (schema published by the GIP de
l'inclusion: https://github.com/gip-inclusion/data-inclusion-schema), so that it can feed and
be fed by the national directory of inclusion services.

Exports are two JSON lists, as the schema publishes them: the *structures* (one per listing)
and the *services* (one per service a listing offers). Imports read a structures file: each
structure becomes an import row and goes through the same preview and all-or-nothing
confirmation as a CSV file. What the schema does not carry — categories, services, publics,
access conditions, fees, the partnership — is kept on the listings a structure matches; new
listings get the category the coordinator chose.
"""

import json
import re

from django.utils import timezone
from django.utils.translation import gettext as _

from beneficiaries.models import Commune
from beneficiaries.search import fold

from . import transfer
from .models import Partner

SOURCE = "soli-dome"
OWN_ID = re.compile(rf"{SOURCE}-\d+")

# Our service tags as data·inclusion themes (referential "thematiques").
THEMES = {
    "Aide alimentaire": ["gestion-financiere--obtenir-une-aide-alimentaire"],
    "Épicerie solidaire": [
        "equipement-et-alimentation--alimentation",
        "gestion-financiere--obtenir-une-aide-alimentaire",
    ],
    "Accepte la Doume": ["equipement-et-alimentation--alimentation"],
    "Prix solidaires": ["equipement-et-alimentation--alimentation"],
    "Produits locaux ou bio": ["equipement-et-alimentation--alimentation"],
    "Circuit court": ["equipement-et-alimentation--alimentation"],
    "Visites de ferme": ["remobilisation--lien-social"],
    "Ateliers cuisine": ["equipement-et-alimentation--alimentation", "remobilisation--lien-social"],
    "Formation": ["se-former"],
    "Logement": ["logement-hebergement"],
    "Insertion professionnelle": [
        "accompagnement-social-et-professionnel-personnalise--parcours-d-insertion-socioprofessionnel"
    ],
}

# Our publics as data·inclusion publics (referential "publics"); "everyone" is no public.
PUBLICS = {Partner.Public.YOUNG: "jeunes", Partner.Public.SENIOR: "seniors"}

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
}
_FIELD_BY_HEADER = {header: name for name, header in STRUCTURE_FIELDS.items()}


def structure_id(partner):
    return partner.external_id or f"{SOURCE}-{partner.pk}"


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


def structure(partner):
    return {
        "source": SOURCE,
        "id": structure_id(partner),
        "nom": partner.name,
        "description": partner.description or None,
        "date_maj": timezone.localdate(partner.updated_at).isoformat(),
        **_place(partner),
        "site_web": partner.website or None,
        "horaires_accueil": partner.opening_hours or None,
    }


def services(partner):
    """One data·inclusion service per service the listing offers."""
    conditions = ", ".join(condition.name for condition in partner.access_conditions.all())
    publics = [PUBLICS[public] for public in partner.publics if public in PUBLICS]
    for tag in partner.services.all():
        yield {
            "source": SOURCE,
            "structure_id": structure_id(partner),
            "id": f"{structure_id(partner)}-service-{tag.pk}",
            "nom": tag.name,
            "description": partner.description or None,
            "date_maj": timezone.localdate(partner.updated_at).isoformat(),
            "thematiques": THEMES.get(tag.name, []),
            "frais_precisions": partner.fees or None,
            "publics": publics,
            "conditions_acces": conditions or None,
            **_place(partner),
            "horaires_accueil": partner.opening_hours or None,
        }


def json_lines(items):
    """A JSON list written item after item (a generator: exports stream)."""
    yield "["
    for index, item in enumerate(items):
        yield ("," if index else "") + "\n" + json.dumps(item, ensure_ascii=False)
    yield "\n]\n"


def export_structures(partners):
    return json_lines(structure(partner) for partner in partners.iterator(chunk_size=500))


def export_services(partners):
    return json_lines(
        service for partner in partners.iterator(chunk_size=500) for service in services(partner)
    )


def read_structures(content):
    """The structures of a data·inclusion JSON file, as an import table (header first), one
    row per structure: the plan numbers them from 1, as the file's structures."""
    try:
        items = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        raise transfer.UnreadableFile(_("Le fichier n'est pas un JSON lisible.")) from None
    if isinstance(items, dict) and isinstance(items.get("structures"), list):
        items = items["structures"]
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise transfer.UnreadableFile(
            _("Le fichier n'est pas une liste de structures data·inclusion.")
        )
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
        if not isinstance(item.get(name), str | int | float | type(None))
        or isinstance(item.get(name), bool)
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
