"""The partner chooser's endpoint: listings in use matching the search, at most 20, for staff
only; an archived listing never."""

import pytest
from django.urls import reverse

from soli_dome.choosers import LIMIT
from tests.partners.factories import PartnerFactory, category

pytestmark = pytest.mark.django_db
URL = reverse("partners:partner_chooser")


def names(client, q):
    response = client.get(URL, {"q": q})
    assert response.status_code == 200
    return [result["label"] for result in response.json()["results"]]


def test_archived_partners_never_appear(client, accompanier):
    PartnerFactory(name="Épicerie du Port")
    PartnerFactory(name="Épicerie fermée", archived=True)
    client.force_login(accompanier)
    assert names(client, "epicerie") == ["Épicerie du Port"]
    assert names(client, "") == ["Épicerie du Port"]


def test_the_search_ignores_accents_and_finds_a_commune_or_a_category(client, coordinator):
    from beneficiaries.models import Commune

    PartnerFactory(name="Chez Hélène", commune=Commune.objects.get(insee_code="63284"))
    PartnerFactory(name="Ferme Bio", categories=[category("Producteurs")])
    client.force_login(coordinator)
    assert names(client, "HELENE") == ["Chez Hélène"]
    assert names(client, "pont-du-chateau") == ["Chez Hélène"]
    assert names(client, "producteurs") == ["Ferme Bio"]


def test_at_most_twenty_matches_and_a_detail_to_tell_them_apart(client, accompanier):
    PartnerFactory.create_batch(LIMIT + 5, name="Épicerie solidaire")
    client.force_login(accompanier)
    answer = client.get(URL, {"q": "epicerie"}).json()
    assert len(answer["results"]) == LIMIT and answer["more"] is True
    first_category = category("Structures d'accompagnement social et d'intermédiation")
    assert answer["results"][0]["detail"] == str(first_category)


def test_only_staff_may_ask(client, beneficiary_user):
    PartnerFactory(may_be_recommended=True)
    client.force_login(beneficiary_user)
    assert client.get(URL).status_code == 404
    client.logout()
    assert client.get(URL).status_code == 302


def test_a_search_with_a_nul_character_or_a_whole_page_of_text_still_answers(client, accompanier):
    """PostgreSQL refuses a NUL in any text: the endpoint answered 500 to ``?q=%00``."""
    PartnerFactory(name="Épicerie du Port")
    client.force_login(accompanier)
    assert names(client, "epi\x00cerie") == ["Épicerie du Port"]
    assert names(client, "epicerie" + " " * 200 + "x" * 5000) == ["Épicerie du Port"]
