"""The person's rights on their portal: their access log, consents both ways, their data."""

import pytest
from django.urls import reverse

from beneficiaries.models import Consent
from soli_dome.audit.models import AuditEntry, record
from tests.accompaniment.test_portal import full_file
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def me(beneficiary_user):
    return beneficiary_user.beneficiary_file


@pytest.fixture
def my_file(me, accompanier):
    return full_file(me, accompanier)


@pytest.fixture
def someone_else(other_accompanier, beneficiary_of):
    other = beneficiary_of(other_accompanier, with_account=True, first_name="Zébulon")
    return other, full_file(other, other_accompanier, tag=" (Zébulon)")


@pytest.fixture
def logged_in(client, beneficiary_user):
    client.force_login(beneficiary_user)
    return client


def read(actor, beneficiary, detail=""):
    return record(actor=actor, action=AuditEntry.Action.READ, target=beneficiary, detail=detail)


# Who sees my file: the access log ------------------------------------------------------------


def test_the_access_log_shows_exactly_the_journal_about_my_file(
    logged_in, me, my_file, someone_else, accompanier
):
    other, _theirs = someone_else
    bertille = UserFactory(accompanier=True, first_name="Bertille")
    mine = [read(accompanier, me, "sessions"), read(accompanier, me)]
    read(bertille, other)
    read(me.user, me)  # the person's own actions are theirs, not a staff read
    response = logged_in.get(reverse("accompaniment:portal_file_access"))
    lines = response.context["access_lines"]
    assert [line.at for line in lines] == [entry.at for entry in reversed(mine)]
    page = response.content.decode()
    assert "Bertille" not in page and accompanier.email not in page


def test_the_access_log_says_who_and_what_in_plain_words(logged_in, me):
    camille = UserFactory(accompanier=True, first_name="Camille", last_name="Durand")
    nadia = UserFactory(coordinator=True, first_name="Nadia", last_name="Benali")
    read(camille, me, "sessions")
    record(actor=nadia, action=AuditEntry.Action.UPDATE, target=me, detail="status: pause")
    page = logged_in.get(reverse("accompaniment:portal_file_access")).content.decode()
    assert (
        "Camille, de l&#x27;équipe d&#x27;accompagnement a regardé la liste de vos rendez-vous"
        in page
    )
    assert "Nadia, de la coordination a changé l&#x27;état de votre accompagnement" in page
    assert "Durand" not in page and "Benali" not in page and "status: pause" not in page


def test_the_access_log_is_paginated(logged_in, me, accompanier):
    for _ in range(25):
        read(accompanier, me)
    first = logged_in.get(reverse("accompaniment:portal_file_access"))
    assert len(first.context["access_lines"]) == 20
    second = logged_in.get(reverse("accompaniment:portal_file_access") + "?page=2")
    assert len(second.context["access_lines"]) == 5


# Consents both ways --------------------------------------------------------------------------


def test_a_withdrawn_consent_can_be_given_back_from_the_portal(
    logged_in, me, my_file, accompanier, mailoutbox, django_capture_on_commit_callbacks
):
    consent = Consent.objects.get(beneficiary=me, kind=Consent.Kind.PARTNER_SHARING)
    logged_in.post(reverse("accompaniment:portal_consent_withdraw", args=[consent.pk]))
    page = logged_in.get(reverse("accompaniment:portal_file_access")).content.decode()
    give_url = reverse("accompaniment:portal_consent_give", args=[consent.pk])
    assert give_url in page
    with django_capture_on_commit_callbacks(execute=True):
        logged_in.post(give_url)
    consent.refresh_from_db()
    assert consent.is_given and consent.recorded_by == me.user
    assert (
        AuditEntry.objects.about(me)
        .filter(actor=me.user, detail__contains="given back by the person")
        .exists()
    )
    assert [message.to for message in mailoutbox][-1] == [accompanier.email]
    assert "redonné" in mailoutbox[-1].subject


def test_nobody_gives_back_another_persons_consent(logged_in, someone_else):
    other, _theirs = someone_else
    consent = Consent.objects.get(beneficiary=other, kind=Consent.Kind.PARTNER_SHARING)
    consent.is_given = False
    consent.save()
    response = logged_in.post(reverse("accompaniment:portal_consent_give", args=[consent.pk]))
    assert response.status_code == 404
    consent.refresh_from_db()
    assert not consent.is_given
