"""Aggregated reads for the coordinators' network view: what the programme exchanged with each
partner, and with each kind of partner, over a period. Every figure is computed by the
database, in a fixed number of queries whatever the size of the network."""

import datetime
from dataclasses import dataclass

from django.db.models import (
    Avg,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Func,
    OuterRef,
    Q,
    Subquery,
)
from django.db.models.functions import Coalesce

from accompaniment.models import Referral, Workshop
from partners.models import Category, Partner, PartnershipEvent, add_months


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
    def days(self):
        return (self.start, self.end)


def _exchanges(path, period, among=None):
    """Referral figures for each row, reached through ``path`` ("referrals__" from a partner,
    "partners__referrals__" from a category); ``among`` narrows the rows the path crosses."""
    sent_in_period = Q(**{f"{path}sent_at__date__range": period.days})
    if among is not None:
        sent_in_period &= among
    outbound = sent_in_period & Q(**{f"{path}direction": Referral.Direction.OUTBOUND})
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
            filter=sent_in_period & Q(**{f"{path}direction": Referral.Direction.INBOUND}),
        ),
    }


def _count(queryset):
    """``queryset`` counted in a subquery (one row, no GROUP BY)."""
    return Coalesce(
        Subquery(
            queryset.order_by().annotate(total=Func(F("pk"), function="COUNT")).values("total")
        ),
        0,
    )


def _workshops_in(period):
    """Workshops of the period that were not cancelled."""
    return Workshop.objects.filter(starts_at__date__range=period.days).exclude(
        status=Workshop.Status.CANCELLED
    )


def _last_contact(events):
    return Subquery(events.order_by("-date").values("date")[:1])


def _finish(rows):
    """Rates and delays as the table shows them: percentages and days."""
    for row in rows:
        answered = row.accepted_count + row.refused_count
        row.acceptance_rate = round(100 * row.accepted_count / answered) if answered else None
        row.answer_delay_days = (
            row.answer_delay.total_seconds() / 86400 if row.answer_delay is not None else None
        )
    return rows


def partner_rows(period):
    """Every partner of the directory with what it exchanged with the programme over
    ``period``, the most solicited first. Two queries."""
    hosted = _workshops_in(period).filter(host=OuterRef("pk"))
    partners = (
        Partner.objects.active()
        .annotate(
            **_exchanges("referrals__", period),
            workshop_count=_count(hosted),
            last_contact_on=_last_contact(PartnershipEvent.objects.filter(partner=OuterRef("pk"))),
        )
        .select_related("commune")
        .prefetch_related("categories")
        .order_by("-sent_count", "-referred_in_count", "search_text")
    )
    return _finish(list(partners))


def category_rows(period):
    """Every kind of actor with its partners and what they exchanged with the programme over
    ``period`` (a partner of two kinds counts in both). One query."""
    hosted = _workshops_in(period).filter(host__categories=OuterRef("pk"), host__is_archived=False)
    categories = Category.objects.annotate(
        partner_count=Count("partners", filter=Q(partners__is_archived=False), distinct=True),
        **_exchanges("partners__referrals__", period, among=Q(partners__is_archived=False)),
        workshop_count=_count(hosted),
        last_contact_on=_last_contact(
            PartnershipEvent.objects.filter(
                partner__categories=OuterRef("pk"), partner__is_archived=False
            )
        ),
    )
    return _finish(list(categories))


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
        .order_by("-partner_count", "commune__name")
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
