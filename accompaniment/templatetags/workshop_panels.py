"""The workshops part of a partner's page, rendered by ``accompaniment`` so that ``partners``
never imports it (two queries whatever the number of workshops)."""

from django import template
from django.db.models import Count, Q
from django.utils import timezone

from accompaniment.models import Workshop

register = template.Library()

PARTNER_PANEL_SIZE = 10


@register.inclusion_tag("accompaniment/includes/_workshop_partner_panel.html")
def partner_workshops_panel(partner, user):
    """The workshops the partner hosts: how many were held and are coming, and the most
    recent ones."""
    hosted = Workshop.objects.visible_to(user).filter(host=partner)
    now = timezone.now()
    counts = hosted.aggregate(
        held=Count("pk", filter=Q(status=Workshop.Status.HELD)),
        coming=Count("pk", filter=Q(status=Workshop.Status.OPEN, starts_at__gte=now)),
    )
    workshops = list(hosted.with_counts().order_by("-starts_at", "-pk")[: PARTNER_PANEL_SIZE + 1])
    for workshop in workshops:
        workshop.is_past = workshop.starts_at < now
    return {
        "partner": partner,
        "held_count": counts["held"],
        "coming_count": counts["coming"],
        "workshops": workshops[:PARTNER_PANEL_SIZE],
        "has_more": len(workshops) > PARTNER_PANEL_SIZE,
    }
