"""The first minutes of each persona: sign in, land on their page, find what is theirs."""

import pytest
from django.utils import translation
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, assert_no_serious_axe_violations, login

pytestmark = pytest.mark.browser


@pytest.mark.browser_context_args(viewport=PHONE)
def test_login_page_is_french_accessible_and_switches_to_english(page, live_server):
    page.goto(f"{live_server.url}/compte/login/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", level=1)).to_have_text("Connexion")
    assert_no_serious_axe_violations(page)

    page.get_by_label("Langue").select_option(label="English")
    page.get_by_role("button", name="Changer").click()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    # Once the English catalogue translates the heading, the page must show it.
    with translation.override("en"):
        english_heading = translation.gettext("Connexion")
    expect(page.get_by_role("heading", level=1)).to_have_text(english_heading)


def test_coordinator_lands_on_the_dashboard(page, live_server, demo):
    login(page, live_server, "coordination@example.org")

    expect(page).to_have_url(f"{live_server.url}/tableau-de-bord/")
    assert_no_serious_axe_violations(page)


def test_accompanier_sees_only_the_beneficiaries_they_follow(page, live_server, demo):
    login(page, live_server, "accompagnateur1@example.org")
    expect(page).to_have_url(f"{live_server.url}/tableau-de-bord/")

    navigation = page.get_by_role("navigation", name="Navigation principale")
    navigation.get_by_role("link", name="Bénéficiaires").click()

    content = page.get_by_role("main")
    expect(content).to_contain_text("Inès")
    expect(content).not_to_contain_text("Thomas")
    assert_no_serious_axe_violations(page)


@pytest.mark.browser_context_args(viewport=PHONE)
def test_beneficiary_lands_on_their_space_readable_on_a_phone(page, live_server, demo):
    login(page, live_server, "beneficiaire1@example.org")

    expect(page).to_have_url(f"{live_server.url}/mon-accompagnement/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Inès")
    assert_no_serious_axe_violations(page)
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= PHONE["width"], f"the page scrolls sideways: {scroll_width}px wide"
