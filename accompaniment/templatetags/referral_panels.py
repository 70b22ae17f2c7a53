"""The referrals panel of a partner's page, rendered by ``accompaniment`` so that
``partners`` never imports it. A fixed number of queries whatever the number of referrals."""

from django import template
from django.db.models import Count, Q

from accompaniment.models import Referral

register = template.Library()

PARTNER_PANEL_SIZE = 20


@register.inclusion_tag("accompaniment/includes/_referral_partner_panel.html")
def partner_referrals_panel(partner, user):
    """Counts by status for every referral of the partner; the lines only for the people
    ``user`` may see."""
    referrals = Referral.objects.filter(partner=partner)
    outbound = Q(direction=Referral.Direction.OUTBOUND)
    counts = referrals.aggregate(
        inbound=Count("pk", filter=Q(direction=Referral.Direction.INBOUND)),
        **{
            status: Count("pk", filter=outbound & Q(status=status))
            for status in Referral.Status.values
        },
    )
    visible = (
        Referral.objects.visible_to(user)
        .filter(partner=partner)
        .select_related("beneficiary", "theme")
        .order_by("-sent_at", "-pk")
    )
    lines = list(visible[: PARTNER_PANEL_SIZE + 1])
    return {
        "partner": partner,
        "status_counts": [
            (Referral.Status(status).label, counts[status]) for status in Referral.Status.values
        ],
        "sent_count": sum(counts[status] for status in Referral.Status.values),
        "inbound_count": counts["inbound"],
        "lines": lines[:PARTNER_PANEL_SIZE],
        "has_more": len(lines) > PARTNER_PANEL_SIZE,
    }
