"""Import and export of the directory as CSV and XLSX files.

One column list, ``COLUMNS``, serves both ways: each column has its French header, reads its
value from a partner (export) and parses a cell back (import), so that an exported file imports
again unchanged. The CSV is written in UTF-8 with a byte-order mark and ";" separators, which is
what French spreadsheet software opens without asking; imports accept ";", "," or tabs, and
UTF-8 or Windows-1252. Files are written by the shared writer (``soli_dome.exports``), which
turns a text that a spreadsheet would run as a formula into inert text; the import undoes the
CSV's leading apostrophe, so that such a listing round-trips unchanged.

Lists (categories, services, publics, access conditions) are separated by " | ". Names that the
directory does not know are errors, listing the accepted values: an import never creates a
category or a service.
"""

import copy
import csv
import datetime
import io
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils import translation
from django.utils.translation import gettext as _

from beneficiaries.models import Commune
from soli_dome import exports, uploads
from soli_dome.phone import display_phone, to_e164
from soli_dome.text import fold

from .models import AccessCondition, Category, Partner, ServiceTag, is_valid_siret

SEPARATOR = " | "
YES, NO = "oui", "non"


class Vocabulary:
    """The names an import may use, loaded once per file (a handful of queries)."""

    def __init__(self):
        self.categories = {fold(c.name): c for c in Category.objects.all()}
        self.services = {fold(s.name): s for s in ServiceTag.objects.all()}
        self.access_conditions = {fold(a.name): a for a in AccessCondition.objects.all()}
        self.communes_by_code = {}
        self.communes_by_name = {}
        for commune in Commune.objects.all():
            self.communes_by_code[commune.insee_code] = commune
            self.communes_by_name[fold(commune.name)] = commune


