"""The person's rights on their portal: their access log, consents both ways, their data."""

import csv
import datetime
import io
import json
import zipfile

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accompaniment.models import Session
from beneficiaries.models import AccessRequest, Consent
from soli_dome.audit.models import AuditEntry, record
from soli_dome.notifications.models import Notification
from tests.accompaniment.factories import (
    FoodInsecurityAssessmentFactory,
    GoalFactory,
    SessionFactory,
    StepFactory,
    ThemeFactory,
)
from tests.accompaniment.test_portal import PRIVATE_FILE_NOTE, PRIVATE_SESSION_NOTE, full_file
from tests.accompaniment.test_referrals import post_referral
from tests.partners.factories import PartnerFactory
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


def read(actor, beneficiary, event="file.read"):
    return record(actor=actor, action=AuditEntry.Action.READ, target=beneficiary, event=event)


# Who sees my file: the access log ------------------------------------------------------------


def test_the_access_log_shows_exactly_the_journal_about_my_file(
    logged_in, me, my_file, someone_else, accompanier
):
    other, _theirs = someone_else
    bertille = UserFactory(accompanier=True, first_name="Bertille")
    mine = [read(accompanier, me, "file.sessions_read"), read(accompanier, me)]
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
    read(camille, me, "file.sessions_read")
    record(
        actor=nadia,
        action=AuditEntry.Action.UPDATE,
        target=me,
        event="file.status_changed",
        status="pause",
    )
    page = logged_in.get(reverse("accompaniment:portal_file_access")).content.decode()
    assert (
        "Camille, de l&#x27;équipe d&#x27;accompagnement a regardé la liste de vos rendez-vous"
        in page
    )
    assert "Nadia, de la coordination a changé l&#x27;état de votre accompagnement" in page
    assert "Durand" not in page and "Benali" not in page and "pause" not in page


def test_the_access_log_names_the_partner_who_received_information(logged_in, me, accompanier):
    Consent.objects.get_or_create(
        beneficiary=me, kind=Consent.Kind.PARTNER_SHARING, defaults={"recorded_by": accompanier}
    )
    partner = PartnerFactory(name="Épicerie solidaire des Vergnes")
    staff = Client()
    staff.force_login(accompanier)
    response = post_referral(staff, me, partner=partner, theme=ThemeFactory())
    assert response.status_code == 302
    page = logged_in.get(reverse("accompaniment:portal_file_access")).content.decode()
    assert "a envoyé des informations sur vous à Épicerie solidaire des Vergnes" in page


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
        AuditEntry.objects.about(me).filter(actor=me.user, event="file.consent_given_back").exists()
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


# My data: complete, printable, as a ZIP ------------------------------------------------------


@pytest.fixture
def everything(me, my_file, accompanier):
    """Besides the full file: a cancelled and a missed session, a message, a staff read, a
    referral answer and a closing review."""
    SessionFactory(accompanier=accompanier, participants=[me], cancelled=True)
    SessionFactory(
        accompanier=accompanier,
        participants=[me],
        status=Session.Status.MISSED,
        private_notes=PRIVATE_SESSION_NOTE,
    )
    Notification.objects.create(
        kind=Notification.Kind.SESSION_REMINDER,
        channel=Notification.Channel.SMS,
        recipient=me,
        address=me.phone,
        body="Rappel : rendez-vous demain à 10 h.",
        due_at=timezone.now(),
        status=Notification.Status.SENT,
        sent_at=timezone.now(),
        idempotency_key="test:rappel",
    )
    read(accompanier, me, "file.sessions_read")
    referral = my_file["referral"]
    referral.partner_answer = '=HYPERLINK("x") Nous l\'attendons jeudi.'
    referral.save()
    FoodInsecurityAssessmentFactory(beneficiary=me, recorded_by=accompanier, score=5)
    return my_file


def zip_of(client):
    response = client.get(reverse("accompaniment:portal_data_zip"))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert "no-store" in response["Cache-Control"]
    return zipfile.ZipFile(io.BytesIO(response.content))


