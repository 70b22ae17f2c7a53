"""The address lookup against a local stub of the national address API, and the button of the
partner form that fills the coordinates from the address."""

import json
import socket
import threading
import time
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from beneficiaries.models import Commune
from partners import geocoding
from partners.models import Partner
from tests.partners.factories import PartnerFactory
from tests.partners.test_partner_forms import valid_data


class AddressApiStub(ThreadingHTTPServer):
    """Answers like the address API's /search/ endpoint: the coordinates, score and delay of
    the next answer are set by the test; every query received is kept."""

    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), StubHandler)
        self.coordinates = [3.087025, 45.777222]  # [longitude, latitude], as GeoJSON has it
        self.score = 0.92
        self.delay = 0
        self.features = True
        self.queries = []

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_port}/search/"


class StubHandler(BaseHTTPRequestHandler):
    def do_GET(self):
        stub = self.server
        stub.queries.append({k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()})
        if stub.delay:
            time.sleep(stub.delay)
        features = []
        if stub.features:
            features.append(
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": stub.coordinates},
                    "properties": {
                        "label": "1 Place de Jaude 63000 Clermont-Ferrand",
                        "score": stub.score,
                    },
                }
            )
        body = json.dumps({"type": "FeatureCollection", "features": features}).encode()
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:
            pass  # the client gave up waiting (timeout test)

    def log_message(self, *args):
        pass


@pytest.fixture
def address_api(settings):
    stub = AddressApiStub()
    thread = threading.Thread(target=stub.serve_forever, daemon=True)
    thread.start()
    settings.ADDRESS_API_URL = stub.url
    settings.ADDRESS_API_TIMEOUT = 0.5
    yield stub
    stub.shutdown()
    stub.server_close()
    thread.join()


@pytest.fixture
def unused_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_lookup_returns_latitude_and_longitude(address_api):
    assert geocoding.lookup("1 place de Jaude", "63000", "Clermont-Ferrand") == (
        Decimal("45.777222"),
        Decimal("3.087025"),
    )


def test_lookup_sends_the_address_one_result_and_the_postcode(address_api):
    geocoding.lookup("1 place de Jaude", "63000", "Clermont-Ferrand")
    assert address_api.queries == [
        {"q": "1 place de Jaude 63000 Clermont-Ferrand", "limit": "1", "postcode": "63000"}
    ]


def test_lookup_leaves_out_a_missing_postcode(address_api):
    geocoding.lookup("1 place de Jaude", "", "Clermont-Ferrand")
    assert "postcode" not in address_api.queries[0]


def test_unsure_match_gives_nothing(address_api):
    address_api.score = 0.3
    assert geocoding.lookup("rue inconnue", "63000", "Clermont-Ferrand") is None


def test_unknown_address_gives_nothing(address_api):
    address_api.features = False
    assert geocoding.lookup("nulle part", "", "") is None


def test_slow_service_gives_nothing(address_api):
    address_api.delay = 1.5
    assert geocoding.lookup("1 place de Jaude", "63000", "Clermont-Ferrand") is None


def test_unreachable_service_gives_nothing(settings, unused_port):
    settings.ADDRESS_API_URL = f"http://127.0.0.1:{unused_port}/search/"
    assert geocoding.lookup("1 place de Jaude", "63000", "Clermont-Ferrand") is None


def test_lookup_is_off_without_a_service(settings, address_api):
    settings.ADDRESS_API_URL = ""
    assert geocoding.lookup("1 place de Jaude", "63000", "Clermont-Ferrand") is None
    assert address_api.queries == []


# The partner form.


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client


@pytest.mark.django_db
def test_geocode_button_fills_the_coordinates_without_saving(coordinator_client, address_api):
    partner = PartnerFactory(name="Épicerie de Jaude")
    url = reverse("partners:partner_update", args=[partner.pk])
    data = valid_data(
        name="Épicerie de Jaude",
        address="1 place de Jaude",
        postal_code="63000",
        commune=Commune.objects.get(insee_code="63113").pk,
        latitude="",
        longitude="",
        version=partner.updated_at.isoformat(),
        geocode="1",
    )
    response = coordinator_client.post(url, data)
    assert response.status_code == 200
    assert address_api.queries[0]["q"] == "1 place de Jaude 63000 Clermont-Ferrand"
    page = response.content.decode()
    assert 'value="45.777222"' in page
    assert 'value="3.087025"' in page
    assert "Position trouvée depuis l&#x27;adresse" in page
    partner.refresh_from_db()
    assert partner.latitude is None


@pytest.mark.django_db
def test_found_coordinates_are_saved_with_the_listing(coordinator_client, address_api):
    data = valid_data(latitude="", longitude="", geocode="1")
    response = coordinator_client.post(reverse("partners:partner_create"), data)
    form = response.context["form"]
    assert not Partner.objects.exists()
    data.pop("geocode")
    data["latitude"], data["longitude"] = form.data["latitude"], form.data["longitude"]
    coordinator_client.post(reverse("partners:partner_create"), data)
    partner = Partner.objects.get()
    assert (partner.latitude, partner.longitude) == (Decimal("45.777222"), Decimal("3.087025"))


@pytest.mark.django_db
def test_geocode_keeps_what_was_typed_and_shows_no_validation_error(
    coordinator_client, address_api
):
    data = valid_data(name="", latitude="", longitude="", geocode="1")
    response = coordinator_client.post(reverse("partners:partner_create"), data)
    page = response.content.decode()
    assert "Ce champ est obligatoire" not in page
    assert 'value="Chemin des Sauzes"' in page


@pytest.mark.django_db
def test_geocode_says_when_nothing_is_found(coordinator_client, address_api):
    address_api.score = 0.2
    data = valid_data(latitude="", longitude="", geocode="1")
    response = coordinator_client.post(reverse("partners:partner_create"), data)
    assert "Aucune position n&#x27;a été trouvée" in response.content.decode()
    assert not Partner.objects.exists()


@pytest.mark.django_db
def test_geocode_says_when_the_service_is_unreachable(coordinator_client, settings, unused_port):
    settings.ADDRESS_API_URL = f"http://127.0.0.1:{unused_port}/search/"
    data = valid_data(latitude="", longitude="", geocode="1")
    response = coordinator_client.post(reverse("partners:partner_create"), data)
    assert "le service d&#x27;adresses ne répond pas" in response.content.decode()


@pytest.mark.django_db
def test_geocode_asks_for_an_address_first(coordinator_client, address_api):
    data = valid_data(address="", postal_code="", commune="", geocode="1")
    response = coordinator_client.post(reverse("partners:partner_create"), data)
    assert "Saisissez d&#x27;abord l&#x27;adresse" in response.content.decode()
    assert address_api.queries == []


@pytest.mark.django_db
def test_geocode_button_is_offered_only_with_a_service(coordinator_client, settings):
    settings.ADDRESS_API_URL = ""
    response = coordinator_client.get(reverse("partners:partner_create"))
    assert 'name="geocode"' not in response.content.decode()
    settings.ADDRESS_API_URL = "http://127.0.0.1:9/search/"
    response = coordinator_client.get(reverse("partners:partner_create"))
    assert 'name="geocode"' in response.content.decode()
