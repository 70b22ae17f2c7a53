"""The month calendar, written once for every screen: a grid on a wide screen, the busy days
as a list on a 360-px phone, axe-checked at both widths."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, assert_no_serious_axe_violations, login

pytestmark = pytest.mark.browser
WHOLE_DATE = re.compile(r"^(Lundi|Mardi|Mercredi|Jeudi|Vendredi|Samedi|Dimanche) \d{1,2} \w+")


def test_the_month_is_a_grid_on_a_screen_and_a_list_of_days_on_a_phone(page, live_server, demo):
    login(page, live_server, "accompagnateur1@example.org")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/agenda/mois/")
    weekdays = page.locator(".calendar-month-weekdays")
    expect(weekdays).to_be_visible()
    assert_no_serious_axe_violations(page)

    page.set_viewport_size(PHONE)
    expect(weekdays).to_be_hidden()
    busy_day = page.locator(".calendar-month-day:not(.is-empty)").first
    # On a phone the day's heading is its whole date, not a number in a column.
    expect(busy_day.get_by_role("heading")).to_have_text(WHOLE_DATE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_no_serious_axe_violations(page)
