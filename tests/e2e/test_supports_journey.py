"""Recording a Doume social bonus from a followed person's file: the form shows only the
fields of the chosen kind, and the bonus is on the file once saved."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_no_serious_axe_violations, login

pytestmark = pytest.mark.browser


def test_accompanier_records_a_doume_bonus_from_the_file(page, live_server, demo):
    from beneficiaries.models import Beneficiary

    file = Beneficiary.objects.get(first_name="Inès", last_name="Martin")
    login(page, live_server, "accompagnateur1@example.org")
    page.goto(f"{live_server.url}{file.get_absolute_url()}")
    supports = page.get_by_role("region", name="Aides et soutiens")
    supports.get_by_role("link", name="Enregistrer une aide").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Enregistrer une aide pour")
    assert_no_serious_axe_violations(page)

    page.get_by_role("combobox", name=re.compile(r"^Type d.aide")).select_option(
        label="Bonus solidaire Doume"
    )
    expect(page.get_by_label("Montant (€)")).to_be_hidden()
    page.get_by_label("Euros convertis en Doume").fill("40")
    page.get_by_role("button", name="Enregistrer l'aide").click()

    expect(page.get_by_role("main")).to_contain_text("Bonus solidaire Doume")
    expect(supports.locator("li").first).to_contain_text("6,00 €")
