"""The outcomes panel of a beneficiary's file page, rendered by ``accompaniment`` so that
``beneficiaries`` never imports it. No query: htmx loads the panel from ``file_outcomes``."""

from django import template

register = template.Library()


@register.inclusion_tag("accompaniment/includes/_outcomes_placeholder.html")
def outcomes_panel(beneficiary):
    return {"beneficiary": beneficiary}
