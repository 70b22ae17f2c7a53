"""Reminders through the interface: a coordinator reads the outbox from the navigation, an
accompanier pauses a person's reminders from their file."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from beneficiaries.models import Beneficiary
from tests.e2e.conftest import PHONE, assert_no_serious_axe_violations, login

pytestmark = pytest.mark.browser


def test_coordinator_reads_the_coming_reminders_in_the_outbox(page, live_server, demo):
    login(page, live_server, "coordination@example.org")
    navigation = page.get_by_role("navigation", name="Navigation principale")
    navigation.get_by_role("button", name="Coordination").click()
    navigation.get_by_role("link", name="Messages").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Messages et rappels")
    page.get_by_label("Statut").select_option(label="À envoyer")
    page.get_by_role("button", name="Afficher").click()
    expect(
        page.get_by_role("rowheader").filter(has_text="Rappel de rendez-vous").first
    ).to_be_visible()
    assert_no_serious_axe_violations(page)
    page.set_viewport_size(PHONE)
    assert_no_serious_axe_violations(page)


def test_accompanier_pauses_a_persons_reminders(page, live_server, demo):
    person = Beneficiary.objects.filter(
        assignments__accompanier__email="accompagnateur1@example.org"
    ).first()
    until = timezone.localdate() + datetime.timedelta(days=14)
    login(page, live_server, "accompagnateur1@example.org")
    page.goto(f"{live_server.url}{person.get_absolute_url()}")
    page.get_by_role("link", name="Suspendre ou reprendre les rappels").click()
    assert_no_serious_axe_violations(page)
    page.get_by_label("Rappels automatiques suspendus jusqu'au").fill(until.isoformat())
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Plus de rappel automatique jusqu'au")).to_be_visible()


def test_accompanier_turns_the_daily_digest_off_from_the_account_menu(page, live_server, demo):
    from soli_dome.users.models import User

    login(page, live_server, "accompagnateur1@example.org")
    page.set_viewport_size(PHONE)
    page.get_by_role("button", name="Ouvrir le menu").click()
    accompanier = User.objects.get(email="accompagnateur1@example.org")
    page.get_by_role("button", name=accompanier.first_name).click()
    page.get_by_role("link", name="Mes e-mails").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes e-mails")
    assert_no_serious_axe_violations(page)
    page.get_by_label("Recevoir le résumé du jour, le matin").uncheck()
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("main")).to_contain_text("Vos préférences sont enregistrées.")
    accompanier.refresh_from_db()
    assert accompanier.wants_digest is False
