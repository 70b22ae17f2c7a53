"""The people chooser's endpoint: only the files the user may see and still followed, found by
name in any order or by phone."""

import pytest
from django.urls import reverse

from beneficiaries.models import Beneficiary

pytestmark = pytest.mark.django_db
URL = reverse("beneficiaries:beneficiary_chooser")


def labels(client, q=""):
    response = client.get(URL, {"q": q})
    assert response.status_code == 200
    return [result["label"] for result in response.json()["results"]]


def test_a_person_of_another_accompanier_never_appears(
    client, accompanier, other_accompanier, beneficiary_of
):
    beneficiary_of(accompanier, first_name="Léa", last_name="Martin")
    beneficiary_of(other_accompanier, first_name="Léo", last_name="Martin")
    client.force_login(accompanier)
    assert labels(client, "martin") == ["MARTIN Léa"]
    assert labels(client) == ["MARTIN Léa"]


def test_a_coordinator_finds_anyone_followed_but_not_closed_files(
    client, coordinator, accompanier, other_accompanier, beneficiary_of
):
    beneficiary_of(accompanier, first_name="Léa", last_name="Martin")
    beneficiary_of(other_accompanier, first_name="Léo", last_name="Martin")
    closed = beneficiary_of(accompanier, first_name="Lou", last_name="Martin")
    Beneficiary.objects.filter(pk=closed.pk).update(
        status=Beneficiary.Status.CLOSED, exit_date=closed.entry_date
    )
    client.force_login(coordinator)
    assert labels(client, "MARTÍN") == ["MARTIN Léa", "MARTIN Léo"]


def test_found_by_words_in_any_order_or_by_phone_with_a_detail(client, accompanier, beneficiary_of):
    person = beneficiary_of(accompanier, first_name="Zoé", last_name="Aubert", phone="0612345678")
    client.force_login(accompanier)
    assert labels(client, "aubert zoe") == ["AUBERT Zoé"]
    answer = client.get(URL, {"q": "+33 6 12 34"}).json()["results"]
    assert [result["value"] for result in answer] == [person.pk]
    assert person.birth_date.strftime("%d/%m/%Y") in answer[0]["detail"]


def test_only_staff_may_ask(client, beneficiary_user):
    client.force_login(beneficiary_user)
    assert client.get(URL).status_code == 404
    client.logout()
    assert client.get(URL).status_code == 302
