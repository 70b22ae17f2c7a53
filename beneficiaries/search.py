import re

from soli_dome.text import fold

__all__ = ["fold", "national_digits"]


def national_digits(phone):
    """The digits of a French number without its prefix: "+33 6 12…" and "06 12…" give
    "612…", so that either way of writing it finds the other."""
    digits = re.sub(r"\D", "", phone)
    if digits.startswith("33"):
        digits = digits[2:]
    return digits.lstrip("0")
