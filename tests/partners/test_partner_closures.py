"""Temporary closures: shown as a badge wherever the partner is listed, until their last day."""

import datetime
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from partners.models import Closure, Partner
from tests.partners.factories import ClosureFactory, PartnerFactory

pytestmark = pytest.mark.django_db


def days(n):
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture
def bakery():
    return PartnerFactory(name="Boulangerie du Port", never_checked=True)


def closure_badge_on(client, url):
    return "Fermé jusqu'au" in client.get(url).content.decode()


def pages(partner):
    return [
        reverse("partners:partner_list"),
        reverse("partners:partner_review_list"),
        partner.get_absolute_url(),
    ]


def test_ongoing_closure_shows_on_every_page_listing_the_partner(client, coordinator, bakery):
    ClosureFactory(partner=bakery, starts_on=days(-2), ends_on=days(5), reason="Congés")
    client.force_login(coordinator)
    for url in pages(bakery):
        assert closure_badge_on(client, url), url


def test_partner_page_gives_the_dates_and_reason_of_the_ongoing_closure(
    client, accompanier, bakery
):
    ClosureFactory(partner=bakery, starts_on=days(-2), ends_on=days(5), reason="Travaux")
    client.force_login(accompanier)
    page = client.get(bakery.get_absolute_url()).content.decode()
    assert "Fermeture temporaire du" in page
    assert "Travaux" in page
    assert "en cours" in page


def test_closure_still_shows_on_its_last_day(client, accompanier, bakery):
    ClosureFactory(partner=bakery, starts_on=days(-5), ends_on=days(0))
    client.force_login(accompanier)
    assert closure_badge_on(client, reverse("partners:partner_list"))


def test_closure_badge_is_gone_the_day_after_it_ends(client, coordinator, bakery):
    ClosureFactory(partner=bakery, starts_on=days(-2), ends_on=days(3))
    client.force_login(coordinator)
    with mock.patch("django.utils.timezone.localdate", return_value=days(4)):
        for url in pages(bakery):
            assert not closure_badge_on(client, url), url


def test_coming_closure_is_announced_on_the_page_but_not_as_a_badge(client, accompanier, bakery):
    ClosureFactory(partner=bakery, starts_on=days(10), ends_on=days(12))
    client.force_login(accompanier)
    assert not closure_badge_on(client, reverse("partners:partner_list"))
    assert "à venir" in client.get(bakery.get_absolute_url()).content.decode()


def test_with_current_closure_annotates_the_ongoing_one_only(bakery):
    ClosureFactory(partner=bakery, starts_on=days(-30), ends_on=days(-20))
    ClosureFactory(partner=bakery, starts_on=days(-1), ends_on=days(8), reason="Inventaire")
    partner = Partner.objects.with_current_closure(timezone.localdate()).get(pk=bakery.pk)
    assert (partner.closed_since, partner.closed_until) == (days(-1), days(8))
    assert partner.closure_reason == "Inventaire"
    other = PartnerFactory()
    assert (
        Partner.objects.with_current_closure(timezone.localdate()).get(pk=other.pk).closed_until
        is None
    )


def test_coordinator_records_a_closure(client, coordinator, bakery):
    client.force_login(coordinator)
    response = client.post(
        reverse("partners:closure_create", args=[bakery.pk]),
        {"starts_on": days(0).isoformat(), "ends_on": days(7).isoformat(), "reason": "Congés"},
    )
    assert response.status_code == 302
    assert response.url == f"{bakery.get_absolute_url()}#closures"
    closure = Closure.objects.get(partner=bakery)
    assert (closure.starts_on, closure.ends_on, closure.reason) == (days(0), days(7), "Congés")
    assert closure_badge_on(client, reverse("partners:partner_list"))


def test_closure_ending_before_it_starts_is_refused_next_to_the_field(client, coordinator, bakery):
    client.force_login(coordinator)
    response = client.post(
        reverse("partners:closure_create", args=[bakery.pk]),
        {"starts_on": days(7).isoformat(), "ends_on": days(2).isoformat(), "reason": "Congés"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["ends_on"] == [
        "La fin de la fermeture ne peut pas précéder son début."
    ]
    assert 'value="Congés"' in response.content.decode()
    assert not Closure.objects.exists()


def test_closure_already_over_is_refused(client, coordinator, bakery):
    client.force_login(coordinator)
    response = client.post(
        reverse("partners:closure_create", args=[bakery.pk]),
        {"starts_on": days(-9).isoformat(), "ends_on": days(-2).isoformat()},
    )
    assert response.context["form"].errors["ends_on"] == ["Cette fermeture est déjà terminée."]
    assert not Closure.objects.exists()


def test_coordinator_removes_a_closure(client, coordinator, bakery):
    closure = ClosureFactory(partner=bakery)
    client.force_login(coordinator)
    response = client.post(reverse("partners:closure_delete", args=[closure.pk]))
    assert response.url == f"{bakery.get_absolute_url()}#closures"
    assert not Closure.objects.exists()
