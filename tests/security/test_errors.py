"""Bad input from the address bar is a refusal or a safe redirect, never a server error."""

import pytest
from django.urls import reverse

from tests.partners.factories import PartnerFactory
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db

UNSAFE_NEXT = ["true", "-1", "//evil.example/x", "https://evil.example/", "javascript:alert(1)"]


@pytest.mark.parametrize("next_value", UNSAFE_NEXT)
def test_assignment_form_with_an_unsafe_next_goes_back_to_the_file(
    client, coordinator, beneficiary_of, accompanier, next_value
):
    beneficiary = beneficiary_of(accompanier)
    client.force_login(coordinator)
    url = reverse("beneficiaries:beneficiary_assignments", args=[beneficiary.pk])
    response = client.post(
        url, {"accompanier": UserFactory(accompanier=True).pk, "next": next_value}
    )
    assert response.status_code == 302
    assert response["Location"] == url


@pytest.mark.parametrize("next_value", UNSAFE_NEXT)
def test_mark_checked_with_an_unsafe_next_goes_back_to_the_partner(client, coordinator, next_value):
    partner = PartnerFactory()
    client.force_login(coordinator)
    url = reverse("partners:partner_mark_checked", args=[partner.pk])
    response = client.post(url, {"next": next_value})
    assert response.status_code == 302
    assert response["Location"] == partner.get_absolute_url()


def test_a_safe_next_is_followed(client, coordinator):
    partner = PartnerFactory()
    client.force_login(coordinator)
    url = reverse("partners:partner_mark_checked", args=[partner.pk])
    response = client.post(url, {"next": "/acteurs/a-revoir/?page=2"})
    assert response["Location"] == "/acteurs/a-revoir/?page=2"


@pytest.mark.parametrize(
    "path",
    [
        "/orientation/abc%00def/",
        "/agenda/flux/abc%00def.ics",
        "/beneficiaires/invitation/abc%00def/",
        "/orientation/%00/",
        "/beneficiaires/invitation/a%20b/",
    ],
)
def test_a_token_with_impossible_characters_is_not_found_for_anonymous_visitors(
    client, requires_postgresql, path
):
    assert client.get(path).status_code == 404


def test_an_import_token_with_impossible_characters_is_not_found(client, coordinator):
    client.force_login(coordinator)
    assert client.get("/acteurs/importer/abc%00.csv/").status_code == 404
    assert client.get("/acteurs/importer/..%2Fsecret.csv/").status_code == 404
