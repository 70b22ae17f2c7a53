"""Closing a file stops what the platform would still tell the person."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from accompaniment.models import Registration
from accompaniment.services.workshops import register
from soli_dome.notifications.models import Notification
from tests.accompaniment.factories import WorkshopFactory
from tests.notifications.factories import NotificationFactory, reachable

pytestmark = pytest.mark.django_db


def close(client, accompanier, person):
    client.force_login(accompanier)
    client.post(
        reverse("accompaniment:file_close", args=[person.pk]),
        {
            "closed_on": timezone.localdate().isoformat(),
            "exit_reason": "no_longer_wanted",
            "goals_outcome": "none",
            "what_changed": "Ne vient plus aux rendez-vous.",
            "next_destination": "",
        },
    )


def test_closing_a_file_cancels_the_persons_waiting_messages(client, accompanier, beneficiary_of):
    person = reachable(beneficiary_of(accompanier))
    waiting = NotificationFactory(recipient=person)
    close(client, accompanier, person)
    waiting.refresh_from_db()
    assert (waiting.status, waiting.last_error) == (
        Notification.Status.CANCELLED,
        "Dossier clôturé.",
    )


def test_closing_a_file_gives_the_persons_workshop_place_to_the_next_one(
    client, accompanier, beneficiary_of
):
    workshop = WorkshopFactory(capacity=1)
    person = beneficiary_of(accompanier)
    register(workshop=workshop, beneficiary=person, by=accompanier)
    waiting = register(workshop=workshop, beneficiary=beneficiary_of(accompanier), by=accompanier)
    close(client, accompanier, person)
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.REGISTERED


def test_closing_a_file_takes_the_person_off_a_waiting_list(client, accompanier, beneficiary_of):
    workshop = WorkshopFactory(capacity=1)
    register(workshop=workshop, beneficiary=beneficiary_of(accompanier), by=accompanier)
    person = beneficiary_of(accompanier)
    waiting = register(workshop=workshop, beneficiary=person, by=accompanier)
    close(client, accompanier, person)
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.CANCELLED


def test_the_close_page_says_what_happens_to_messages_and_sessions(
    client, accompanier, beneficiary_of
):
    person = beneficiary_of(accompanier)
    client.force_login(accompanier)
    page = client.get(reverse("accompaniment:file_close", args=[person.pk])).text
    assert "Les séances individuelles prévues restent sur le dossier" in page


def test_the_goals_outcome_offers_only_real_answers_none_chosen(
    client, accompanier, beneficiary_of
):
    file = beneficiary_of(accompanier)
    client.force_login(accompanier)
    page = client.get(reverse("accompaniment:file_close", args=[file.pk])).content.decode()
    radios = re.findall(r'<input[^>]*name="goals_outcome"[^>]*>', page)
    assert [re.search(r'value="([^"]*)"', radio).group(1) for radio in radios] == [
        "all",
        "some",
        "none",
    ]
    assert not any("checked" in radio for radio in radios)
    assert "---------" not in page
