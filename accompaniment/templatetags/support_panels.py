"""The supports panel of a beneficiary's file page, rendered by ``accompaniment`` so that
``beneficiaries`` never imports it. Two queries whatever the number of supports."""

from django import template

from accompaniment.services.plans import file_is_open
from accompaniment.services.supports import support_totals

register = template.Library()

SUPPORT_PANEL_SIZE = 5


@register.inclusion_tag("accompaniment/includes/_support_panel.html")
def supports_panel(beneficiary):
    """The totals and the latest supports, with their edit and delete links; the others are
    in the file's timeline, each linked to its edit page."""
    latest = beneficiary.supports.select_related("partner").order_by("-given_on", "-pk")
    return {
        "beneficiary": beneficiary,
        "totals": support_totals(beneficiary),
        "latest": list(latest[:SUPPORT_PANEL_SIZE]),
        "editable": file_is_open(beneficiary),
    }
