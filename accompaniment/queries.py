"""Aggregated reads for the coordinators' network view: what the programme exchanged with each
partner, and with each kind of partner, over a period. Every figure is computed by the
database, in a fixed number of grouped queries whatever the size of the network (no
correlated subquery: beside an aggregate, PostgreSQL would run it once per group)."""

import datetime
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import (
    Avg,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    FilteredRelation,
    Max,
    Q,
)
from django.utils import timezone

from accompaniment.models import Referral, Workshop
from partners.models import Category, Partner, PartnershipEvent, add_months
from soli_dome.sorting import Folded

PARTNER_PAGE_SIZE = 50
EXPORT_PAGE_SIZE = 500


@dataclass(frozen=True)
class Period:
    """From ``start`` to ``end``, both days included."""

    start: datetime.date
    end: datetime.date

    @classmethod
    def year_to(cls, today):
        """The twelve months up to ``today``."""
        return cls(add_months(today, -12) + datetime.timedelta(days=1), today)

    @property
    def moments(self):
        """The first instant of ``start`` and the first instant after ``end``, in local time:
        a range an index on a date-time column serves (a cast to a date is not)."""
        return tuple(
            timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
            for day in (self.start, self.end + datetime.timedelta(days=1))
        )

    def q(self, field):
        """``field`` (a date-time) within the period."""
        since, until = self.moments
        return Q(**{f"{field}__gte": since, f"{field}__lt": until})


def _exchanges(path):
    """Referral figures over the referrals reached through ``path`` ("" on referrals,
    "period_referrals__" from a partner); the caller keeps only those of the period."""
    outbound = Q(**{f"{path}direction": Referral.Direction.OUTBOUND})
    status = f"{path}status__in"
    Status = Referral.Status
    return {
        "sent_count": Count(f"{path}pk", filter=outbound),
        "accepted_count": Count(
            f"{path}pk", filter=outbound & Q(**{status: [Status.ACCEPTED, Status.DONE]})
        ),
        "refused_count": Count(f"{path}pk", filter=outbound & Q(**{status: [Status.REFUSED]})),
        "expired_count": Count(f"{path}pk", filter=outbound & Q(**{status: [Status.EXPIRED]})),
        "answer_delay": Avg(
            ExpressionWrapper(
                F(f"{path}answered_at") - F(f"{path}sent_at"), output_field=DurationField()
            ),
            filter=outbound & Q(**{f"{path}answered_at__isnull": False}),
        ),
        "referred_in_count": Count(
            f"{path}beneficiary",
            distinct=True,
            filter=Q(**{f"{path}direction": Referral.Direction.INBOUND}),
        ),
    }


def _workshops_in(period):
    """Workshops of the period that were not cancelled."""
    return Workshop.objects.filter(period.q("starts_at")).exclude(status=Workshop.Status.CANCELLED)


def _finish(rows, workshop_counts, last_contacts):
    """Rates and delays as the table shows them (percentages and days), and the figures
    counted apart, by row id."""
    for row in rows:
        answered = row.accepted_count + row.refused_count
        row.acceptance_rate = round(100 * row.accepted_count / answered) if answered else None
        row.answer_delay_days = (
            row.answer_delay.total_seconds() / 86400 if row.answer_delay is not None else None
        )
        row.workshop_count = workshop_counts.get(row.pk, 0)
        row.last_contact_on = last_contacts.get(row.pk)
    return rows


def _by(queryset, key, aggregate):
    """``{key: aggregate}`` of a grouped query."""
    return dict(
        queryset.order_by().values(key).annotate(figure=aggregate).values_list(key, "figure")
    )


def every_partner_row(period):
    """Every row of ``partner_rows``, a large page at a time (for an export: memory stays
    that of one page)."""
    first = partner_rows(period, 1, per_page=EXPORT_PAGE_SIZE)
    yield from first
    for number in first.paginator.page_range[1:]:
        yield from partner_rows(period, number, per_page=EXPORT_PAGE_SIZE)


