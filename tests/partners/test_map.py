"""The map of the directory: programme staff see the filtered partners as markers (loaded as
compact JSON), and the selection as a paginated list beside it, with or without coordinates."""

import json
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partners.models import ServiceTag
from tests.partners.factories import ClosureFactory, PartnerFactory, category

pytestmark = pytest.mark.django_db

MAP_URL = reverse("partners:partner_map")
MARKERS_URL = reverse("partners:partner_markers")


def placed(**kwargs):
    return PartnerFactory(latitude=Decimal("45.777222"), longitude=Decimal("3.087025"), **kwargs)


def markers_of(client, query=None):
    """The markers the map's script loads, as dictionaries."""
    data = client.get(MARKERS_URL, query or {}).json()
    return [
        {
            "id": pk,
            "lat": lat,
            "lon": lon,
            "name": name,
            "categories": [data["categories"][str(category)] for category in categories],
            "closed_until": closed_until,
        }
        for pk, lat, lon, name, categories, closed_until in data["partners"]
    ]


def json_data(response, element_id):
    """The JSON that the page hands to its script in ``<script id=element_id>``."""
    found = re.search(
        rf'<script id="{element_id}" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.DOTALL,
    )
    return json.loads(found.group(1)) if found else []


@pytest.fixture
def staff_client(client, accompanier):
    client.force_login(accompanier)
    return client


@pytest.mark.parametrize("persona", ["coordinator", "accompanier"])
def test_staff_open_the_map(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(MAP_URL).status_code == 200


def test_beneficiary_gets_404(client, beneficiary_user):
    client.force_login(beneficiary_user)
    assert client.get(MAP_URL).status_code == 404


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get(MAP_URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_markers_carry_name_categories_closure_and_link(staff_client):
    partner = placed(name="Épicerie de Jaude", categories=[category("Producteurs")])
    closure = ClosureFactory(partner=partner)
    [marker] = markers_of(staff_client)
    assert marker["name"] == "Épicerie de Jaude"
    assert (marker["lat"], marker["lon"]) == (45.777222, 3.087025)
    assert marker["categories"] == ["Producteurs"]
    assert str(closure.ends_on.year) in marker["closed_until"]
    assert marker["id"] == partner.pk


def test_the_page_tells_the_script_where_markers_and_listings_are(staff_client):
    placed(name="Épicerie de Jaude")
    page = staff_client.get(MAP_URL, {"q": "epicerie"}).content.decode()
    assert f'data-markers-url="{MARKERS_URL}?q=epicerie"' in page
    assert f'data-detail-url="{reverse("partners:partner_detail", args=[0])}"' in page


def test_a_partner_of_two_categories_is_one_marker(staff_client):
    placed(
        name="Ferme et épicerie",
        categories=[category("Producteurs"), category("Commerçants et artisans")],
    )
    [marker] = markers_of(staff_client)
    assert sorted(marker["categories"]) == ["Commerçants et artisans", "Producteurs"]


def test_only_partners_with_coordinates_are_markers(staff_client):
    placed(name="Sur la carte")
    PartnerFactory(name="Sans coordonnées")
    assert [marker["name"] for marker in markers_of(staff_client)] == ["Sur la carte"]


def test_partners_without_coordinates_are_listed(staff_client):
    PartnerFactory(name="Sans coordonnées")
    page = staff_client.get(MAP_URL).content.decode()
    assert "Sans position sur la carte" in page
    assert "Sans coordonnées" in page
    assert 'id="partner-map"' not in page  # no map without a single marker


def test_the_list_beside_the_map_is_paginated(staff_client):
    for index in range(30):
        placed(name=f"Acteur {index:02d}")
    response = staff_client.get(MAP_URL)
    assert (len(response.context["page"].object_list), response.context["mapped_count"]) == (25, 30)


def test_markers_follow_the_directory_filters(staff_client):
    food_aid = ServiceTag.objects.first()
    placed(name="Banque alimentaire", services=[food_aid])
    placed(name="Club de lecture")
    names = [marker["name"] for marker in markers_of(staff_client, {"service": food_aid.pk})]
    assert names == ["Banque alimentaire"]
    assert (
        "Club de lecture"
        not in staff_client.get(MAP_URL, {"service": food_aid.pk}).content.decode()
    )


def test_search_applies_to_the_map(staff_client):
    placed(name="Épicerie solidaire")
    placed(name="Jardin partagé")
    names = [marker["name"] for marker in markers_of(staff_client, {"q": "epicerie"})]
    assert names == ["Épicerie solidaire"]


def test_archived_partners_are_not_mapped(staff_client):
    placed(name="Ancienne fiche", archived=True)
    assert markers_of(staff_client) == []


def test_directory_links_to_the_map_with_its_filters(staff_client):
    response = staff_client.get(reverse("partners:partner_list"), {"q": "epicerie", "page": "2"})
    assert f'href="{MAP_URL}?q=epicerie"' in response.content.decode()


def test_map_loads_vendored_leaflet_and_no_inline_script(staff_client, settings):
    settings.MAP_TILE_URL = ""
    placed()
    page = staff_client.get(MAP_URL).content.decode()
    assert "/static/vendor/leaflet-1.9.4/leaflet.js" in page
    assert "/static/js/partner-map.js" in page
    assert "Aucun fond de carte" in page
    scripts = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", page)
    assert all('type="application/json"' in attributes for attributes in scripts)


def test_tile_server_is_handed_to_the_map(staff_client, settings):
    settings.MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    placed()
    page = staff_client.get(MAP_URL).content.decode()
    assert 'data-tile-url="https://tiles.example.org/{z}/{x}/{y}.png"' in page
    assert "Aucun fond de carte" not in page


def queries_of(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("url", [MAP_URL, MARKERS_URL])
@pytest.mark.parametrize("persona", ["coordinator", "accompanier"])
def test_map_queries_do_not_grow_with_the_directory(client, request, persona, url):
    client.force_login(request.getfixturevalue(persona))
    services = list(ServiceTag.objects.all()[:3])
    counts = []
    for batch in (5, 45):
        for index in range(batch):
            partner = (placed if index % 2 else PartnerFactory)(services=services)
            ClosureFactory(partner=partner)
        counts.append(queries_of(client, url))
    assert counts[0] == counts[1] <= 15


@pytest.mark.parametrize("persona", ["beneficiary_user", None])
def test_markers_are_for_staff_only(client, request, persona):
    placed()
    if persona:
        client.force_login(request.getfixturevalue(persona))
    assert client.get(MARKERS_URL).status_code == (404 if persona else 302)


def commune_labels_of(response):
    return json_data(response, "commune-labels")


def test_without_tiles_the_map_names_the_communes_at_their_positions(staff_client, settings):
    settings.MAP_TILE_URL = ""
    placed()
    labels = commune_labels_of(staff_client.get(MAP_URL))
    assert len(labels) == 21
    clermont = next(label for label in labels if label["name"] == "Clermont-Ferrand")
    assert (clermont["lat"], clermont["lon"]) == (45.7772, 3.087)


def test_with_a_tile_server_the_communes_are_not_drawn(staff_client, settings):
    settings.MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    placed()
    assert commune_labels_of(staff_client.get(MAP_URL)) == []
