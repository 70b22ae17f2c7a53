import pytest

from soli_dome.notifications import gsm7


@pytest.mark.parametrize("text", ["é è à ù É Ç ñ ü", "Rendez-vous à 14:30 !", "@£$¥"])
def test_french_accents_of_the_basic_set_are_gsm7(text):
    assert gsm7.is_gsm7(text)


@pytest.mark.parametrize("char", ["ê", "â", "î", "ô", "û", "ç", "ë", "œ", "’", "«", "·"])
def test_these_french_characters_are_not_gsm7(char):
    assert not gsm7.is_gsm7(f"Soli'd{char}me")


def test_one_non_gsm_character_brings_the_segment_down_to_70():
    assert not gsm7.fits_one_segment("a" * 70 + "ê")


def test_extension_characters_take_two_places():
    assert gsm7.length("10 €") == 5


def test_160_gsm7_characters_fit_one_segment():
    assert gsm7.fits_one_segment("é" * 160) and not gsm7.fits_one_segment("é" * 161)


def test_to_gsm7_keeps_the_words_readable():
    assert gsm7.to_gsm7("Forêt, garçon, cœur, l’été… « oui »") == (
        'Foret, garcon, coeur, l\'été... " oui "'
    )


def test_to_gsm7_replaces_what_has_no_equivalent():
    assert gsm7.to_gsm7("Rendez-vous 🍎") == "Rendez-vous ?"
