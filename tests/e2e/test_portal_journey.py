"""A beneficiary on a cheap phone: in with a code received by e-mail, their plan, a step ticked,
a workshop signed up for and found again among their appointments."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, assert_no_serious_axe_violations, login

pytestmark = pytest.mark.browser

BENEFICIARY = "beneficiaire1@example.org"


def _portal_menu(page):
    return page.get_by_role("navigation", name="Dans mon espace")


def _fits_the_phone(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} scrolls sideways: {width}px wide"


@pytest.mark.browser_context_args(viewport=PHONE)
def test_beneficiary_logs_in_by_code_ticks_a_step_and_signs_up_for_a_workshop(
    page, live_server, demo, mailoutbox
):
    page.goto(f"{live_server.url}/compte/login/")
    page.get_by_role("link", name="Recevoir un code de connexion").click()
    page.locator("input[name='email']").fill(BENEFICIARY)
    page.locator("main form button[type='submit']").click()
    expect(page.locator("input[name='code']")).to_be_visible()
    code = re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", mailoutbox[-1].body, re.M).group(1)
    page.locator("input[name='code']").fill(code)
    page.locator("main form button[type='submit']").first.click()

    expect(page).to_have_url(f"{live_server.url}/mon-accompagnement/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Inès")
    assert_no_serious_axe_violations(page)

    _portal_menu(page).get_by_role("link", name="Mon parcours").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon parcours")
    assert_no_serious_axe_violations(page)
    _fits_the_phone(page)
    page.get_by_role("button", name="C'est fait : Participer à un atelier cuisine").click()
    expect(page.get_by_role("status")).to_contain_text("Bravo, c'est fait")
    expect(
        page.get_by_role("button", name="Pas encore fait : Participer à un atelier cuisine")
    ).to_be_visible()

    _portal_menu(page).get_by_role("link", name="Les ateliers").click()
    assert_no_serious_axe_violations(page)
    _fits_the_phone(page)
    sign_up = page.get_by_role("button", name=re.compile("^Je m'inscris : "))
    workshop = page.locator("article").filter(has=sign_up).first
    title = workshop.get_by_role("heading", level=3).inner_text()
    workshop.get_by_role("button", name=re.compile("^Je m'inscris : ")).click()
    expect(page.get_by_role("status")).to_contain_text(f"votre place est réservée pour « {title} »")

    _portal_menu(page).get_by_role("link", name="Mes rendez-vous").click()
    expect(page.get_by_role("main")).to_contain_text(title)
    assert_no_serious_axe_violations(page)
    _fits_the_phone(page)


@pytest.mark.browser_context_args(viewport=PHONE)
@pytest.mark.parametrize(
    "link",
    [
        "Bonnes adresses",
        "Qui voit mon dossier",
        "Mes choix (rappels, langue, coordonnées)",
        "Mes données",
    ],
)
def test_the_other_portal_pages_are_accessible_on_a_phone(page, live_server, demo, link):
    login(page, live_server, "beneficiaire2@example.org")
    _portal_menu(page).get_by_role("link", name=link).click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_no_serious_axe_violations(page)
    _fits_the_phone(page)


# A 360-px phone with the text zoomed to 200 %: the layout gets half the CSS pixels.
ZOOMED_PHONE = {"width": PHONE["width"] // 2, "height": PHONE["height"] // 2}


@pytest.mark.browser_context_args(viewport=ZOOMED_PHONE, device_scale_factor=2)
def test_every_portal_page_reads_without_scrolling_sideways_at_200_percent(page, live_server, demo):
    login(page, live_server, BENEFICIARY)
    links = _portal_menu(page).get_by_role("link")
    addresses = [links.nth(n).get_attribute("href") for n in range(links.count())]
    for address in addresses:
        page.goto(f"{live_server.url}{address}")
        width = page.evaluate("document.documentElement.scrollWidth")
        # One pixel of rounding at this scale.
        assert width <= ZOOMED_PHONE["width"] + 1, f"{address} scrolls sideways: {width}px"


def test_an_invited_person_opens_their_space_from_the_emailed_link(
    page, live_server, demo, mailoutbox
):
    from beneficiaries.models import Beneficiary

    lucas = Beneficiary.objects.get(first_name="Lucas", last_name="Bernard")
    login(page, live_server, "accompagnateur1@example.org")
    page.goto(f"{live_server.url}{lucas.get_absolute_url()}")
    page.get_by_role("button", name="Inviter dans son espace").click()
    expect(page.get_by_role("button", name="Renvoyer l'invitation")).to_be_visible()
    link = re.search(r"https?://\S+/beneficiaires/invitation/\S+/", mailoutbox[-1].body).group(0)
    page.get_by_role("button", name="Karim").click()  # the accompanier's account menu
    page.get_by_role("button", name="Se déconnecter").click()

    page.set_viewport_size(PHONE)
    page.goto(link.replace(link.split("/beneficiaires/")[0], live_server.url))
    assert_no_serious_axe_violations(page)
    page.get_by_role("button", name="Entrer dans mon espace").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Lucas")
    _fits_the_phone(page)
