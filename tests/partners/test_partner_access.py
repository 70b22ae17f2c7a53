"""Who may read and who may change the directory: programme staff read it, coordinators keep
it; everyone else gets a 404 and anonymous visitors are sent to the login page."""

import pytest
from django.urls import reverse

from partners.models import Closure, Contact, Partner
from tests.partners.factories import ClosureFactory, ContactFactory, PartnerFactory

pytestmark = pytest.mark.django_db

READ_PAGES = ["partners:partner_list", "partners:partner_detail"]
COORDINATOR_PAGES = [
    "partners:partner_create",
    "partners:partner_update",
    "partners:partner_review_list",
    "partners:category_list",
    "partners:contact_create",
    "partners:closure_create",
    "partners:partnership_event_create",
]
PARTNER_ACTIONS = [
    "partners:partner_archive",
    "partners:partner_unarchive",
    "partners:partner_mark_checked",
]


def url_of(name, partner):
    needs_pk = name not in {
        "partners:partner_list",
        "partners:partner_create",
        "partners:partner_review_list",
        "partners:category_list",
    }
    return reverse(name, args=[partner.pk] if needs_pk else [])


@pytest.fixture
def partner():
    return PartnerFactory(name="Épicerie solidaire du Vergnes")


@pytest.mark.parametrize("name", READ_PAGES + COORDINATOR_PAGES)
def test_coordinator_opens_every_page(client, coordinator, partner, name):
    client.force_login(coordinator)
    assert client.get(url_of(name, partner)).status_code == 200


@pytest.mark.parametrize("name", READ_PAGES)
def test_accompanier_reads_the_directory(client, accompanier, partner, name):
    client.force_login(accompanier)
    assert client.get(url_of(name, partner)).status_code == 200


@pytest.mark.parametrize("name", COORDINATOR_PAGES)
def test_accompanier_gets_404_on_editing_pages(client, accompanier, partner, name):
    client.force_login(accompanier)
    assert client.get(url_of(name, partner)).status_code == 404


@pytest.mark.parametrize("name", PARTNER_ACTIONS)
def test_accompanier_gets_404_on_partner_actions_and_nothing_changes(
    client, accompanier, partner, name
):
    client.force_login(accompanier)
    before = Partner.objects.values().get(pk=partner.pk)
    assert client.post(url_of(name, partner)).status_code == 404
    assert Partner.objects.values().get(pk=partner.pk) == before


def test_accompanier_cannot_post_a_new_listing(client, accompanier):
    client.force_login(accompanier)
    response = client.post(reverse("partners:partner_create"), {"name": "Intrus"})
    assert response.status_code == 404
    assert not Partner.objects.exists()


def test_accompanier_cannot_remove_a_contact_or_a_closure(client, accompanier, partner):
    contact = ContactFactory(partner=partner)
    closure = ClosureFactory(partner=partner)
    client.force_login(accompanier)
    assert client.post(reverse("partners:contact_delete", args=[contact.pk])).status_code == 404
    assert client.post(reverse("partners:closure_delete", args=[closure.pk])).status_code == 404
    assert Contact.objects.filter(pk=contact.pk).exists()
    assert Closure.objects.filter(pk=closure.pk).exists()


def test_accompanier_sees_no_editing_button(client, accompanier, partner):
    client.force_login(accompanier)
    page = client.get(partner.get_absolute_url()).content.decode()
    listing = client.get(reverse("partners:partner_list")).content.decode()
    for url in [
        reverse("partners:partner_update", args=[partner.pk]),
        reverse("partners:partner_archive", args=[partner.pk]),
        reverse("partners:partner_mark_checked", args=[partner.pk]),
        reverse("partners:contact_create", args=[partner.pk]),
        reverse("partners:closure_create", args=[partner.pk]),
        reverse("partners:partnership_event_create", args=[partner.pk]),
    ]:
        assert url not in page
    assert reverse("partners:partner_create") not in listing
    assert reverse("partners:partner_review_list") not in listing


def test_coordinator_sees_the_editing_buttons(client, coordinator, partner):
    client.force_login(coordinator)
    page = client.get(partner.get_absolute_url()).content.decode()
    assert reverse("partners:partner_update", args=[partner.pk]) in page
    assert reverse("partners:partner_mark_checked", args=[partner.pk]) in page


@pytest.mark.parametrize("name", READ_PAGES + COORDINATOR_PAGES)
def test_beneficiary_gets_404(client, beneficiary_user, partner, name):
    client.force_login(beneficiary_user)
    assert client.get(url_of(name, partner)).status_code == 404


def test_beneficiary_sees_no_partner_through_the_queryset(beneficiary_user, partner):
    assert not Partner.objects.visible_to(beneficiary_user).exists()


@pytest.mark.parametrize("name", READ_PAGES + COORDINATOR_PAGES)
def test_anonymous_visitor_is_sent_to_login(client, partner, name):
    response = client.get(url_of(name, partner))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_staff_navigation_links_to_the_directory(client, accompanier):
    client.force_login(accompanier)
    page = client.get(reverse("accompaniment:dashboard")).content.decode()
    assert reverse("partners:partner_list") in page
    assert "Acteurs du territoire" in page


def test_beneficiary_navigation_has_no_link_to_the_directory(client, beneficiary_user):
    client.force_login(beneficiary_user)
    page = client.get(reverse("accompaniment:portal_home")).content.decode()
    assert reverse("partners:partner_list") not in page
