"""Password rules beyond Django's: nothing a colleague or a stranger guesses from the person
or the programme (their names, their birth year, "solidome")."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from soli_dome.text import fold

# Folded and stripped of everything but letters and digits: "Soli'dôme" → "solidome".
PROGRAMME_NAMES = ("solidome", "cresna")
# Shorter names ("Li", "Ed") are common substrings of unrelated words.
MIN_NAME_LENGTH = 3


def _letters_and_digits(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", fold(text))


def _personal_words(user) -> list[str]:
    """The person's names, from their account and, for a beneficiary, their file (read
    without importing the beneficiaries app, which depends on this package)."""
    file = getattr(user, "beneficiary_file", None) if user is not None else None
    names = []
    for source in (user, file):
        if source is not None:
            names += [getattr(source, "first_name", ""), getattr(source, "last_name", "")]
    words = set()
    for name in names:
        for part in re.split(r"[\s'’-]+", fold(name or "")):
            word = _letters_and_digits(part)
            if len(word) >= MIN_NAME_LENGTH:
                words.add(word)
    return sorted(words)


def _birth_year(user) -> str:
    file = getattr(user, "beneficiary_file", None) if user is not None else None
    birth_date = getattr(file, "birth_date", None)
    return str(birth_date.year) if birth_date else ""


class PersonalInformationValidator:
    """Refuses a password that contains the programme's name, one of the person's names or
    their birth year, however it is written (accents, case, punctuation)."""

    def validate(self, password: str, user=None) -> None:
        folded = _letters_and_digits(password)
        if any(name in folded for name in PROGRAMME_NAMES):
            raise ValidationError(
                _(
                    "Ce mot de passe contient le nom du programme, que tout le monde connaît. "
                    "Choisissez une phrase qui n'a rien à voir avec Soli'dôme."
                ),
                code="password_has_programme_name",
            )
        if any(word in folded for word in _personal_words(user)):
            raise ValidationError(
                _(
                    "Ce mot de passe contient votre prénom ou votre nom, faciles à deviner. "
                    "Choisissez d'autres mots."
                ),
                code="password_has_name",
            )
        year = _birth_year(user)
        if year and year in folded:
            raise ValidationError(
                _(
                    "Ce mot de passe contient votre année de naissance, facile à deviner. "
                    "Choisissez d'autres chiffres ou aucun."
                ),
                code="password_has_birth_year",
            )

    def get_help_text(self) -> str:
        return _(
            "Il ne doit contenir ni votre nom, ni votre prénom, ni votre année de naissance, "
            "ni le nom du programme."
        )
