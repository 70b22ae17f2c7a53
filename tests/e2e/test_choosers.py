"""Choosing a partner with the keyboard in the referral form: type part of its name, go down
the list of matches, Enter; the page has no serious accessibility violation, list open."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, assert_no_serious_axe_violations, login

pytestmark = pytest.mark.browser

ACCOMPANIER = "accompagnateur1@example.org"


def _person_who_consented():
    from beneficiaries.models import Beneficiary, Consent

    return (
        Beneficiary.objects.filter(
            assignments__accompanier__email=ACCOMPANIER,
            consents__kind=Consent.Kind.PARTNER_SHARING,
            consents__is_given=True,
        )
        .followed()
        .first()
    )


def test_accompanier_chooses_a_partner_with_the_keyboard(page, live_server, reference_rows, demo):
    from accompaniment.models import Referral
    from partners.models import Partner

    person = _person_who_consented()
    partner = Partner.objects.active().order_by("search_text").last()
    login(page, live_server, ACCOMPANIER)
    page.goto(f"{live_server.url}/beneficiaires/{person.pk}/orienter/")

    box = page.get_by_role("combobox", name="Partenaire")
    expect(box).to_have_attribute("aria-autocomplete", "list")
    expect(box).to_have_attribute("aria-expanded", "false")
    # The fallback of pages without JavaScript is gone: no button, no select of partners.
    expect(page.get_by_role("button", name="Chercher")).to_have_count(0)

    box.press_sequentially(partner.name[:12])
    listbox = page.get_by_role("listbox", name="Partenaire")
    expect(listbox).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_role("status")).to_contain_text("résultats")
    assert_no_serious_axe_violations(page)

    box.press("Escape")
    expect(listbox).to_be_hidden()
    box.press("ArrowDown")
    expect(listbox).to_be_visible()
    options = listbox.get_by_role("option")
    wanted = next(
        index
        for index, text in enumerate(options.all_inner_texts())
        if text.startswith(partner.name)
    )
    for _ in range(wanted + 1):
        box.press("ArrowDown")
    expect(options.nth(wanted)).to_have_attribute("aria-selected", "true")
    active = box.get_attribute("aria-activedescendant")
    assert active == options.nth(wanted).get_attribute("id")
    box.press("Enter")
    expect(listbox).to_be_hidden()
    expect(box).to_have_value(partner.name)

    page.get_by_label("Besoin").select_option(index=1)
    page.get_by_label("Message au partenaire").fill("Bonjour, pouvez-vous la recevoir ?")
    page.get_by_role("button", name="Envoyer l'orientation").click()
    expect(page.get_by_role("main")).to_contain_text(f"L'orientation vers {partner.name}")
    assert Referral.objects.filter(beneficiary=person).latest("pk").partner == partner


def test_people_are_added_one_by_one_to_a_session_on_a_phone(
    page, live_server, reference_rows, demo
):
    from beneficiaries.models import Beneficiary

    people = list(
        Beneficiary.objects.filter(assignments__accompanier__email=ACCOMPANIER)
        .followed()
        .order_by("pk")[:2]
    )
    page.set_viewport_size(PHONE)
    login(page, live_server, ACCOMPANIER)
    page.goto(f"{live_server.url}/seances/nouvelle/")
    box = page.get_by_role("combobox", name="Participant·es")
    for person in people:
        box.press_sequentially(person.last_name[:5])
        option = page.get_by_role("option", name=person.last_name.upper(), exact=False).first
        expect(option).to_be_visible()
        option.click()
        expect(page.get_by_role("checkbox", name=f"{person.last_name.upper()}")).to_be_checked()
    expect(box).to_have_value("")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]
    assert_no_serious_axe_violations(page)