def partner_rows(period, page_number=None, *, per_page=PARTNER_PAGE_SIZE):
    """The page ``page_number`` of the directory's active partners with what each exchanged
    with the programme over ``period``, the most solicited first. One grouped query ranks the
    partners on the referrals of the period (joined to their partner, grouped by partner,
    narrow rows sorted and cut to the page in the database); the page's partners, their
    workshops and their last contact come in three more, so the work stays that of a page."""
    of_period = FilteredRelation("referrals", condition=period.q("referrals__sent_at"))
    figures = _exchanges("period_referrals__")
    ranking = (
        Partner.objects.active()
        .annotate(period_referrals=of_period)
        .values("pk")
        .annotate(**figures)
        .order_by("-sent_count", "-referred_in_count", "search_text", "pk")
    )
    page = Paginator(ranking, per_page).get_page(page_number)
    ranked = {row["pk"]: row for row in page}
    rank = {pk: position for position, pk in enumerate(ranked)}
    partners = Partner.objects.filter(pk__in=ranked).select_related("commune")
    page.object_list = sorted(partners.prefetch_related("categories"), key=lambda p: rank[p.pk])
    for partner in page.object_list:
        for name in figures:
            setattr(partner, name, ranked[partner.pk][name])
    _finish(
        page.object_list,
        _by(_workshops_in(period).filter(host__in=ranked), "host", Count("pk")),
        _by(PartnershipEvent.objects.filter(partner__in=ranked), "partner", Max("date")),
    )
    return page


def category_rows(period):
    """Every kind of actor with its active partners and what they exchanged with the
    programme over ``period`` (a partner of two kinds counts in both). Four grouped queries,
    each over the rows of the period only."""
    categories = list(
        Category.objects.annotate(
            partner_count=Count("partners", filter=Q(partners__is_archived=False))
        )
    )
    figures = {
        row.pop("partner__categories"): row
        for row in Referral.objects.filter(period.q("sent_at"), partner__is_archived=False)
        .order_by()
        .values("partner__categories")
        .annotate(**_exchanges(""))
    }
    empty = dict.fromkeys(_exchanges(""), 0) | {"answer_delay": None}
    for category in categories:
        for name, value in figures.get(category.pk, empty).items():
            setattr(category, name, value)
    return _finish(
        categories,
        _by(
            _workshops_in(period).filter(host__is_archived=False),
            "host__categories",
            Count("pk", distinct=True),
        ),
        _by(
            PartnershipEvent.objects.filter(partner__is_archived=False),
            "partner__categories",
            Max("date"),
        ),
    )


def directory_shape(today):
    """How the directory is made: partners by partnership status, agreements in force,
    listings overdue for review and partners by commune. Three queries."""
    partners = Partner.objects.active()
    Status = Partner.PartnershipStatus
    counts = partners.aggregate(
        total=Count("pk"),
        agreements=Count(
            "pk", filter=Q(partnership_status=Status.ACTIVE, agreement_date__isnull=False)
        ),
        **{status: Count("pk", filter=Q(partnership_status=status)) for status in Status.values},
    )
    by_commune = (
        partners.values("commune")
        .annotate(partner_count=Count("pk"))
        .values("commune__name", "partner_count")
        .order_by("-partner_count", Folded("commune__name"))
    )
    return {
        "total": counts["total"],
        "agreements": counts["agreements"],
        "by_status": [(Status(status).label, counts[status]) for status in Status.values],
        "overdue": partners.overdue_for_review(today).count(),
        "by_commune": list(by_commune),
    }


def bars(rows, series):
    """For a bar chart: each row with, for each of ``series`` (attribute, label, colour
    class), its figure and the width of its bar in percent of the largest figure shown."""
    largest = max((getattr(row, name) for row in rows for name, _l, _c in series), default=0)
    return [
        (
            row,
            [
                (getattr(row, name), label, colour, 100 * getattr(row, name) / (largest or 1))
                for name, label, colour in series
            ],
        )
        for row in rows
    ]
