"""The session parts of a beneficiary's file page, rendered by ``accompaniment`` so that
``beneficiaries`` never imports it. Each runs a fixed number of queries."""

from django import template
from django.utils import timezone

from accompaniment.models import Session

register = template.Library()


@register.inclusion_tag("accompaniment/includes/_session_next_appointment.html")
def next_appointment_panel(beneficiary):
    """The person's next planned session, and how many past ones still wait to be recorded.
    Two queries."""
    now = timezone.now()
    planned = Session.objects.planned().filter(participations__beneficiary=beneficiary)
    next_session = (
        planned.filter(starts_at__gte=now)
        .select_related("accompanier")
        .order_by("starts_at", "pk")
        .first()
    )
    return {
        "beneficiary": beneficiary,
        "next_session": next_session,
        "to_record_count": planned.filter(starts_at__lt=now).count(),
        "today": timezone.localdate(),
    }


@register.inclusion_tag("accompaniment/includes/_session_new_button.html")
def new_session_button(beneficiary):
    """The "Nouvelle séance" link of a file's action bar (files still followed only)."""
    return {"beneficiary": beneficiary}
