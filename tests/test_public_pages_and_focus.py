"""Public pages describe themselves to search engines and link previews; after a form is
sent, the page moves the focus to what it says about it (static/js/focus-after-submit.js)."""

import re

import pytest
from django.urls import reverse

from tests.partners.factories import PartnerFactory

pytestmark = pytest.mark.django_db


def meta_description(html):
    found = re.search(r'<meta name="description" content="([^"]+)">', html)
    return found.group(1) if found else None


@pytest.mark.parametrize(
    "url", ["/compte/login/", "/compte/login/code/", "/compte/password/reset/"]
)
def test_public_pages_have_a_meta_description(client, url):
    description = meta_description(client.get(url).content.decode())
    assert description and "Soli'dôme" in description and len(description) > 50


def test_the_login_page_describes_itself(client):
    description = meta_description(client.get("/compte/login/").content.decode())
    assert description.startswith("Connectez-vous à Soli'dôme")


def test_the_message_after_an_action_takes_the_focus(client, coordinator):
    partner = PartnerFactory()
    client.force_login(coordinator)
    url = reverse("partners:partner_mark_checked", args=[partner.pk])
    page = client.post(url, follow=True).content.decode()
    assert 'class="messages" role="status" tabindex="-1" data-focus-on-load' in page
    assert "js/focus-after-submit.js" in page


def test_a_page_without_message_has_nothing_to_focus(client, coordinator):
    client.force_login(coordinator)
    page = client.get(reverse("partners:partner_list")).content.decode()
    assert "data-focus-on-load" not in page
