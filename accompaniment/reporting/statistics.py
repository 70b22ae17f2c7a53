"""The programme's statistics over a period of whole months, for the coordinators' statistics
page and the funder report, which share these tables.

Every figure is counted by the database: one grouped query per table (per month and per
category, with conditional counts), whatever the number of people, sessions or referrals —
about fifteen queries in all. Totals of partitions (each person in one commune, each session
of one modality) are the sums of their groups; the referrals of several partner categories
have their total counted apart.
"""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    Exists,
    F,
    OuterRef,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import TruncMonth
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accompaniment.models import Participation, Referral, Registration, Session, Support, Workshop
from beneficiaries.models import Assignment, Beneficiary, Commune, years_ago
from partners.models import Category, add_months

if TYPE_CHECKING:
    from soli_dome.users.models import User

# A period longer than this makes tables too wide to read and a query too long to wait for.
MAX_MONTHS = 36
UNKNOWN = _("Non renseigné")
TOTAL = _("Total")
TENTH = Decimal("0.1")


@dataclass(frozen=True)
class MonthPeriod:
    """From the month of ``first`` to the month of ``last``, both included (first days)."""

    first: datetime.date
    last: datetime.date

    @classmethod
    def last_twelve_months(cls, today: datetime.date) -> "MonthPeriod":
        this_month = today.replace(day=1)
        return cls(add_months(this_month, -11), this_month)

    @property
    def months(self) -> list[datetime.date]:
        count = (self.last.year - self.first.year) * 12 + self.last.month - self.first.month
        return [add_months(self.first, offset) for offset in range(count + 1)]

    @property
    def end(self) -> datetime.date:
        """The last day of the period."""
        return month_end(self.last)

    def days(self, name: str) -> Q:
        """The date field ``name`` within the period."""
        return Q(**{f"{name}__gte": self.first, f"{name}__lte": self.end})

    def moments(self, name: str) -> Q:
        """The date-time field ``name`` within the period, in local time (a range the index on
        the column serves)."""
        since, until = (
            timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
            for day in (self.first, self.end + datetime.timedelta(days=1))
        )
        return Q(**{f"{name}__gte": since, f"{name}__lt": until})


def month_end(first_day: datetime.date) -> datetime.date:
    return add_months(first_day, 1) - datetime.timedelta(days=1)


@dataclass(frozen=True)
class Selection:
    """Which people the figures are about: everyone, or one public, commune or accompanier's
    people (the files assigned to them)."""

    public: str = ""
    commune: Commune | None = None
    accompanier: "User | None" = None

    @property
    def is_everyone(self) -> bool:
        return not (self.public or self.commune or self.accompanier)

    def people(self, reference_day: datetime.date):
        people = Beneficiary.objects.all()
        if self.public:
            people = people.of_public(self.public, reference_day)
        if self.commune:
            people = people.filter(commune=self.commune)
        if self.accompanier:
            people = people.filter(
                pk__in=Assignment.objects.filter(accompanier=self.accompanier).values("beneficiary")
            )
        return people


@dataclass
class Row:
    label: str | Promise
    values: list
    is_total: bool = False

    @property
    def cells(self) -> list:
        """The figures as shown on the page (the report's rows mask some)."""
        return self.values


@dataclass
class Table:
    """One table of figures: rows of values under ``columns``, the total row last.
    ``counts_people`` tables have their small counts masked in the funder report."""

    key: str
    sheet: str | Promise  # a short title, for the workbook's tab (31 characters at most)
    title: str | Promise
    definition: str | Promise
    row_header: str | Promise
    columns: list
    rows: list[Row]
    counts_people: bool = True
    chart: str = "months"  # stacked bars by month, "ranking" (last column) or "" (none)
    is_money: bool = False
    monthly: bool = True  # the columns are the months, then the period
    notes: list = field(default_factory=list)

    def cell(self, row_label, column_index=-1):
        """The value of the row labelled ``row_label`` (for tests and headline figures)."""
        return next(row.values[column_index] for row in self.rows if row.label == row_label)

    @property
    def total(self):
        return self.rows[-1].values[-1]


