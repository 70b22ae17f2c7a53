"""Directory search and filters. Accents and case are ignored everywhere; on PostgreSQL small
typos are tolerated too, through a trigram index."""

import pytest
from django.db import connection
from django.urls import reverse

from beneficiaries.models import Commune
from partners.models import Partner
from tests.partners.factories import PartnerFactory, category, service

pytestmark = pytest.mark.django_db


def listed(client, **params):
    response = client.get(reverse("partners:partner_list"), params)
    assert response.status_code == 200
    return [partner.name for partner in response.context["page"].object_list]


@pytest.fixture
def grocery():
    return PartnerFactory(
        name="Épicerie solidaire du Vergnes",
        commune=Commune.objects.get(insee_code="63113"),
        description="Fruits et légumes à petits prix.",
    )


@pytest.fixture
def bakery():
    return PartnerFactory(
        name="Boulangerie Au Pain de Montjuzet",
        commune=Commune.objects.get(insee_code="63124"),
    )


@pytest.fixture
def staff_client(client, accompanier, grocery, bakery):
    client.force_login(accompanier)
    return client


@pytest.mark.parametrize("query", ["epicerie", "EPICERIE", "Épicerie", "vergnes épicerie"])
def test_search_ignores_accents_case_and_word_order(staff_client, query):
    assert listed(staff_client, q=query) == ["Épicerie solidaire du Vergnes"]


def test_search_reads_the_presentation_and_the_commune(staff_client):
    assert listed(staff_client, q="legumes") == ["Épicerie solidaire du Vergnes"]
    assert listed(staff_client, q="cournon") == ["Boulangerie Au Pain de Montjuzet"]


def test_search_without_match_says_so(staff_client):
    response = staff_client.get(reverse("partners:partner_list"), {"q": "piscine"})
    assert "Aucun acteur ne correspond à ces critères." in response.content.decode()


def test_search_keeps_what_was_typed_in_the_box(staff_client):
    response = staff_client.get(reverse("partners:partner_list"), {"q": "epicerie"})
    assert 'value="epicerie"' in response.content.decode()


def test_typo_tolerant_search_on_postgresql(requires_postgresql, staff_client):
    assert listed(staff_client, q="epiceri solidair") == ["Épicerie solidaire du Vergnes"]
    assert listed(staff_client, q="Epicrie") == ["Épicerie solidaire du Vergnes"]


def test_typo_tolerant_search_lists_the_closest_first(requires_postgresql, staff_client):
    PartnerFactory(name="Épicerie coopérative La Musette")
    assert listed(staff_client, q="epicrie solidaire")[0] == "Épicerie solidaire du Vergnes"


def test_close_spellings_come_only_when_nothing_matches_as_typed(requires_postgresql, staff_client):
    PartnerFactory(name="Épicrie du Port")  # a typo in the listing itself
    assert listed(staff_client, q="epicerie") == ["Épicerie solidaire du Vergnes"]


def test_postgresql_search_can_use_the_trigram_index(requires_postgresql, grocery):
    PartnerFactory.create_batch(30)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE partners_partner")
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = Partner.objects.search("Epicrie").explain()
    assert "partner_search_text_trgm" in plan
    assert list(Partner.objects.search("Epicrie")) == [grocery]


def test_filter_by_category_service_and_commune(client, accompanier, grocery, bakery):
    grocery.categories.set([category("Distributeurs alimentaires")])
    grocery.services.set([service("Épicerie solidaire"), service("Aide alimentaire")])
    bakery.categories.set([category("Commerçants et artisans")])
    bakery.services.set([service("Accepte la Doume")])
    client.force_login(accompanier)
    by_category = listed(client, category=category("Commerçants et artisans").pk)
    by_service = listed(client, service=service("Aide alimentaire").pk)
    by_commune = listed(client, commune=Commune.objects.get(insee_code="63124").pk)
    assert by_category == ["Boulangerie Au Pain de Montjuzet"]
    assert by_service == ["Épicerie solidaire du Vergnes"]
    assert by_commune == ["Boulangerie Au Pain de Montjuzet"]