def csv_rows(archive, name):
    text = archive.read(name).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def test_the_zip_holds_every_kind_of_my_data_and_parses(logged_in, me, everything, someone_else):
    archive = zip_of(logged_in)
    data = json.loads(archive.read("mes-donnees.json"))
    assert data["identity"]["first_name"] == me.first_name
    statuses = {row["État"] for row in csv_rows(archive, "rendez-vous.csv")}
    assert {"Réalisée", "Prévue", "Annulée", "Manquée"} <= statuses
    messages = csv_rows(archive, "messages.csv")
    assert [row["Message"] for row in messages] == ["Rappel : rendez-vous demain à 10 h."]
    log = csv_rows(archive, "qui-a-vu-mon-dossier.csv")
    assert any("a regardé la liste de vos rendez-vous" in row["Quoi"] for row in log)
    referrals = csv_rows(archive, "orientations.csv")
    assert referrals[0]["Message au partenaire"] == everything["referral"].message
    # The shared writer neutralises a formula written by a partner.
    assert referrals[0]["Réponse du partenaire"].startswith("'=HYPERLINK")
    supports = csv_rows(archive, "aides.csv")
    assert [row["Précision"] for row in supports] == ["Conversion du mois"]
    (fies,) = csv_rows(archive, "questionnaires.csv")
    assert fies["Résultat"] == "5 sur 8 : Insécurité modérée (4 à 6)"
    plan = csv_rows(archive, "parcours.csv")
    assert {row["Objectif"] for row in plan} == {everything["goal"].title}
    assert "notes de travail" in archive.read("LISEZ-MOI.txt").decode()
    everything_text = b"".join(archive.read(name) for name in archive.namelist()).decode()
    assert "Zébulon" not in everything_text
    assert PRIVATE_SESSION_NOTE not in everything_text and PRIVATE_FILE_NOTE not in everything_text


def test_the_data_page_and_its_print_view_show_everything_but_staff_notes(
    logged_in, everything, someone_else
):
    for name in ("accompaniment:portal_data", "accompaniment:portal_data_print"):
        page = logged_in.get(reverse(name)).content.decode()
        assert "Manquée" in page and "Annulée" in page
        assert "Rappel : rendez-vous demain à 10 h." in page
        assert "Nous l&#x27;attendons jeudi." in page
        assert "a regardé la liste de vos rendez-vous" in page
        assert "5 sur 8" in page
        assert "notes de travail" in page
        assert PRIVATE_SESSION_NOTE not in page and "Zébulon" not in page
    data_page = logged_in.get(reverse("accompaniment:portal_data")).content.decode()
    assert reverse("accompaniment:portal_data_print") in data_page
    assert reverse("accompaniment:portal_data_zip") in data_page


def test_asking_for_the_staff_notes_gives_the_coordination_a_one_month_deadline(
    logged_in, me, client, coordinator
):
    logged_in.post(reverse("accompaniment:portal_access_request"))
    logged_in.post(reverse("accompaniment:portal_access_request"))  # a double click
    request = AccessRequest.objects.get(beneficiary=me)
    page = logged_in.get(reverse("accompaniment:portal_data")).content.decode()
    assert "La coordination vous répond avant le" in page
    client.force_login(coordinator)
    dashboard = client.get(reverse("accompaniment:dashboard"))
    assert list(dashboard.context["access_requests"]) == [request]
    assert request.due_on.strftime("%d/%m/%Y") in dashboard.content.decode()
    client.post(reverse("beneficiaries:access_request_handled", args=[request.pk]))
    request.refresh_from_db()
    assert request.handled_by == coordinator


def test_staff_get_404_on_the_zip(client, accompanier):
    client.force_login(accompanier)
    assert client.get(reverse("accompaniment:portal_data_zip")).status_code == 404


# The printable plan --------------------------------------------------------------------------


def test_the_printable_plan_has_finished_goals_the_accompanier_and_correct_french(
    logged_in, me, accompanier, settings
):
    settings.PROGRAMME_PHONE = "04 73 12 34 56"
    me.first_name = "Inès"
    me.save()
    goal = GoalFactory(
        beneficiary=me, title="Cuisiner le soir", target_date=datetime.date(2027, 2, 1)
    )
    StepFactory(goal=goal, title="Acheter une poêle", due_date=datetime.date(2027, 3, 1))
    GoalFactory(beneficiary=me, achieved=True, title="Ouvrir un compte Doume")
    page = logged_in.get(reverse("accompaniment:portal_plan_print")).content.decode()
    assert "Le parcours d&#x27;Inès" in page
    assert "Pour le 1er février 2027." in page and "pour le 1er mars" in page
    assert "Ce que j'ai réussi" in page and "Ouvrir un compte Doume" in page
    assert accompanier.get_full_name() in page and accompanier.email in page
    assert "04 73 12 34 56" in page
    assert "plan-sheet--large" not in page
    large = logged_in.get(reverse("accompaniment:portal_plan_print") + "?grand=1")
    assert "plan-sheet--large" in large.content.decode()


def test_the_staff_printable_plan_is_the_same_sheet(client, accompanier, me):
    GoalFactory(beneficiary=me, achieved=True, title="Ouvrir un compte Doume")
    client.force_login(accompanier)
    page = client.get(reverse("accompaniment:plan_print", args=[me.pk])).content.decode()
    assert "Ouvrir un compte Doume" in page and accompanier.email in page
