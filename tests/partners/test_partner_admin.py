import pytest
from django.urls import reverse

from tests.partners.factories import ClosureFactory, ContactFactory, PartnerFactory
from tests.users.factories import UserFactory, with_totp

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    administrator = UserFactory(is_staff=True, is_superuser=True)
    with_totp(administrator)  # the administration is for superusers with a second factor
    client.force_login(administrator)
    return client


@pytest.mark.parametrize(
    "url_name", ["admin:partners_partner_changelist", "admin:partners_partner_add"]
)
def test_technical_administration_lists_and_adds_partners(admin_client, url_name):
    PartnerFactory()
    assert admin_client.get(reverse(url_name)).status_code == 200


def test_technical_administration_opens_a_partner_with_its_contacts(admin_client):
    partner = PartnerFactory(website="https://example.org")
    ContactFactory(partner=partner)
    ClosureFactory(partner=partner)
    url = reverse("admin:partners_partner_change", args=[partner.pk])
    assert admin_client.get(url).status_code == 200


def test_technical_administration_searches_without_accents(admin_client):
    PartnerFactory(name="Épicerie solidaire du Vergnes")
    response = admin_client.get(reverse("admin:partners_partner_changelist"), {"q": "epicerie"})
    assert "Épicerie solidaire du Vergnes" in response.content.decode()
