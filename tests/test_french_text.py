"""Correct French in what people read and print: elision before a vowel, "1er" of the month."""

import datetime

import pytest
from django.utils import translation

from soli_dome.dates import long_date
from soli_dome.text import of_name


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Inès", "d'Inès"),
        ("Émile", "d'Émile"),
        ("Hugo", "d'Hugo"),
        ("Océane", "d'Océane"),
        ("Paul", "de Paul"),
        ("Yanis", "de Yanis"),
    ],
)
def test_de_elides_before_a_vowel_sound(name, expected):
    assert of_name(name) == expected


def test_of_name_in_english():
    assert of_name("Inès", "en") == "of Inès"


def test_the_first_of_the_month_is_an_ordinal_in_french():
    with translation.override("fr"):
        assert long_date(datetime.date(2026, 2, 1)) == "1er février 2026"
        assert long_date(datetime.date(2026, 2, 2)) == "2 février 2026"
        assert long_date(datetime.date(2026, 3, 1), with_year=False) == "1er mars"
    assert long_date(datetime.date(2026, 2, 1), language="en") == "1 February 2026"