def _text(value):
    """A cell as text: empty cells are "", whole numbers lose their ".0", and the apostrophe
    the export puts before a formula-like text is removed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    return exports.unneutralise(str(value)).strip()


def _split(value):
    return [part.strip() for part in _text(value).split("|") if part.strip()]


def _names(kind):
    def parse(value, vocabulary):
        known = getattr(vocabulary, kind)
        found, unknown = [], []
        for name in _split(value):
            item = known.get(fold(name))
            if item is None:
                unknown.append(name)
            elif item not in found:
                found.append(item)
        if unknown:
            accepted = SEPARATOR.join(item.name for item in known.values())
            raise ValidationError(
                _("Inconnu : %(unknown)s. Valeurs acceptées : %(accepted)s.")
                % {"unknown": ", ".join(unknown), "accepted": accepted}
            )
        return found

    return parse


def _export_names(attribute):
    return lambda partner: SEPARATOR.join(item.name for item in getattr(partner, attribute).all())


def _plain(max_length=None, required=False):
    def parse(value, vocabulary):
        text = _text(value)
        if required and not text:
            raise ValidationError(_("Cette colonne est obligatoire."))
        if max_length and len(text) > max_length:
            raise ValidationError(
                _("%(count)d caractères au plus.") % {"count": max_length},
            )
        return text

    return parse


def _parse_postal_code(value, vocabulary):
    text = _text(value)
    if text and not re.fullmatch(r"\d{5}", text):
        raise ValidationError(_("Un code postal a cinq chiffres, par exemple 63000."))
    return text


def _parse_commune(value, vocabulary):
    text = _text(value)
    if not text:
        return None
    commune = vocabulary.communes_by_code.get(text) or vocabulary.communes_by_name.get(fold(text))
    if commune is None:
        raise ValidationError(
            _(
                "Commune inconnue : donnez le code INSEE ou le nom d'une commune de la "
                "métropole, ou laissez vide."
            )
        )
    return commune


def _coordinate(limit):
    def parse(value, vocabulary):
        text = _text(value).replace(",", ".")
        if not text:
            return None
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValidationError(
                _("Un nombre en degrés décimaux, par exemple 45.777222.")
            ) from None
        if not number.is_finite() or abs(number) > limit:
            raise ValidationError(_("Un nombre entre -%(limit)d et %(limit)d.") % {"limit": limit})
        return number.quantize(Decimal("0.000001"))

    return parse


def _parse_phone(value, vocabulary):
    text = _text(value)
    if not text:
        return ""
    if re.fullmatch(r"[1-9]\d{8}", text):  # a spreadsheet dropped the leading zero
        text = "0" + text
    return to_e164(text)


def _validated(validator, max_length):
    def parse(value, vocabulary):
        text = _plain(max_length)(value, vocabulary)
        if text:
            validator(text)
        return text

    return parse


def _parse_siret(value, vocabulary):
    text = re.sub(r"\s", "", _text(value))
    if text and not is_valid_siret(text):
        raise ValidationError(_("Un numéro SIRET a 14 chiffres et celui-ci n'est pas valide."))
    return text


def _parse_url(value, vocabulary):
    return _validated(URLValidator(schemes=["http", "https"]), 300)(value, vocabulary)


def _parse_networks(value, vocabulary):
    """Networks are data·inclusion "reseaux_porteurs" values, such as "restos-du-coeur"."""
    names = _split(value)
    wrong = [name for name in names if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", name)]
    if wrong:
        raise ValidationError(
            _(
                "Donnez les réseaux comme data·inclusion les écrit, en minuscules et avec des "
                "tirets, par exemple « restos-du-coeur » : %(wrong)s."
            )
            % {"wrong": ", ".join(wrong)}
        )
    return sorted(set(names))


def _parse_website(value, vocabulary):
    text = _text(value)
    if text and "://" not in text:
        text = "https://" + text
    return _validated(URLValidator(), 300)(text, vocabulary)


def _french(label):
    """A choice label as files write it: in French, whatever the language of the page."""
    with translation.override("fr"):
        return str(label)


def _parse_publics(value, vocabulary):
    by_name = {}
    for public in Partner.Public:
        by_name[fold(public.value)] = public.value
        by_name[fold(_french(public.label))] = public.value
        by_name[fold(str(public.label))] = public.value
    found, unknown = [], []
    for name in _split(value):
        public = by_name.get(fold(name))
        if public is None:
            unknown.append(name)
        elif public not in found:
            found.append(public)
    if unknown:
        accepted = SEPARATOR.join(_french(public.label) for public in Partner.Public)
        raise ValidationError(
            _("Inconnu : %(unknown)s. Valeurs acceptées : %(accepted)s.")
            % {"unknown": ", ".join(unknown), "accepted": accepted}
        )
    return [public for public in Partner.Public.values if public in found]


def _parse_status(value, vocabulary):
    text = fold(_text(value))
    if not text:
        return Partner.PartnershipStatus.PROSPECT
    for status in Partner.PartnershipStatus:
        if text in {fold(status.value), fold(_french(status.label)), fold(str(status.label))}:
            return status.value
    raise ValidationError(
        _("Valeurs acceptées : %(accepted)s.")
        % {"accepted": SEPARATOR.join(_french(s.label) for s in Partner.PartnershipStatus)}
    )


def _parse_date(value, vocabulary):
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _text(value)
    if not text:
        return None
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(text, pattern).date()  # noqa: DTZ007 - a day
        except ValueError:
            continue
    raise ValidationError(_("Une date comme 31/01/2026."))


def _parse_yes_no(value, vocabulary):
    text = fold(_text(value))
    if text in {YES, "o", "1", "vrai", "true", "yes"}:
        return True
    if text in {"", NO, "n", "0", "faux", "false", "no"}:
        return False
    raise ValidationError(_("Écrivez « oui » ou « non »."))


def _parse_months(value, vocabulary):
    text = _text(value)
    if not text:
        return 12
    if not re.fullmatch(r"\d+", text) or not 1 <= int(text) <= 60:
        raise ValidationError(_("Un nombre de mois entre 1 et 60."))
    return int(text)


@dataclass(frozen=True)
class Column:
    header: str
    attribute: str  # the partner attribute it sets; many-to-many ones are set after saving
    # The value the export writes: dates, numbers and texts, typed by the shared writer.
    export: Callable
    parse: Callable
    many: bool = False
    example: str = ""
    # A file without this column (one made before it existed) imports: listings keep theirs.
    optional_default: object = field(default=None)


def _attr(attribute):
    return lambda partner: getattr(partner, attribute)


COLUMNS = [
    Column(
        "identifiant externe",
        "external_id",
        _attr("external_id"),
        _plain(100),
        example="EPI-001",
    ),
    Column("nom", "name", _attr("name"), _plain(200, required=True), example="Épicerie du Port"),
    Column(
        "catégories",
        "categories",
        _export_names("categories"),
        _names("categories"),
        many=True,
        example="Distributeurs alimentaires",
    ),
    Column(
        "description",
        "description",
        _attr("description"),
        _plain(),
        example="Épicerie solidaire ouverte aux personnes orientées.",
    ),
    Column("adresse", "address", _attr("address"), _plain(255), example="12 rue du Port"),
    Column("code postal", "postal_code", _attr("postal_code"), _parse_postal_code, example="63000"),
    Column(
        "code INSEE commune",
        "commune",
        lambda partner: partner.commune.insee_code if partner.commune_id else "",
        _parse_commune,
        example="63113",
    ),
    Column("latitude", "latitude", _attr("latitude"), _coordinate(90), example="45.777222"),
    Column(
        "longitude",
        "longitude",
        _attr("longitude"),
        _coordinate(180),
        example="3.087025",
    ),
    Column(
        "téléphone",
        "phone",
        lambda partner: display_phone(partner.phone),
        _parse_phone,
        example="04 73 12 34 56",
    ),
    Column(
        "e-mail",
        "email",
        _attr("email"),
        _validated(EmailValidator(), 254),
        example="contact@example.org",
    ),
    Column("site web", "website", _attr("website"), _parse_website, example="https://example.org"),
    Column(
        "services",
        "services",
        _export_names("services"),
        _names("services"),
        many=True,
        example="Épicerie solidaire | Accepte la Doume",
    ),
    Column(
        "publics",
        "publics",
        lambda partner: SEPARATOR.join(str(label) for label in partner.get_publics_display()),
        _parse_publics,
        example="Jeunes (16-25 ans) | Seniors",
    ),
    Column(
        "conditions d'accès",
        "access_conditions",
        _export_names("access_conditions"),
        _names("access_conditions"),
        many=True,
        example="Sur orientation uniquement",
    ),
    Column(
        "horaires",
        "opening_hours",
        _attr("opening_hours"),
        _plain(),
        example="Du mardi au samedi, 9 h-12 h",
    ),
    Column("tarifs", "fees", _attr("fees"), _plain(255), example="2 € par an"),
    Column(
        "statut du partenariat",
        "partnership_status",
        lambda partner: str(partner.get_partnership_status_display()),
        _parse_status,
        example="Partenaire actif",
    ),
    Column(
        "date de convention",
        "agreement_date",
        _attr("agreement_date"),
        _parse_date,
        example="15/01/2026",
    ),
    Column(
        "recommandable",
        "may_be_recommended",
        lambda partner: YES if partner.may_be_recommended else NO,
        _parse_yes_no,
        example=YES,
    ),
    Column(
        "dernière vérification",
        "last_checked_on",
        _attr("last_checked_on"),
        _parse_date,
        example="01/02/2026",
    ),
    Column(
        "fréquence de revue (mois)",
        "review_every_months",
        _attr("review_every_months"),
        _parse_months,
        example="12",
    ),
    Column(
        "SIRET",
        "siret",
        _attr("siret"),
        _parse_siret,
        example="13003013300016",
        optional_default="",
    ),
    Column(
        "fiche Acceslibre",
        "accessibility_url",
        _attr("accessibility_url"),
        _parse_url,
        optional_default="",
    ),
    Column("fiche d'origine", "source_url", _attr("source_url"), _parse_url, optional_default=""),
    Column(
        "réseaux porteurs",
        "networks",
        lambda partner: SEPARATOR.join(partner.networks),
        _parse_networks,
        optional_default=[],
    ),
]

HEADERS = [column.header for column in COLUMNS]
_COLUMN_BY_ATTRIBUTE = {column.attribute: column for column in COLUMNS}


# --- export -------------------------------------------------------------------------------


def export_queryset(partners):
    """The partners with what the columns read, in a fixed number of queries."""
    return partners.select_related("commune").prefetch_related(
        "categories", "services", "access_conditions"
    )


# The export's columns for the shared writer: in French whatever the language of the page,
# since the import reads French headers and labels.
EXPORT_COLUMNS = [exports.Column(column.header, column.export) for column in COLUMNS]
TEMPLATE_COLUMNS = [
    exports.Column(column.header, operator.itemgetter(index))
    for index, column in enumerate(COLUMNS)
]


def export_rows(partners):
    """The partners one by one, for ``EXPORT_COLUMNS`` (a generator: exports stream)."""
    return partners.iterator(chunk_size=500)


def template_rows():
    """The one example row of the import template, for ``TEMPLATE_COLUMNS``."""
    return [[column.example for column in COLUMNS]]


# --- import -------------------------------------------------------------------------------


def count_rows(table):
    """The rows of a table, the header and empty rows aside."""
    return sum(1 for cells in table[1:] if any(_text(cell) for cell in cells))


# The file is not a table we can read, or is too large to read; the message says why.
UnreadableFile = uploads.UnreadableUpload


def read_table(content, extension, limits=None):
    """The cells of the file, as a list of rows (the header first), checked by content and
    read within ``limits`` (the settings' by default): see ``soli_dome.uploads``."""
    limits = limits or uploads.Limits.from_settings()
    deadline = uploads.Deadline(limits.max_seconds)
    rows = _xlsx_rows(content, limits) if extension == "xlsx" else _csv_rows(content)
    return _bounded(rows, limits, deadline)


def _bounded(rows, limits, deadline):
    """The rows, refused past the limits. Trailing empty rows (a spreadsheet's formatted but
    unused lines) are dropped; empty rows between rows are kept, so that line numbers hold."""
    table, empty_rows = [], 0
    for cells in rows:
        deadline.check()
        if len(cells) > limits.max_columns and any(
            _text(cell) for cell in cells[limits.max_columns :]
        ):
            raise uploads.too_many_columns(limits)
        if not any(_text(cell) for cell in cells):
            empty_rows += 1
            continue
        if len(table) + empty_rows > limits.max_rows:  # the header is not counted
            raise uploads.too_many_rows(limits)
        table.extend([] for _ in range(empty_rows))
        empty_rows = 0
        table.append(list(cells[: limits.max_columns]))
    return table


def _csv_rows(content):
    text = uploads.decode_text(content)
    first_line = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        yield from reader
    except csv.Error as error:
        raise UnreadableFile(
            _("Le fichier CSV est mal formé : %(error)s.") % {"error": error}
        ) from None


def _xlsx_rows(content, limits):
    from openpyxl import load_workbook

    archive = uploads.open_xlsx_archive(content, limits)
    try:
        workbook = load_workbook(archive, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of errors on a damaged file
        raise UnreadableFile(_("Le fichier n'est pas un classeur XLSX lisible.")) from None
    try:
        sheet = workbook.worksheets[0]
        # The sheet's declared dimensions may lie ("A1:XFD1048576"): forgotten, each row has
        # the cells its XML holds, and missing rows are empty tuples.
        sheet.reset_dimensions()
        yield from sheet.iter_rows(values_only=True)
    except UnreadableFile:
        raise
    except Exception:
        raise UnreadableFile(_("Le fichier n'est pas un classeur XLSX lisible.")) from None
    finally:
        workbook.close()


@dataclass
class Problem:
    line: int
    column: str
    message: str


@dataclass
class PlannedRow:
    line: int
    values: dict
    partner: Partner | None = None  # the listing it matches, if any
    action: str = "create"  # "create", "update" or "unchanged"
    changes: list = field(default_factory=list)  # for an update, the headers that change


@dataclass
class Plan:
    """What an import would do: rows to create, update or leave, and the problems found."""

    rows: list = field(default_factory=list)
    problems: list = field(default_factory=list)

    def count(self, action):
        return sum(1 for row in self.rows if row.action == action)

    @property
    def to_create(self):
        return self.count("create")

    @property
    def to_update(self):
        return self.count("update")

    @property
    def unchanged(self):
        return self.count("unchanged")

    @property
    def can_import(self):
        return not self.problems and bool(self.rows)

    @property
    def changing(self):
        """The rows that create or change a listing, in file order (for the preview)."""
        return [row for row in self.rows if row.action != "unchanged"]


def plan_import(table, *, kept=None, first_line=2):
    """Every row of ``table`` parsed and checked, matched to the listing it updates (on the
    external id, or on the name and the commune), nothing written.

    ``kept`` maps the attributes of columns the file may lack to the value a new listing
    gets: a listing it matches keeps its own (a data·inclusion file has no categories).
    Problems give the row's ``line``: the header's line plus one by default."""
    plan = Plan()
    if not table:
        plan.problems.append(Problem(1, "", _("Le fichier est vide.")))
        return plan
    return _plan(plan, table, kept or {}, first_line)


def _plan(plan, table, kept, first_line):
    header = [fold(_text(cell)) for cell in table[0]]
    positions = {}
    for column in COLUMNS:
        folded = fold(column.header)
        if folded in header:
            positions[column.attribute] = header.index(folded)
        elif column.optional_default is not None:
            kept = {column.attribute: column.optional_default, **kept}
        elif column.attribute not in kept:
            plan.problems.append(Problem(1, column.header, _("Cette colonne manque.")))
    if plan.problems:
        return plan
    vocabulary = Vocabulary()
    existing = list(
        Partner.objects.select_related("commune").prefetch_related(
            "categories", "services", "access_conditions"
        )
    )
    by_external_id = {p.external_id: p for p in existing if p.external_id}
    by_name = {}
    for partner in existing:
        by_name.setdefault((fold(partner.name), partner.commune_id), []).append(partner)
    seen = {}
    for index, cells in enumerate(table[1:], start=first_line):
        if all(_text(cell) == "" for cell in cells):
            continue
        values, row_problems = {}, []
        for column in COLUMNS:
            position = positions.get(column.attribute)
            if position is None:
                continue  # a kept column, filled once the row is matched
            cell = cells[position] if position < len(cells) else None
            try:
                values[column.attribute] = column.parse(cell, vocabulary)
            except ValidationError as error:
                row_problems.extend(Problem(index, column.header, m) for m in error.messages)
        if not row_problems:
            row_problems = _check_row(index, values, by_external_id, by_name, seen, plan, kept)
        plan.problems.extend(row_problems)
    return plan


def _check_row(line, values, by_external_id, by_name, seen, plan, kept):
    problems = []
    if "categories" in values and not values["categories"]:
        problems.append(Problem(line, "catégories", _("Donnez au moins une catégorie.")))
    if (values["latitude"] is None) != (values["longitude"] is None):
        problems.append(
            Problem(line, "longitude", _("Donnez la latitude et la longitude ensemble."))
        )
    commune_id = values["commune"].pk if values["commune"] else None
    key = (
        ("id", values["external_id"])
        if values["external_id"]
        else ("name", fold(values["name"]), commune_id)
    )
    if key in seen:
        column = "identifiant externe" if values["external_id"] else "nom"
        problems.append(
            Problem(
                line,
                column,
                _("La même fiche paraît déjà ligne %(line)d.") % {"line": seen[key]},
            )
        )
    seen[key] = line
    if problems:
        return problems
    if values["external_id"]:
        partner = by_external_id.get(values["external_id"])
    else:
        matches = by_name.get((fold(values["name"]), commune_id), [])
        if len(matches) > 1:
            return [
                Problem(
                    line,
                    "nom",
                    _(
                        "Plusieurs fiches ont ce nom dans cette commune : donnez un "
                        "identifiant externe pour choisir."
                    ),
                )
            ]
        partner = matches[0] if matches else None
    for attribute, default in kept.items():
        if attribute not in values:
            values[attribute] = default if partner is None else _kept_value(partner, attribute)
    planned = PlannedRow(line, values, partner)
    if partner is None:
        planned.action = "create"
    elif _differs(partner, values):
        planned.action = "update"
        planned.changes = [
            column.header
            for column in COLUMNS
            if _current(partner, column.attribute) != _wanted(values, column.attribute)
        ]
    else:
        planned.action = "unchanged"
    problems = _model_problems(line, planned)
    if not problems:
        plan.rows.append(planned)
    return problems


def _kept_value(partner, attribute):
    """The value of a listing as an import row holds it."""
    if _COLUMN_BY_ATTRIBUTE[attribute].many:
        return list(getattr(partner, attribute).all())
    value = getattr(partner, attribute)
    return list(value) if attribute in {"publics", "networks"} else value


def _current(partner, attribute):
    column = _COLUMN_BY_ATTRIBUTE[attribute]
    if column.many:
        return {item.pk for item in getattr(partner, attribute).all()}
    if attribute == "commune":
        return partner.commune_id
    value = getattr(partner, attribute)
    if attribute == "publics":
        return list(value)
    return value


def _wanted(values, attribute):
    value = values[attribute]
    if _COLUMN_BY_ATTRIBUTE[attribute].many:
        return {item.pk for item in value}
    if attribute == "commune":
        return value.pk if value else None
    return value


def _differs(partner, values):
    return any(_current(partner, a) != _wanted(values, a) for a in _COLUMN_BY_ATTRIBUTE)


def _apply(partner, values):
    for column in COLUMNS:
        if not column.many:
            setattr(partner, column.attribute, values[column.attribute])


def _model_problems(line, planned):
    """The model's own checks (lengths, constraints) on the row as it would be saved."""
    partner = Partner() if planned.partner is None else copy.copy(planned.partner)
    _apply(partner, planned.values)
    try:
        partner.full_clean(exclude=["categories", "services", "access_conditions"])
    except ValidationError as error:
        problems = []
        for attribute, messages in error.message_dict.items():
            column = _COLUMN_BY_ATTRIBUTE.get(attribute)
            header = column.header if column else ""
            problems.extend(Problem(line, header, message) for message in messages)
        return problems
    return []


def run_import(plan, *, progress=None, every=20):
    """Writes the plan: listings created or updated, unchanged ones left alone. Call it in a
    transaction with a plan made inside it, so that all or nothing is written. ``progress``
    is called with the number of rows done, every ``every`` rows and at the end."""
    if not plan.can_import:
        raise ValueError("A plan with problems cannot be imported.")
    for done, planned in enumerate(plan.rows, start=1):
        if planned.action != "unchanged":
            _write(planned)
        if progress and (done % every == 0 or done == len(plan.rows)):
            progress(done)
    return plan


def _write(planned):
    partner = planned.partner or Partner()
    _apply(partner, planned.values)
    partner.save()
    for column in COLUMNS:
        if column.many:
            getattr(partner, column.attribute).set(planned.values[column.attribute])
