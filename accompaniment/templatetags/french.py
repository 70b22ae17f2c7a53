"""Text helpers for templates: names after "de" and dates in words, in the active language."""

import datetime

from django import template
from django.utils import translation

from soli_dome.dates import long_date
from soli_dome.text import of_name

register = template.Library()


@register.filter(name="of_name")
def of_name_filter(name: str) -> str:
    """{{ beneficiary.first_name|of_name }}: "d'Inès", "de Paul" ("of Inès" in English)."""
    return of_name(name, translation.get_language() or "fr")


@register.filter(name="long_date")
def long_date_filter(day: datetime.date | None) -> str:
    """{{ goal.target_date|long_date }}: "1er février 2026"."""
    return long_date(day) if day else ""


@register.filter(name="day_month")
def day_month_filter(day: datetime.date | None) -> str:
    """{{ step.due_date|day_month }}: "1er février"."""
    return long_date(day, with_year=False) if day else ""
