"""The workshops part of a partner's page, rendered by ``accompaniment`` so that ``partners``
never imports it (two queries whatever the number of workshops), and the link from a workshop
to its host's listing."""

from django import template
from django.db.models import Count, Q
from django.utils import timezone

from accompaniment.models import Workshop
from partners.models import Partner

register = template.Library()

PARTNER_PANEL_SIZE = 10


@register.inclusion_tag("accompaniment/includes/_workshop_partner_panel.html")
def partner_workshops_panel(partner, user):
    """The workshops the partner hosts: how many were held and are coming, and the most
    recent ones. A workshop names its host in free text, so it is linked to the partner whose
    name it gives, ignoring case."""
    hosted = Workshop.objects.visible_to(user).hosted_by(partner)
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


@register.simple_tag
def host_partner(workshop, user):
    """The directory listing of the workshop's host, if ``user`` may read the directory."""
    return workshop.host_partner_among(Partner.objects.visible_to(user).active())
