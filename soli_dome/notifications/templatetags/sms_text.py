"""Filters for SMS text: one segment of 160 GSM-7 characters has to say what, when, where and
whom to call, so long values are shortened — between words, never mid-word."""

import datetime

from django import template
from django.conf import settings
from django.utils import formats, timezone, translation

from soli_dome.notifications.gsm7 import to_gsm7

register = template.Library()

# French abbreviations as the Imprimerie nationale writes them ("mai", "juin" stay whole).
FRENCH_MONTHS = [
    "janv.",
    "févr.",
    "mars",
    "avr.",
    "mai",
    "juin",
    "juil.",
    "août",
    "sept.",
    "oct.",
    "nov.",
    "déc.",
]
FRENCH_WEEKDAYS = "lun. mar. mer. jeu. ven. sam. dim.".split()  # noqa: SIM905
TRAILING = " ,;:-–—/('«"


@register.filter
def gsm7(value):
    """The value in the GSM-7 alphabet, before it is measured: "œ" becomes two characters,
    and the length must be the one that will be sent."""
    return to_gsm7(str(value))


@register.filter
def words(value, limit: int) -> str:
    """``value`` (in GSM-7) within ``limit`` characters, cut after the last whole word that
    fits; one word longer than that is cut at the limit."""
    text = " ".join(to_gsm7(str(value)).split())
    if len(text) <= limit:
        return text
    kept = text[: limit + 1].rsplit(" ", 1)[0] if " " in text[:limit] else text[:limit]
    return kept.rstrip(TRAILING)


@register.filter
def place(value, limit: int) -> str:
    """A place's name — what comes before its first comma, "Maison des solidarités" — when
    that fits, else its first words."""
    name = str(value).split(",", 1)[0]
    return words(name, limit)


@register.filter
def sms_day(moment: datetime.date) -> str:
    """ "ven. 4 déc." in French, "Fri 4 Dec" in English (a date, or a moment's local day)."""
    day = timezone.localtime(moment) if isinstance(moment, datetime.datetime) else moment
    if translation.get_language().startswith("fr"):
        weekday, month = FRENCH_WEEKDAYS[day.weekday()], FRENCH_MONTHS[day.month - 1]
        return f"{weekday} {day.day} {month}"
    return formats.date_format(day, "D j M")


@register.filter
def sms_hour(moment: datetime.datetime) -> str:
    """ "9h", "18h45" in French, "9:00", "18:45" in English."""
    time = timezone.localtime(moment)
    if translation.get_language().startswith("fr"):
        return f"{time.hour}h{time.minute:02d}" if time.minute else f"{time.hour}h"
    return f"{time.hour}:{time.minute:02d}"


@register.simple_tag
def number_to_call() -> str:
    """The programme's number, for a person who cannot come (``PROGRAMME_PHONE``)."""
    return settings.PROGRAMME_PHONE