def public_expression(reference_day: datetime.date) -> Case:
    """The public of a file computed from its birth date by the database, as
    ``Beneficiary.public`` computes it in Python."""
    bounds = settings.PUBLIC_AGE_BOUNDS
    Public = Beneficiary.Public
    return Case(
        When(
            birth_date__gt=years_ago(bounds["young_max"] + 1, reference_day),
            birth_date__lte=years_ago(bounds["young_min"], reference_day),
            then=Value(Public.YOUNG.value),
        ),
        When(
            birth_date__lte=years_ago(bounds["senior_min"], reference_day),
            then=Value(Public.SENIOR.value),
        ),
        default=Value(Public.OUTSIDE.value),
        output_field=CharField(),
    )


def _month_labels(period: MonthPeriod) -> list[str]:
    return [formats.date_format(month, "N Y") for month in period.months]


def _month(name: str) -> TruncMonth:
    """The month of a date or date-time field, as a date, in local time."""
    return TruncMonth(name, output_field=DateField())


def _key(month) -> datetime.date:
    return month.date() if isinstance(month, datetime.datetime) else month


def _rows(
    found: dict, choices: Iterable[tuple], width: int, *, total: list | None = None
) -> list[Row]:
    """One row per choice (zeros when absent), a "not filled" row when some have none, and
    the total row: the sums, or ``total`` when the groups overlap."""
    rows = [Row(label, list(found.get(value, [0] * width))) for value, label in choices]
    unknown = [found[value] for value in ("", None) if value in found]
    if unknown:
        rows.append(Row(UNKNOWN, [sum(column) for column in zip(*unknown, strict=True)]))
    sums = [sum(column) for column in zip(*(row.values for row in rows), strict=True)]
    rows.append(Row(TOTAL, total if total is not None else sums or [0] * width, is_total=True))
    return rows


def _by_month(queryset, group: str, figure: str, months: Sequence[datetime.date]) -> dict:
    """``{group: [figure of each month…, total]}`` from rows with "month", ``group`` and
    ``figure``."""
    index = {month: position for position, month in enumerate(months)}
    found: dict = {}
    for row in queryset:
        values = found.setdefault(row[group], [0] * (len(months) + 1))
        values[index[_key(row["month"])]] += row[figure] or 0
        values[-1] += row[figure] or 0
    return found