def test_filter_by_public_counts_partners_open_to_everyone(client, accompanier):
    PartnerFactory(name="Foyer jeunes", serves_young=True)
    PartnerFactory(name="Résidence seniors", serves_seniors=True)
    PartnerFactory(name="Marché", serves_everyone=True)
    client.force_login(accompanier)
    assert listed(client, public="young") == ["Foyer jeunes", "Marché"]
    assert listed(client, public="senior") == ["Marché", "Résidence seniors"]
    assert listed(client, public="everyone") == ["Marché"]


def test_filter_by_partnership_status(client, accompanier):
    PartnerFactory(name="Futur partenaire", partnership_status="prospect")
    PartnerFactory(name="Partenaire", partnership_status="active")
    client.force_login(accompanier)
    assert listed(client, partnership_status="prospect") == ["Futur partenaire"]


def test_list_sorts_by_name_ignoring_accents(client, accompanier):
    for name in ["Zèbre", "Épicerie", "Ferme"]:
        PartnerFactory(name=name)
    client.force_login(accompanier)
    assert listed(client) == ["Épicerie", "Ferme", "Zèbre"]


def test_archived_listings_are_left_out_of_the_directory(client, accompanier):
    PartnerFactory(name="Ancienne adresse", archived=True)
    PartnerFactory(name="Adresse actuelle")
    client.force_login(accompanier)
    assert listed(client) == ["Adresse actuelle"]
    assert listed(client, archived="on") == ["Adresse actuelle"]


def test_coordinator_can_list_archived_listings(client, coordinator):
    PartnerFactory(name="Ancienne adresse", archived=True)
    PartnerFactory(name="Adresse actuelle")
    client.force_login(coordinator)
    assert listed(client, archived="on") == ["Ancienne adresse"]


def test_directory_is_paginated_with_the_total_count(client, accompanier):
    PartnerFactory.create_batch(30)
    client.force_login(accompanier)
    first = client.get(reverse("partners:partner_list"))
    second = client.get(reverse("partners:partner_list"), {"page": 2})
    assert len(first.context["page"].object_list) == 25
    assert len(second.context["page"].object_list) == 5
    assert "30 acteurs" in first.content.decode()


def test_pagination_keeps_the_filters(client, accompanier):
    PartnerFactory.create_batch(30, serves_young=True)
    client.force_login(accompanier)
    page = client.get(reverse("partners:partner_list"), {"public": "young"}).content.decode()
    assert "?public=young&amp;page=2" in page


def test_an_unknown_filter_value_shows_the_whole_directory_with_a_message(client, accompanier):
    PartnerFactory(name="Ferme")
    client.force_login(accompanier)
    response = client.get(reverse("partners:partner_list"), {"category": "999999"})
    assert [p.name for p in response.context["page"].object_list] == ["Ferme"]
    assert response.context["form"].errors["category"]


def test_search_finds_the_partners_offering_a_service(staff_client, grocery, bakery):
    bakery.services.set([service("Accepte la Doume")])
    PartnerFactory(name="Association La Doume")
    assert sorted(listed(staff_client, q="doume")) == [
        "Association La Doume",
        "Boulangerie Au Pain de Montjuzet",
    ]


def test_search_reads_categories_and_access_conditions(staff_client, grocery, bakery):
    from partners.models import AccessCondition

    bakery.categories.set([category("Commerçants et artisans")])
    grocery.access_conditions.set([AccessCondition.objects.get(name="Sur orientation uniquement")])
    assert listed(staff_client, q="commercants") == ["Boulangerie Au Pain de Montjuzet"]
    assert listed(staff_client, q="orientation vergnes") == ["Épicerie solidaire du Vergnes"]


def test_search_reads_services_in_the_language_of_the_page(staff_client, settings, bakery):
    bakery.services.set([service("Aide alimentaire")])
    staff_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert listed(staff_client, q="food aid") == ["Boulangerie Au Pain de Montjuzet"]
