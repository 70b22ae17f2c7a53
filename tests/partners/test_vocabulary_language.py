"""The platform's own reference lists (categories, services, access conditions, themes) are
shown in the reader's language; what coordinators add shows as they typed it."""

import pytest
from django.urls import reverse

from accompaniment.models import Theme
from partners.models import AccessCondition, ServiceTag
from tests.partners.factories import PartnerFactory, category, service

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_a_listing_shows_its_categories_services_and_conditions_in_english(in_english, coordinator):
    own = ServiceTag.objects.create(name="Vrac maison", position=99)
    partner = PartnerFactory(categories=[category("Producteurs")])
    partner.services.set([service("Aide alimentaire"), own])
    partner.access_conditions.set([AccessCondition.objects.get(name="Sur rendez-vous")])
    in_english.force_login(coordinator)
    page = in_english.get(partner.get_absolute_url()).content.decode()
    for shown in ("Producers", "Food aid", "By appointment", "Vrac maison"):
        assert shown in page
    assert "Aide alimentaire" not in page


def test_the_directory_filters_offer_the_lists_in_english(in_english, coordinator):
    in_english.force_login(coordinator)
    page = in_english.get(reverse("partners:partner_list")).content.decode()
    assert ">Local authorities<" in page and ">Social grocery<" in page


def test_themes_are_translated_and_a_coordinators_theme_is_kept_as_typed(in_english, coordinator):
    Theme.objects.create(name="Jardin partagé", position=50)
    in_english.force_login(coordinator)
    page = in_english.get(reverse("accompaniment:theme_list")).content.decode()
    assert "Food budget" in page and "Jardin partagé" in page
    assert "Budget alimentaire" not in page


def test_in_french_the_lists_are_unchanged(client, coordinator):
    partner = PartnerFactory()
    partner.services.set([service("Aide alimentaire")])
    client.force_login(coordinator)
    assert "Aide alimentaire" in client.get(partner.get_absolute_url()).content.decode()