class Statistics:
    """The tables for one period and selection of people; each method is one query (two for
    the workshops and referral categories)."""

    def __init__(self, period: MonthPeriod, selection: Selection):
        self.period = period
        self.selection = selection
        self.reference_day = min(period.end, timezone.localdate())
        self.people = selection.people(self.reference_day)
        self.months = period.months
        self.columns = _month_labels(period)

    def _of_people(self, queryset, path: str = "beneficiary"):
        """``queryset`` limited to the selected people (no condition for everyone)."""
        if self.selection.is_everyone:
            return queryset
        return queryset.filter(**{f"{path}__in": self.people})

    # People followed, by group.
    def _active_condition(self, first: datetime.date, last: datetime.date) -> Q:
        return Q(entry_date__lte=last) & (Q(exit_date=None) | Q(exit_date__gte=first))

    def _active_by(self, group) -> dict:
        """``{group: [people followed in each month…, in the period]}``: a file counts in a
        month when it was open on one of its days (entered before its end, not left before its
        start); a file that is still a first contact does not count."""
        conditions = [self._active_condition(month, month_end(month)) for month in self.months]
        conditions.append(self._active_condition(self.period.first, self.period.end))
        queryset = (
            self.people.exclude(status=Beneficiary.Status.PROSPECT)
            .filter(conditions[-1])
            .annotate(group=group)
            .values("group")
            .annotate(
                **{
                    f"m{index}": Count("pk", filter=condition)
                    for index, condition in enumerate(conditions)
                }
            )
            .order_by()
        )
        return {
            row["group"]: [row[f"m{index}"] for index in range(len(conditions))] for row in queryset
        }

    def _people_table(
        self, key, sheet, title, row_header, group, choices, chart="ranking"
    ) -> Table:
        return Table(
            key=key,
            sheet=sheet,
            title=title,
            definition=_(
                "Personnes accompagnées dans le mois : dossiers ouverts au moins un jour du "
                "mois (entrés avant sa fin, pas sortis avant son début), hors premiers "
                "contacts. La dernière colonne compte chaque personne une fois sur la période."
            ),
            row_header=row_header,
            columns=[*self.columns, _("Sur la période")],
            rows=_rows(self._active_by(group), choices, len(self.months) + 1),
            chart=chart,
        )

    def active_by_public(self) -> Table:
        return self._people_table(
            "publics",
            _("Publics"),
            _("Personnes accompagnées par public"),
            _("Public"),
            public_expression(self.reference_day),
            Beneficiary.Public.choices,
            chart="months",
        )

    def by_commune(self, communes: Sequence[Commune]) -> Table:
        choices = [(commune.pk, commune.name) for commune in communes]
        table = self._people_table(
            "communes",
            _("Communes"),
            _("Personnes accompagnées par commune"),
            _("Commune"),
            F("commune"),
            choices,
        )
        # A file without a commune lives outside the métropole.
        for row in table.rows:
            if row.label == UNKNOWN:
                row.label = _("Hors métropole")
        return table

    def by_situation(self) -> list[Table]:
        B = Beneficiary
        return [
            self._people_table(f"situation-{name}", label, title, label, F(name), choices)
            for name, title, label, choices in [
                (
                    "household",
                    _("Personnes accompagnées par foyer"),
                    _("Foyer"),
                    B.Household.choices,
                ),
                (
                    "housing",
                    _("Personnes accompagnées par logement"),
                    _("Logement"),
                    B.Housing.choices,
                ),
                (
                    "main_activity",
                    _("Personnes accompagnées par activité principale"),
                    _("Activité principale"),
                    B.Activity.choices,
                ),
                (
                    "resources",
                    _("Personnes accompagnées par ressources principales"),
                    _("Ressources"),
                    B.Resources.choices,
                ),
            ]
        ]

    # Movements.
    def entries(self) -> Table:
        queryset = (
            self.people.exclude(status=Beneficiary.Status.PROSPECT)
            .filter(self.period.days("entry_date"))
            .annotate(month=_month("entry_date"), group=public_expression(self.reference_day))
            .values("month", "group")
            .annotate(figure=Count("pk"))
            .order_by()
        )
        return Table(
            key="entrees",
            sheet=_("Entrées"),
            title=_("Entrées dans l'accompagnement par public"),
            definition=_(
                "Personnes dont la date d'entrée tombe dans le mois, hors premiers contacts."
            ),
            row_header=_("Public"),
            columns=[*self.columns, TOTAL],
            rows=_rows(
                _by_month(queryset, "group", "figure", self.months),
                Beneficiary.Public.choices,
                len(self.months) + 1,
            ),
        )

    def exits(self) -> Table:
        queryset = (
            self.people.filter(self.period.days("exit_date"))
            .annotate(month=_month("exit_date"))
            .values("month", "exit_reason")
            .annotate(figure=Count("pk"))
            .order_by()
        )
        return Table(
            key="sorties",
            sheet=_("Sorties"),
            title=_("Sorties par motif"),
            definition=_("Dossiers clôturés dont la date de sortie tombe dans le mois."),
            row_header=_("Motif de sortie"),
            columns=[*self.columns, TOTAL],
            rows=_rows(
                _by_month(queryset, "exit_reason", "figure", self.months),
                Beneficiary.ExitReason.choices,
                len(self.months) + 1,
            ),
        )

    # Accompaniment.
    def sessions(self) -> tuple[Table, Table]:
        """Held sessions and their hours by modality (one query for both tables)."""
        sessions = Session.objects.filter(
            self.period.moments("starts_at"), status=Session.Status.HELD
        )
        if not self.selection.is_everyone:
            sessions = sessions.filter(
                Exists(
                    Participation.objects.filter(
                        session=OuterRef("pk"), beneficiary__in=self.people
                    )
                )
            )
        rows = list(
            sessions.annotate(month=_month("starts_at"))
            .values("month", "modality")
            .annotate(count=Count("pk"), minutes=Sum("duration_minutes"))
            .order_by()
        )
        width = len(self.months) + 1
        counts = _by_month(rows, "modality", "count", self.months)
        hours = _rows(
            _by_month(rows, "modality", "minutes", self.months), Session.Modality.choices, width
        )
        for row in hours:
            row.values = [(Decimal(minutes) / 60).quantize(TENTH) for minutes in row.values]
        selected = _(
            "Avec un filtre, seules comptent les séances où était inscrite au moins une "
            "personne choisie."
        )
        return (
            Table(
                key="seances",
                sheet=_("Séances"),
                title=_("Séances réalisées par modalité"),
                definition=_(
                    "Séances individuelles et collectives (ateliers compris) marquées comme "
                    "réalisées, par mois de leur date."
                ),
                row_header=_("Modalité"),
                columns=[*self.columns, TOTAL],
                rows=_rows(counts, Session.Modality.choices, width),
                counts_people=False,
                notes=[selected],
            ),
            Table(
                key="heures",
                sheet=_("Heures"),
                title=_("Heures d'accompagnement par modalité"),
                definition=_(
                    "Somme des durées des séances réalisées, en heures (une séance collective "
                    "compte une fois, quel que soit le nombre de participant·es)."
                ),
                row_header=_("Modalité"),
                columns=[*self.columns, TOTAL],
                rows=hours,
                counts_people=False,
                notes=[selected],
            ),
        )

    def workshops(self) -> Table:
        """Sign-ups to the workshops of each month and the attendance taken there."""
        signups = (
            self._of_people(
                Registration.objects.filter(
                    self.period.moments("workshop__starts_at"),
                    status__in=[Registration.Status.REGISTERED, Registration.Status.WAITING],
                ).exclude(workshop__status=Workshop.Status.CANCELLED)
            )
            .annotate(month=_month("workshop__starts_at"))
            .values("month", "status")
            .annotate(figure=Count("pk"))
            .order_by()
        )
        attendance = (
            self._of_people(
                Participation.objects.filter(
                    self.period.moments("session__starts_at"), session__workshop__isnull=False
                ).exclude(attendance=Participation.Attendance.EXPECTED)
            )
            .annotate(month=_month("session__starts_at"))
            .values("month", "attendance")
            .annotate(figure=Count("pk"))
            .order_by()
        )
        width = len(self.months) + 1
        found = _by_month(signups, "status", "figure", self.months)
        found.update(
            {
                f"attendance-{key}": value
                for key, value in _by_month(attendance, "attendance", "figure", self.months).items()
            }
        )
        A = Participation.Attendance
        choices = [
            (Registration.Status.REGISTERED, _("Inscriptions")),
            (Registration.Status.WAITING, _("Sur liste d'attente")),
            (f"attendance-{A.PRESENT}", _("Présent·es")),
            (f"attendance-{A.ABSENT}", _("Absent·es")),
            (f"attendance-{A.EXCUSED}", _("Excusé·es")),
        ]
        rows = [Row(label, list(found.get(value, [0] * width))) for value, label in choices]
        return Table(
            key="ateliers",
            sheet=_("Ateliers"),
            title=_("Ateliers collectifs : inscriptions et présence"),
            definition=_(
                "Inscriptions (hors désinscriptions) aux ateliers non annulés qui ont lieu "
                "dans le mois, et présence relevée à ces ateliers."
            ),
            row_header=_("Ateliers"),
            columns=[*self.columns, TOTAL],
            rows=rows,
        )

    def referrals(self) -> tuple[Table, Table]:
        """Referrals to partners by month and by partner category, with where each stands."""
        referrals = self._of_people(
            Referral.objects.outbound().filter(self.period.moments("sent_at"))
        )
        by_month = _by_month(
            referrals.annotate(month=_month("sent_at"))
            .values("month", "status")
            .annotate(figure=Count("pk"))
            .order_by(),
            "status",
            "figure",
            self.months,
        )
        width = len(self.months) + 1
        monthly = Table(
            key="orientations",
            sheet=_("Orientations"),
            title=_("Orientations vers les partenaires et leur suite"),
            definition=_(
                "Orientations envoyées à un acteur du territoire dans le mois, selon où elles "
                "en sont aujourd'hui."
            ),
            row_header=_("Suite donnée"),
            columns=[*self.columns, TOTAL],
            rows=_rows(by_month, Referral.Status.choices, width),
        )
        statuses = Referral.Status.values
        found: dict = {}
        for row in (
            referrals.values("partner__categories", "status")
            .annotate(figure=Count("pk"))
            .order_by()
        ):
            values = found.setdefault(row["partner__categories"], [0] * (len(statuses) + 1))
            values[statuses.index(row["status"])] += row["figure"]
            values[-1] += row["figure"]
        # A partner of two kinds counts in both: the total row counts each referral once.
        total = [by_month.get(status, [0] * width)[-1] for status in statuses]
        total.append(sum(total))
        categories = [(category.pk, str(category)) for category in Category.objects.all()]
        by_category = Table(
            key="orientations-categories",
            sheet=_("Orientations par catégorie"),
            title=_("Orientations par catégorie de partenaire et leur suite"),
            definition=_(
                "Orientations envoyées sur la période, par catégorie de l'acteur qui les "
                "reçoit ; un acteur de deux catégories compte dans les deux, le total compte "
                "chaque orientation une fois."
            ),
            row_header=_("Catégorie d'acteur"),
            columns=[*Referral.Status.labels, TOTAL],
            rows=_rows(found, categories, len(statuses) + 1, total=total),
            chart="ranking",
            monthly=False,
        )
        return monthly, by_category

    def supports(self) -> tuple[Table, Table]:
        """Supports given by kind, and what they amount to (one query for both)."""
        rows = list(
            self._of_people(Support.objects.filter(self.period.days("given_on")))
            .annotate(month=_month("given_on"))
            .values("month", "kind")
            .annotate(
                count=Count("pk"),
                euros=Sum("euros_converted"),
                bonus=Sum("bonus_amount"),
                amount=Sum("amount"),
            )
            .order_by()
        )
        width = len(self.months) + 1
        counts = Table(
            key="aides",
            sheet=_("Aides"),
            title=_("Aides données par type"),
            definition=_("Aides enregistrées dont la date tombe dans le mois."),
            row_header=_("Type d'aide"),
            columns=[*self.columns, TOTAL],
            rows=_rows(_by_month(rows, "kind", "count", self.months), Support.Kind.choices, width),
        )
        zero = [Decimal(0)] * width

        def amounts(figure: str, kinds=None) -> list:
            found = _by_month(
                [row for row in rows if kinds is None or row["kind"] in kinds],
                "kind",
                figure,
                self.months,
            )
            return [sum(column, Decimal(0)) for column in zip(zero, *found.values(), strict=True)]

        others = [kind for kind in Support.Kind.values if kind != Support.Kind.DOUME_BONUS]
        money = Table(
            key="montants",
            sheet=_("Montants"),
            title=_("Montants des aides"),
            definition=_(
                "Euros convertis en Doume par les personnes, bonus solidaire Doume qui s'y "
                "ajoute, et montant des autres aides, en euros."
            ),
            row_header=_("Montant"),
            columns=[*self.columns, TOTAL],
            rows=[
                Row(_("Euros convertis en Doume"), amounts("euros")),
                Row(_("Bonus solidaire Doume"), amounts("bonus")),
                Row(_("Autres aides (montant)"), amounts("amount", others)),
            ],
            counts_people=False,
            chart="",
            is_money=True,
        )
        return counts, money

    def tables(self) -> list[Table]:
        """Every table, in the order of the page and the report."""
        sessions, hours = self.sessions()
        referrals, referral_categories = self.referrals()
        supports, money = self.supports()
        return [
            self.active_by_public(),
            self.entries(),
            self.exits(),
            sessions,
            hours,
            self.workshops(),
            referrals,
            referral_categories,
            supports,
            money,
            self.by_commune(list(Commune.objects.all())),
            *self.by_situation(),
        ]


def headline(tables: Sequence[Table]) -> list[tuple]:
    """The figures of the period shown first: (label, value, is money, counts people)."""
    by_key = {table.key: table for table in tables}
    money = by_key["montants"]
    return [
        (_("personnes accompagnées"), by_key["publics"].total, False, True),
        (_("entrées"), by_key["entrees"].total, False, True),
        (_("sorties"), by_key["sorties"].total, False, True),
        (_("séances réalisées"), by_key["seances"].total, False, False),
        (_("heures d'accompagnement"), by_key["heures"].total, False, False),
        (_("orientations"), by_key["orientations"].total, False, True),
        (_("euros convertis en Doume"), money.rows[0].values[-1], True, False),
        (_("de bonus solidaire Doume"), money.rows[1].values[-1], True, False),
    ]
