"""The GSM 03.38 alphabet, so that an SMS is known to fit one segment before it is sent.

One segment holds 160 characters of the GSM-7 alphabet, or only 70 as soon as one character is
outside it (the whole message then goes as UCS-2). French traps: é è à ù É are GSM-7, but ê â î
ô û ç ë ï œ and the typographic apostrophe are not. Characters of the extension table
(€ [ ] { } ^ ~ | \\) are GSM-7 but take two places.
"""

import unicodedata

BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
EXTENSION = "^{}\\[~]|€\f"
_BASIC = frozenset(BASIC)
_EXTENSION = frozenset(EXTENSION)

GSM7_SEGMENT = 160
UCS2_SEGMENT = 70

# Characters outside GSM-7 that have an obvious plain equivalent. Letters with accents not in
# the alphabet lose their accent (ê → e) through Unicode decomposition in ``to_gsm7``.
_REPLACEMENTS = {
    "’": "'",
    "‘": "'",
    "«": '"',
    "»": '"',
    "“": '"',
    "”": '"',
    "–": "-",
    "—": "-",
    "…": "...",
    "·": "-",
    "œ": "oe",
    "Œ": "OE",
    "\u00a0": " ",
    "\u202f": " ",
}


def is_gsm7(text):
    return all(char in _BASIC or char in _EXTENSION for char in text)


def length(text):
    """Places taken in a segment: septets for GSM-7 text, UTF-16 units otherwise."""
    if is_gsm7(text):
        return sum(2 if char in _EXTENSION else 1 for char in text)
    return len(text.encode("utf-16-le")) // 2


def fits_one_segment(text):
    return length(text) <= (GSM7_SEGMENT if is_gsm7(text) else UCS2_SEGMENT)


def to_gsm7(text):
    """``text`` with every character outside GSM-7 replaced by its nearest plain equivalent
    ("Soli'dôme" → "Soli'dome", "Françoise" → "Francoise"), so that the message keeps its 160
    places; characters with no equivalent become "?"."""
    out = []
    for char in text:
        if char in _BASIC or char in _EXTENSION:
            out.append(char)
        elif char in _REPLACEMENTS:
            out.append(_REPLACEMENTS[char])
        else:
            base = "".join(
                c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
            )
            out.append(base if base and is_gsm7(base) else "?")
    return "".join(out)
