"""A living directory: each listing has a review date; coordinators see the overdue ones and
mark them checked in one click."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from partners.models import Partner
from tests.partners.factories import PartnerFactory

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.mark.parametrize(
    ("checked", "months", "today", "overdue"),
    [
        (D(2025, 3, 15), 12, D(2026, 3, 14), False),
        (D(2025, 3, 15), 12, D(2026, 3, 15), True),
        (D(2025, 3, 15), 12, D(2026, 4, 1), True),
        (D(2025, 5, 10), 6, D(2025, 11, 9), False),
        (D(2025, 5, 10), 6, D(2025, 11, 10), True),
        (D(2025, 12, 20), 3, D(2026, 3, 19), False),
        (D(2025, 12, 20), 3, D(2026, 3, 20), True),
        # The 31st falls on the last day of a shorter month, 29 February in a leap year.
        (D(2024, 1, 31), 1, D(2024, 2, 28), False),
        (D(2024, 1, 31), 1, D(2024, 2, 29), True),
        (D(2023, 1, 31), 1, D(2023, 2, 28), True),
        (D(2025, 8, 31), 1, D(2025, 9, 29), False),
        (D(2025, 8, 31), 1, D(2025, 9, 30), True),
        (D(2025, 1, 1), 24, D(2026, 12, 31), False),
    ],
)
def test_overdue_for_review_is_computed_by_the_database(checked, months, today, overdue):
    partner = PartnerFactory(last_checked_on=checked, review_every_months=months)
    in_database = Partner.objects.overdue_for_review(today).filter(pk=partner.pk).exists()
    annotated = Partner.objects.with_review_status(today).get(pk=partner.pk).is_due_for_review
    assert in_database is overdue
    assert annotated is overdue
    assert partner.is_due_for_review_on(today) is overdue


def test_a_listing_never_checked_is_overdue():
    partner = PartnerFactory(never_checked=True)
    assert list(Partner.objects.overdue_for_review(timezone.localdate())) == [partner]


@pytest.fixture
def listings():
    today = timezone.localdate()
    return {
        "stale": PartnerFactory(
            name="Fiche ancienne", last_checked_on=today - datetime.timedelta(days=400)
        ),
        "never": PartnerFactory(name="Fiche jamais vérifiée", never_checked=True),
        "fresh": PartnerFactory(name="Fiche récente"),
        "archived": PartnerFactory(name="Fiche archivée", archived=True, never_checked=True),
    }


def test_review_page_lists_overdue_listings_never_checked_first(client, coordinator, listings):
    client.force_login(coordinator)
    response = client.get(reverse("partners:partner_review_list"))
    names = [partner.name for partner in response.context["page"].object_list]
    assert names == ["Fiche jamais vérifiée", "Fiche ancienne"]
    assert "2 fiches à revoir" in response.content.decode()


def test_directory_links_to_the_review_page_with_the_count(client, coordinator, listings):
    client.force_login(coordinator)
    page = client.get(reverse("partners:partner_list")).content.decode()
    assert reverse("partners:partner_review_list") in page
    assert "2 fiches à revoir" in page


def test_directory_filter_shows_only_listings_to_review(client, coordinator, listings):
    client.force_login(coordinator)
    response = client.get(reverse("partners:partner_list"), {"due_for_review": "on"})
    names = {partner.name for partner in response.context["page"].object_list}
    assert names == {"Fiche ancienne", "Fiche jamais vérifiée"}


def test_directory_flags_listings_to_review_for_coordinators_only(
    client, coordinator, accompanier, listings
):
    client.force_login(coordinator)
    assert "À revoir" in client.get(reverse("partners:partner_list")).content.decode()
    client.force_login(accompanier)
    assert "À revoir" not in client.get(reverse("partners:partner_list")).content.decode()


def test_mark_checked_from_the_review_page_in_one_click(client, coordinator, listings):
    client.force_login(coordinator)
    review_url = reverse("partners:partner_review_list")
    stale = listings["stale"]
    response = client.post(
        reverse("partners:partner_mark_checked", args=[stale.pk]), {"next": review_url}
    )
    assert response.status_code == 302
    assert response.url == review_url
    stale.refresh_from_db()
    assert stale.last_checked_on == timezone.localdate()
    page = client.get(review_url)
    assert [p.name for p in page.context["page"].object_list] == ["Fiche jamais vérifiée"]
    assert "La fiche « Fiche ancienne » est vérifiée aujourd&#x27;hui." in page.content.decode()


def test_review_page_offers_the_one_click_button(client, coordinator, listings):
    client.force_login(coordinator)
    page = client.get(reverse("partners:partner_review_list")).content.decode()
    stale = listings["stale"]
    assert reverse("partners:partner_mark_checked", args=[stale.pk]) in page
    assert "Marquer « Fiche ancienne » vérifiée aujourd'hui" in page


def test_mark_checked_from_the_partner_page_returns_to_it(client, coordinator, listings):
    client.force_login(coordinator)
    never = listings["never"]
    response = client.post(reverse("partners:partner_mark_checked", args=[never.pk]))
    assert response.url == never.get_absolute_url()
    never.refresh_from_db()
    assert never.last_checked_on == timezone.localdate()


def test_mark_checked_ignores_a_return_address_on_another_site(client, coordinator, listings):
    client.force_login(coordinator)
    never = listings["never"]
    response = client.post(
        reverse("partners:partner_mark_checked", args=[never.pk]),
        {"next": "https://example.com/"},
    )
    assert response.url == never.get_absolute_url()


def test_mark_checked_needs_a_post(client, coordinator, listings):
    client.force_login(coordinator)
    never = listings["never"]
    assert client.get(reverse("partners:partner_mark_checked", args=[never.pk])).status_code == 405


def test_partner_page_tells_the_coordinator_when_to_check_again(client, coordinator):
    partner = PartnerFactory(last_checked_on=D(2025, 3, 15), review_every_months=12)
    client.force_login(coordinator)
    page = client.get(partner.get_absolute_url()).content.decode()
    assert "15 mars 2025" in page
    assert "à revoir le 15 mars 2026" in page
