"""Dates written out in words, as people read them: "1er février 2026", "3 mars"."""

import datetime

from django.utils import formats, translation


def long_date(day: datetime.date, *, with_year: bool = True, language: str | None = None) -> str:
    """The date in words in ``language`` (the active one by default). French writes the first
    of the month as an ordinal: "1er février", never "1 février"."""
    language = language or translation.get_language() or "fr"
    with translation.override(language):
        month_and_year = formats.date_format(day, "F Y" if with_year else "F")
    if language.startswith("fr"):
        first = "1er" if day.day == 1 else str(day.day)
        return f"{first} {month_and_year}"
    return f"{day.day} {month_and_year}"
