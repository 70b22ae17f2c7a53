"""An accompanier finds the directory's partners on the map, from the directory list, and
opens one from its marker."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, assert_no_serious_axe_violations, login

pytestmark = pytest.mark.browser

ACCOMPANIER = "accompagnateur1@example.org"


def test_accompanier_sees_the_directory_on_the_map(page, live_server, demo, settings):
    from partners.models import Partner

    settings.MAP_TILE_URL = ""  # every connection stays on this machine: a blank background
    mapped = Partner.objects.active().exclude(latitude=None)
    first = mapped.order_by("search_text").first()
    login(page, live_server, ACCOMPANIER)
    page.goto(f"{live_server.url}/acteurs/")
    page.get_by_role("link", name="Voir sur la carte").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Carte des acteurs du territoire")
    markers = page.locator("#partner-map .leaflet-marker-icon")
    expect(markers).to_have_count(mapped.count())
    expect(page.get_by_role("main")).to_contain_text("Aucun fond de carte")
    # Without tiles, the communes' names give the markers a place.
    expect(page.locator("#partner-map .commune-label")).to_have_count(21)
    expect(page.locator("#partner-map .commune-label", has_text="Cébazat")).to_be_visible()
    assert_no_serious_axe_violations(page)

    # A marker opens, from the keyboard, a popup that leads to the partner's page. (Markers
    # of neighbours may overlap it: a click could land on another one.)
    marker = page.get_by_role("button", name=first.name, exact=True)
    marker.focus()
    marker.press("Enter")
    page.locator(".leaflet-popup").get_by_role("link", name=f"Voir la fiche : {first.name}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(first.name)


def test_map_follows_the_search_and_works_on_a_phone(page, live_server, demo, settings):
    from partners.models import Partner

    settings.MAP_TILE_URL = ""
    partner = Partner.objects.active().exclude(latitude=None).order_by("search_text").first()
    page.set_viewport_size(PHONE)
    login(page, live_server, ACCOMPANIER)
    page.goto(f"{live_server.url}/acteurs/carte/")
    page.get_by_label("Rechercher", exact=True).fill(partner.name)
    page.get_by_role("button", name="Rechercher").click()

    expect(page.locator("#partner-map .leaflet-marker-icon").first).to_be_visible()
    names = page.locator("#partner-map .leaflet-marker-icon").evaluate_all(
        "icons => icons.map(icon => icon.getAttribute('alt'))"
    )
    assert partner.name in names
    assert_no_serious_axe_violations(page)
