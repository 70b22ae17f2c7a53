"""The network view on a 1280-px screen: the page and its tables fit, nothing scrolls sideways;
each table can be downloaded."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_no_serious_axe_violations, login

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 800}


def test_the_network_view_fits_1280_px_and_exports_its_tables(page, live_server, demo):
    page.set_viewport_size(DESKTOP)
    login(page, live_server, "coordination@example.org")
    page.goto(f"{live_server.url}/reseau/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Réseau des partenaires")
    overflowing = page.evaluate(
        """() => [document.documentElement, ...document.querySelectorAll('.table-responsive')]
            .filter((element) => element.scrollWidth > element.clientWidth + 1)
            .map((element) => element.getAttribute('aria-label') || element.tagName)"""
    )
    assert overflowing == []
    assert_no_serious_axe_violations(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Exporter le tableau par acteur (CSV)").click()
    assert download.value.suggested_filename.startswith("reseau-acteurs-")
