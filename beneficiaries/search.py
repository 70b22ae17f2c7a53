import re
import unicodedata

LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE"})


def fold(text):
    """Lower-case, accent-free, single-spaced text, for searches that ignore accents and case
    the same way on SQLite and PostgreSQL ("Hélène" and "helene" fold alike)."""
    decomposed = unicodedata.normalize("NFKD", text.translate(LIGATURES))
    without_accents = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"\s+", " ", without_accents.casefold()).strip()


def national_digits(phone):
    """The digits of a French number without its prefix: "+33 6 12…" and "06 12…" give
    "612…", so that either way of writing it finds the other."""
    digits = re.sub(r"\D", "", phone)
    if digits.startswith("33"):
        digits = digits[2:]
    return digits.lstrip("0")
