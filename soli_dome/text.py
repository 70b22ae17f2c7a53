import re
import unicodedata

LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE"})


def fold(text: str) -> str:
    """Lower-case, accent-free, single-spaced text, for searches that ignore accents and case
    the same way on SQLite and PostgreSQL ("Hélène" and "helene" fold alike)."""
    decomposed = unicodedata.normalize("NFKD", text.translate(LIGATURES))
    without_accents = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"\s+", " ", without_accents.casefold()).strip()
