"""Every way people write a phone number, as stored and as the SMS channel takes it."""

import pytest
from django.core.exceptions import ValidationError

from soli_dome.phone import display_phone, national_digits, sms_number, to_e164

# (as typed, stored E.164, shown as, may receive SMS)
NUMBERS = [
    ("06 12 34 56 78", "+33612345678", "06 12 34 56 78", True),
    ("06.12.34.56.78", "+33612345678", "06 12 34 56 78", True),
    ("06-12-34-56-78", "+33612345678", "06 12 34 56 78", True),
    ("+33 6 12 34 56 78", "+33612345678", "06 12 34 56 78", True),
    ("+33 (0)6 12 34 56 78", "+33612345678", "06 12 34 56 78", True),
    ("0033 6 12 34 56 78", "+33612345678", "06 12 34 56 78", True),
    ("07 81 23 45 67", "+33781234567", "07 81 23 45 67", True),
    ("04 73 12 34 56", "+33473123456", "04 73 12 34 56", False),  # a landline in Clermont
    ("09 51 23 45 67", "+33951234567", "09 51 23 45 67", False),  # a box line
    ("0800 12 34 56", "+33800123456", "0 800 12 34 56", False),  # toll free
    ("0692 12 34 56", "+262692123456", "0692 12 34 56", True),  # Réunion
    ("0693 12 34 56", "+262693123456", "0693 12 34 56", True),
    ("0262 12 34 56", "+262262123456", "0262 12 34 56", False),  # Réunion landline
    ("0696 12 34 56", "+596696123456", "0696 12 34 56", True),  # Martinique
    ("0697 12 34 56", "+596697123456", "0697 12 34 56", True),
    ("0596 60 12 34", "+596596601234", "0596 60 12 34", False),
    ("0690 12 34 56", "+590690123456", "0690 12 34 56", True),  # Guadeloupe
    ("0691 28 12 34", "+590691281234", "0691 28 12 34", True),
    ("0590 12 34 56", "+590590123456", "0590 12 34 56", False),
    ("0694 12 34 56", "+594694123456", "0694 12 34 56", True),  # Guyane
    ("0639 01 23 45", "+262639012345", "0639 01 23 45", True),  # Mayotte
    ("+33 692 12 34 56", "+262692123456", "0692 12 34 56", True),  # the old wrong code
    ("+32 470 12 34 56", "+32470123456", "+32 470 12 34 56", True),  # Belgium
    ("+44 20 7946 0958", "+442079460958", "+44 20 7946 0958", False),  # London landline
]


@pytest.mark.parametrize(("typed", "stored", "shown", "sms"), NUMBERS)
def test_a_number_is_stored_in_e164_and_shown_in_the_french_format(typed, stored, shown, sms):
    assert to_e164(typed) == stored
    assert display_phone(stored) == shown
    assert national_digits(typed) == national_digits(stored)


@pytest.mark.parametrize(("typed", "stored", "shown", "sms"), NUMBERS)
def test_only_mobiles_are_taken_for_sms(typed, stored, shown, sms):
    if sms:
        assert sms_number(typed) == stored
    else:
        with pytest.raises(ValidationError):
            sms_number(typed)


def test_a_landline_for_sms_gets_a_message_that_says_what_to_do():
    with pytest.raises(ValidationError) as error:
        sms_number("04 73 12 34 56")
    assert "fixe" in error.value.messages[0]
    assert "portable" in error.value.messages[0]
    assert "e-mail" in error.value.messages[0]


def test_a_special_number_for_sms_is_named_as_such():
    with pytest.raises(ValidationError) as error:
        sms_number("0800 12 34 56")
    assert "spécial" in error.value.messages[0]


@pytest.mark.parametrize("typed", ["06 12 34", "12345", "+33 1", "00 00 00 00 00", "abc", ""])
def test_what_is_not_a_number_is_refused(typed):
    with pytest.raises(ValidationError) as error:
        to_e164(typed)
    assert "Numéro non reconnu" in error.value.messages[0]
