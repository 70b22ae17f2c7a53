"""Phone numbers of the territory, read with ``phonenumbers`` (Google's libphonenumber data).

Numbers are stored in E.164 ("+33612345678") and shown in the French national format. A
national number of an overseas département keeps its own country code: "0692 12 34 56" is a
Réunion mobile, +262 692 12 34 56, not +33 692… (a number that does not exist, so an SMS sent
there never arrives). The SMS channel needs a number that can receive SMS: a mobile.
"""

import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from phonenumbers import PhoneNumberFormat, PhoneNumberType

# The national prefixes of the overseas départements and collectivities that dial like
# metropolitan France ("0" + 9 digits) but have their own country code.
OVERSEAS_PREFIXES = {
    "0262": "RE",
    "0263": "RE",
    "0692": "RE",
    "0693": "RE",
    "0269": "YT",
    "0639": "YT",
    "0590": "GP",
    "0690": "GP",
    "0691": "GP",
    "0596": "MQ",
    "0696": "MQ",
    "0697": "MQ",
    "0594": "GF",
    "0694": "GF",
    "0508": "PM",
}
# Regions shown in the national format ("06 12 34 56 78", "0692 12 34 56").
FRENCH_REGIONS = {"FR", *OVERSEAS_PREFIXES.values(), "BL", "MF"}
SMS_TYPES = {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE}
SPECIAL_TYPES = {
    PhoneNumberType.TOLL_FREE,
    PhoneNumberType.PREMIUM_RATE,
    PhoneNumberType.SHARED_COST,
    PhoneNumberType.UAN,
}

INVALID = _("Numéro non reconnu : écrivez-le comme 06 12 34 56 78 ou +33 6 12 34 56 78.")
LANDLINE = _(
    "Ce numéro est un fixe : les SMS n'y arrivent pas. Donnez un numéro de portable, ou "
    "choisissez les rappels par e-mail."
)
SPECIAL = _("Ce numéro spécial (0800, 08…) ne reçoit pas de SMS : donnez un numéro de portable.")


def _national(compact: str) -> str | None:
    """The French national form ("0692123456") of a compact number written nationally or with
    +33, else None."""
    if re.fullmatch(r"0[1-9]\d{8}", compact):
        return compact
    if re.fullmatch(r"\+330?[1-9]\d{8}", compact):
        return "0" + compact[-9:]
    return None


def parse(raw: str) -> phonenumbers.PhoneNumber:
    """The number ``raw`` as typed ("06 12 34 56 78", "+33 6…", "0033 6…", "06.12…",
    "0692 12 34 56", "+32 470…"); raises ValidationError when it is not a valid number."""
    compact = re.sub(r"[\s.\-()/]", "", raw or "")
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    national = _national(compact)
    try:
        if national is not None:
            number = phonenumbers.parse(national, OVERSEAS_PREFIXES.get(national[:4], "FR"))
        elif compact.startswith("+"):
            number = phonenumbers.parse(compact, None)
        else:
            raise ValidationError(INVALID, code="invalid_phone")
    except phonenumbers.NumberParseException as error:
        raise ValidationError(INVALID, code="invalid_phone") from error
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(INVALID, code="invalid_phone")
    return number


def to_e164(raw: str) -> str:
    """``raw`` in E.164 ("+33612345678", "+262692123456"); raises ValidationError."""
    return phonenumbers.format_number(parse(raw), PhoneNumberFormat.E164)


def sms_number(raw: str) -> str:
    """``raw`` in E.164 when an SMS can reach it; raises ValidationError with a message that
    says why not (a landline, a special number, not a number)."""
    number = parse(raw)
    kind = phonenumbers.number_type(number)
    if kind in SPECIAL_TYPES:
        raise ValidationError(SPECIAL, code="special_phone")
    if kind not in SMS_TYPES:
        raise ValidationError(LANDLINE, code="landline_phone")
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def can_receive_sms(raw: str) -> bool:
    try:
        sms_number(raw)
    except ValidationError:
        return False
    return True


def display_phone(e164: str) -> str:
    """A stored number as people read it: "06 12 34 56 78", "0692 12 34 56" in France and
    overseas, "+32 470 12 34 56" abroad; a value that is not a number as it is."""
    try:
        number = parse(e164)
    except ValidationError:
        return e164
    if phonenumbers.region_code_for_number(number) in FRENCH_REGIONS:
        return phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)


def national_digits(phone: str) -> str:
    """The digits of a number without its country code or leading 0: "+33 6 12…" and
    "06 12…" give "612…", "+262 692…" and "0692…" give "692…", so that either way of writing
    it finds the other (search, duplicates). Partial input keeps its digits."""
    try:
        return str(parse(phone).national_number)
    except ValidationError:
        digits = re.sub(r"\D", "", phone or "")
        if digits.startswith("33"):
            digits = digits[2:]
        return digits.lstrip("0")
