"""Dates read day, month, year in English as in French."""

import datetime

import pytest
from django.template import Context, Template
from django.utils import translation

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 12, 3)


def rendered(language, text):
    with translation.override(language):
        return Template("{% load l10n %}" + text).render(Context({"day": DAY}))


@pytest.mark.parametrize(
    ("language", "short", "long"),
    [("fr", "03/12/2026", "3 décembre 2026"), ("en", "03/12/2026", "3 December 2026")],
)
def test_dates_are_day_month_year_in_both_languages(language, short, long):
    assert rendered(language, '{{ day|date:"SHORT_DATE_FORMAT" }}') == short
    assert rendered(language, "{{ day|date }}") == long


def test_an_english_page_shows_the_last_contact_day_first(client, settings, coordinator):
    from django.urls import reverse

    from tests.beneficiaries.factories import BeneficiaryFactory

    BeneficiaryFactory(last_contact_on=datetime.date(2025, 1, 31))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(coordinator)
    page = client.get(reverse("beneficiaries:follow_up")).content.decode()
    assert "31/01/2025" in page and "01/31/2025" not in page


def test_english_forms_read_a_date_day_first():
    from django import forms

    with translation.override("en"):
        field = forms.DateField()
        assert field.clean("03/12/2026") == DAY
