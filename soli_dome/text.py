import re
import unicodedata

LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE"})


def fold(text: str) -> str:
    """Lower-case, accent-free, single-spaced text, for searches that ignore accents and case
    the same way on SQLite and PostgreSQL ("Hélène" and "helene" fold alike)."""
    decomposed = unicodedata.normalize("NFKD", text.translate(LIGATURES))
    without_accents = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"\s+", " ", without_accents.casefold()).strip()


# A first name that starts with a vowel sound takes "d'" in French: "le parcours d'Inès". An
# initial "h" is taken as mute, as for most first names (Hélène, Hugo); "y" is a consonant.
ELIDING_INITIALS = set("aeiouhàâäéèêëîïôöùûüœæ")


def elides(word: str) -> bool:
    return bool(word) and word[0].casefold() in ELIDING_INITIALS


def of_name(name: str, language: str = "fr") -> str:
    """ "de" and a name in correct French ("de Paul", "d'Inès"); "of Inès" in English."""
    if language.startswith("en"):
        return f"of {name}"
    return f"d'{name}" if elides(name) else f"de {name}"
