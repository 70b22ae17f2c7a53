"""The demo directory: every kind of actor, on the métropole, and idempotent."""

import datetime

import pytest
from django.db.models import Count
from django.urls import reverse

from partners.demo import seed_partners
from partners.models import Category, Closure, Contact, Partner, PartnershipEvent

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 5, 12)


def snapshot():
    return (
        sorted(
            Partner.objects.values_list(
                "name", "commune", "latitude", "longitude", "last_checked_on", "search_text"
            )
        ),
        sorted(Partner.categories.through.objects.values_list("partner__name", "category")),
        sorted(Partner.services.through.objects.values_list("partner__name", "servicetag")),
        sorted(Contact.objects.values_list("partner__name", "name", "phone")),
        sorted(Closure.objects.values_list("partner__name", "starts_on", "ends_on")),
        sorted(PartnershipEvent.objects.values_list("partner__name", "date", "summary")),
    )


def test_demo_has_fifteen_partners_or_more_in_every_category():
    seed_partners(TODAY)
    assert Partner.objects.count() >= 15
    empty = Category.objects.annotate(n=Count("partners")).filter(n=0)
    assert list(empty) == []


def test_demo_partners_with_coordinates_are_inside_the_metropole():
    seed_partners(TODAY)
    mapped = Partner.objects.exclude(latitude=None)
    assert mapped.count() >= 15
    for partner in mapped:
        assert partner.commune is not None, partner
        assert 45.70 < partner.latitude < 45.85, partner
        assert 2.98 < partner.longitude < 3.30, partner


def test_demo_has_an_overdue_listing_an_ongoing_closure_and_contacts():
    seed_partners(TODAY)
    overdue = Partner.objects.active().overdue_for_review(TODAY)
    assert overdue.filter(name="Le Panier cournonnais — aide alimentaire").exists()
    closed = Partner.objects.with_current_closure(TODAY).exclude(closed_until=None)
    assert [partner.name for partner in closed] == ["Boulangerie Au Pain de Montjuzet"]
    assert Contact.objects.count() >= 15
    ferme = Partner.objects.get(name="Ferme des Sauzes")
    assert ferme.commune.name == "Pont-du-Château"
    assert ferme.services.filter(name="Visites de ferme").exists()


def test_demo_is_idempotent():
    seed_partners(TODAY)
    first = snapshot()
    seed_partners(TODAY)
    assert snapshot() == first


def test_demo_directory_pages_render(client, coordinator):
    partners = seed_partners(TODAY)
    client.force_login(coordinator)
    assert client.get(reverse("partners:partner_list")).status_code == 200
    for partner in partners.values():
        assert client.get(partner.get_absolute_url()).status_code == 200


def test_demo_grocery_is_found_without_its_accent(client, accompanier):
    seed_partners(TODAY)
    client.force_login(accompanier)
    response = client.get(reverse("partners:partner_list"), {"q": "epicerie solidaire"})
    names = [partner.name for partner in response.context["page"].object_list]
    assert names[0] == "Épicerie solidaire du Vergnes"
    assert "Boulangerie Au Pain de Montjuzet" not in names
