import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def to_e164(raw):
    """A French number as typed ("06 12 34 56 78", "+33 6…", "0033 6…") in E.164
    ("+33612345678"). Other countries are accepted when written with their "+" prefix."""
    compact = re.sub(r"[\s.\-()]", "", raw)
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    if re.fullmatch(r"0[1-9]\d{8}", compact):
        return "+33" + compact[1:]
    if re.fullmatch(r"\+330?[1-9]\d{8}", compact):
        return "+33" + compact[-9:]
    if re.fullmatch(r"\+(?!33)[1-9]\d{7,14}", compact):
        return compact
    raise ValidationError(
        _("Numéro non reconnu : écrivez-le comme 06 12 34 56 78 ou +33 6 12 34 56 78."),
        code="invalid_phone",
    )


def display_phone(e164):
    """ "+33612345678" shown as "06 12 34 56 78"; other numbers as stored."""
    if re.fullmatch(r"\+33\d{9}", e164):
        national = "0" + e164[3:]
        return " ".join(national[i : i + 2] for i in range(0, 10, 2))
    return e164
