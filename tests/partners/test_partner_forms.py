"""Coordinators create and keep listings: contacts, partnership log, archive, the lists of
categories and services. Bad input is kept, with the message next to the field."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from beneficiaries.models import Commune
from partners.models import Category, Contact, Partner, PartnershipEvent, ServiceTag
from tests.partners.factories import ContactFactory, PartnerFactory, category, service

pytestmark = pytest.mark.django_db


def valid_data(**overrides):
    data = {
        "name": "Ferme des Sauzes",
        "categories": [category("Producteurs").pk],
        "description": "Maraîchage biologique.",
        "address": "Chemin des Sauzes",
        "postal_code": "63430",
        "commune": Commune.objects.get(insee_code="63284").pk,
        "latitude": "45.791800",
        "longitude": "3.257300",
        "opening_hours": "Vendredi, 16 h-19 h.",
        "phone": "06 40 98 20 01",
        "email": "bonjour@ferme.example.org",
        "website": "fermedessauzes.example.org",
        "services": [service("Visites de ferme").pk, service("Circuit court").pk],
        "publics": ["young", "senior"],
        "fees": "Gratuit",
        "partnership_status": "active",
        "agreement_date": "2025-06-01",
        "may_be_recommended": "on",
        "internal_notes": "Prévoir des bottes.",
        "last_checked_on": timezone.localdate().isoformat(),
        "review_every_months": "12",
    }
    data.update(overrides)
    return data


def listed(client):
    response = client.get(reverse("partners:partner_list"))
    return [partner.name for partner in response.context["page"].object_list]


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client


def test_coordinator_creates_a_listing(coordinator_client):
    response = coordinator_client.post(reverse("partners:partner_create"), valid_data())
    partner = Partner.objects.get()
    assert response.status_code == 302
    assert response.url == partner.get_absolute_url()
    assert partner.phone == "+33640982001"
    assert partner.website == "https://fermedessauzes.example.org"
    assert (partner.serves_young, partner.serves_seniors, partner.serves_everyone) == (
        True,
        True,
        False,
    )
    assert (partner.latitude, partner.longitude) == (Decimal("45.791800"), Decimal("3.257300"))
    assert {s.name for s in partner.services.all()} == {"Visites de ferme", "Circuit court"}
    assert partner.search_text.startswith("ferme des sauzes")


def test_new_listing_form_proposes_today_as_checked_date(coordinator_client):
    response = coordinator_client.get(reverse("partners:partner_create"))
    assert response.context["form"]["last_checked_on"].value() == timezone.localdate()


def test_partner_page_shows_what_was_entered(client, accompanier, coordinator_client):
    coordinator_client.post(reverse("partners:partner_create"), valid_data())
    partner = Partner.objects.get()
    client.force_login(accompanier)
    page = client.get(partner.get_absolute_url()).content.decode()
    for text in [
        "Ferme des Sauzes",
        "Producteurs",
        "Visites de ferme",
        "06 40 98 20 01",
        "Jeunes (16-25 ans), Seniors",
        "Pont-du-Château",
        "Prévoir des bottes.",
    ]:
        assert text in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "Ce champ est obligatoire."),
        ("categories", [], "Ce champ est obligatoire."),
        ("phone", "12", "Numéro non reconnu"),
        ("postal_code", "630", "Un code postal a cinq chiffres"),
        ("email", "pas-une-adresse", "Saisissez une adresse de courriel valide."),
        ("latitude", "", "Donnez aussi la latitude"),
        ("latitude", "145", "inférieure ou égale à 90"),
        ("review_every_months", "0", "supérieure ou égale à 1"),
    ],
)
def test_bad_input_is_refused_next_to_the_field(coordinator_client, field, value, message):
    response = coordinator_client.post(
        reverse("partners:partner_create"), valid_data(**{field: value})
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not Partner.objects.exists()


def test_bad_input_keeps_what_was_typed(coordinator_client):
    response = coordinator_client.post(reverse("partners:partner_create"), valid_data(phone="12"))
    page = response.content.decode()
    assert 'value="Ferme des Sauzes"' in page
    assert "Prévoir des bottes." in page
    assert 'value="12"' in page
    assert '<p id="error_1_id_phone"><strong>Numéro non reconnu' in page


def test_coordinator_edits_a_listing(coordinator_client):
    partner = PartnerFactory(name="Ferme", phone="+33640982001", serves_everyone=True)
    url = reverse("partners:partner_update", args=[partner.pk])
    form = coordinator_client.get(url).context["form"]
    assert form["phone"].value() == "06 40 98 20 01"
    assert form["publics"].value() == ["everyone"]
    data = valid_data(name="Ferme des Sauzes", version=form["version"].value())
    response = coordinator_client.post(url, data)
    assert response.status_code == 302
    partner.refresh_from_db()
    assert partner.name == "Ferme des Sauzes"
    assert partner.serves_everyone is False


def test_edit_over_someone_elses_change_is_refused_and_keeps_the_text(coordinator_client):
    partner = PartnerFactory(name="Ferme")
    url = reverse("partners:partner_update", args=[partner.pk])
    version = coordinator_client.get(url).context["form"]["version"].value()
    partner.mark_checked()  # someone else, in the meantime
    response = coordinator_client.post(url, valid_data(name="Ferme renommée", version=version))
    assert response.status_code == 200
    assert "Quelqu&#x27;un d&#x27;autre a enregistré" in response.content.decode()
    assert 'value="Ferme renommée"' in response.content.decode()
    partner.refresh_from_db()
    assert partner.name == "Ferme"


def test_coordinator_archives_and_brings_back_a_listing(client, coordinator):
    partner = PartnerFactory(name="Ancienne épicerie")
    client.force_login(coordinator)
    client.post(reverse("partners:partner_archive", args=[partner.pk]))
    partner.refresh_from_db()
    assert partner.is_archived
    assert listed(client) == []
    assert "Cette fiche est archivée" in client.get(partner.get_absolute_url()).content.decode()
    client.post(reverse("partners:partner_unarchive", args=[partner.pk]))
    partner.refresh_from_db()
    assert not partner.is_archived
    assert listed(client) == ["Ancienne épicerie"]


def test_coordinator_adds_a_contact(coordinator_client):
    partner = PartnerFactory()
    response = coordinator_client.post(
        reverse("partners:contact_create", args=[partner.pk]),
        {"name": "Nadia Ferrand", "role": "Coordinatrice", "phone": "04 65 71 10 02"},
    )
    assert response.url == f"{partner.get_absolute_url()}#contacts"
    contact = Contact.objects.get(partner=partner)
    assert (contact.name, contact.phone) == ("Nadia Ferrand", "+33465711002")
    page = coordinator_client.get(partner.get_absolute_url()).content.decode()
    assert "Nadia Ferrand" in page
    assert "04 65 71 10 02" in page


def test_contact_with_a_bad_phone_is_refused_next_to_the_field(coordinator_client):
    partner = PartnerFactory()
    response = coordinator_client.post(
        reverse("partners:contact_create", args=[partner.pk]),
        {"name": "Nadia Ferrand", "phone": "123"},
    )
    assert "Numéro non reconnu" in response.context["form"].errors["phone"][0]
    assert 'value="Nadia Ferrand"' in response.content.decode()
    assert not Contact.objects.exists()


def test_coordinator_removes_a_contact(coordinator_client):
    contact = ContactFactory(name="Paul Giraud")
    response = coordinator_client.post(reverse("partners:contact_delete", args=[contact.pk]))
    assert response.url == f"{contact.partner.get_absolute_url()}#contacts"
    assert not Contact.objects.exists()


def test_coordinator_adds_to_the_partnership_log(coordinator_client, coordinator):
    partner = PartnerFactory()
    response = coordinator_client.post(
        reverse("partners:partnership_event_create", args=[partner.pk]),
        {"date": "2026-01-15", "kind": "agreement", "summary": "Signature de la convention."},
    )
    assert response.url == f"{partner.get_absolute_url()}#partnership-log"
    event = PartnershipEvent.objects.get()
    assert (event.partner, event.by, event.kind) == (partner, coordinator, "agreement")
    page = coordinator_client.get(partner.get_absolute_url()).content.decode()
    assert "Signature de la convention." in page
    assert "15 janvier 2026" in page


def test_partnership_log_entry_needs_a_summary(coordinator_client):
    partner = PartnerFactory()
    response = coordinator_client.post(
        reverse("partners:partnership_event_create", args=[partner.pk]),
        {"date": "2026-01-15", "kind": "meeting", "summary": ""},
    )
    assert response.context["form"].errors["summary"] == ["Ce champ est obligatoire."]


def test_coordinator_adds_a_category_then_files_a_partner_under_it(coordinator_client):
    response = coordinator_client.post(
        reverse("partners:category_list"),
        {"add": "category", "category-name": "Tiers-lieux nourriciers"},
    )
    assert response.status_code == 302
    added = Category.objects.get(name="Tiers-lieux nourriciers")
    assert added.position == Category.objects.count() - 1
    form = coordinator_client.get(reverse("partners:partner_create")).context["form"]
    assert added in form.fields["categories"].queryset


def test_coordinator_adds_a_service(coordinator_client):
    coordinator_client.post(
        reverse("partners:category_list"), {"add": "service", "service-name": "Jardin partagé"}
    )
    assert ServiceTag.objects.filter(name="Jardin partagé").exists()


def test_a_category_already_listed_is_refused_next_to_the_field(coordinator_client):
    response = coordinator_client.post(
        reverse("partners:category_list"), {"add": "category", "category-name": "Producteurs"}
    )
    assert response.status_code == 200
    assert response.context["category_form"].errors["name"]


def test_data_migration_loads_every_kind_of_actor_and_service():
    assert Category.objects.count() >= 12
    assert Category.objects.filter(name="Association de monnaie locale").exists()
    assert ServiceTag.objects.filter(name="Accepte la Doume").exists()
