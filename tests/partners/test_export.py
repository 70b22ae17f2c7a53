"""Exporting the directory as CSV and XLSX; an export imports back unchanged."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from beneficiaries.models import Commune
from partners.models import AccessCondition, Category, Partner, ServiceTag
from partners.transfer import HEADERS, read_table
from tests.partners.factories import PartnerFactory
from tests.partners.transfer_helpers import read_xlsx

pytestmark = pytest.mark.django_db

CSV_URL = reverse("partners:partner_export", args=["csv"])
XLSX_URL = reverse("partners:partner_export", args=["xlsx"])


@pytest.fixture(autouse=True)
def _imports_in_tmp(settings, tmp_path):
    settings.VAR_DIR = tmp_path


def full_partner(**kwargs):
    partner = PartnerFactory(
        commune=Commune.objects.get(insee_code="63113"),
        latitude=Decimal("45.777222"),
        longitude=Decimal("3.087025"),
        phone="+33473123456",
        email="contact@example.org",
        website="https://example.org",
        description="Une épicerie ; avec « guillemets »\net deux lignes",
        agreement_date=datetime.date(2026, 1, 15),
        may_be_recommended=True,
        serves_young=True,
        serves_everyone=True,
        review_every_months=6,
        **kwargs,
    )
    partner.categories.set(Category.objects.all()[:2])
    partner.services.set(ServiceTag.objects.all()[:3])
    partner.access_conditions.set(AccessCondition.objects.all()[:1])
    return partner


def snapshot():
    """Every partner as the export sees it, to compare before and after."""
    return sorted(
        (
            p.name,
            p.external_id,
            p.commune_id,
            p.latitude,
            p.longitude,
            p.phone,
            p.email,
            p.website,
            p.description,
            p.agreement_date,
            p.last_checked_on,
            p.may_be_recommended,
            tuple(p.publics),
            p.review_every_months,
            p.partnership_status,
            tuple(sorted(c.pk for c in p.categories.all())),
            tuple(sorted(s.pk for s in p.services.all())),
            tuple(sorted(a.pk for a in p.access_conditions.all())),
        )
        for p in Partner.objects.all()
    )


def import_file(client, file):
    response = client.post(reverse("partners:partner_import"), {"file": file})
    preview_url = response["Location"]
    plan = client.get(preview_url).context["plan"]
    client.post(preview_url + "confirmer/")
    return plan


def csv_content(response):
    assert isinstance(response, StreamingHttpResponse)
    return b"".join(response.streaming_content)


def test_csv_export_streams_with_bom_and_semicolons(client, coordinator):
    full_partner(name="Épicerie du Port")
    client.force_login(coordinator)
    response = client.get(CSV_URL)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    content = csv_content(response)
    assert content.startswith("\ufeffidentifiant externe;nom;".encode())
    assert "Épicerie du Port".encode() in content


def test_xlsx_export_lists_the_partners(client, coordinator):
    full_partner(name="Épicerie du Port")
    client.force_login(coordinator)
    table = read_xlsx(client.get(XLSX_URL).content)
    assert table[0] == HEADERS
    assert table[1][1] == "Épicerie du Port"


def test_export_keeps_the_directory_filters(client, coordinator):
    PartnerFactory(name="Ferme des Volcans")
    PartnerFactory(name="Épicerie du Port")
    client.force_login(coordinator)
    rows = read_table(csv_content(client.get(CSV_URL, {"q": "epicerie"})), "csv")
    assert [cells[1] for cells in rows[1:]] == ["Épicerie du Port"]


@pytest.mark.parametrize(("url", "name"), [(CSV_URL, "export.csv"), (XLSX_URL, "export.xlsx")])
def test_export_then_import_gives_the_same_partners(client, coordinator, url, name):
    full_partner(name="Épicerie du Port", external_id="EPI-1")
    full_partner(name="Ferme des Volcans")
    PartnerFactory(name="Jardin sans commune", last_checked_on=None)
    client.force_login(coordinator)
    response = client.get(url)
    content = csv_content(response) if url == CSV_URL else response.content
    before = snapshot()

    plan = import_file(client, SimpleUploadedFile(name, content))
    assert (plan.to_create, plan.to_update, plan.unchanged, plan.problems) == (0, 0, 3, [])

    Partner.objects.all().delete()
    plan = import_file(client, SimpleUploadedFile(name, content))
    assert plan.problems == []
    assert plan.to_create == 3
    assert snapshot() == before


def export_queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        if url == CSV_URL:
            csv_content(response)
    return len(captured)


@pytest.mark.parametrize("url", [CSV_URL, XLSX_URL])
def test_export_query_count_does_not_grow_with_partners(client, coordinator, url):
    client.force_login(coordinator)
    full_partner()
    few = export_queries(client, url)
    for _ in range(10):
        full_partner()
    assert export_queries(client, url) == few


@pytest.mark.parametrize("persona", ["accompanier", "beneficiary_user"])
@pytest.mark.parametrize("url", [CSV_URL, XLSX_URL])
def test_others_than_coordinators_get_404(client, persona, url, request):
    PartnerFactory()
    client.force_login(request.getfixturevalue(persona))
    assert client.get(url).status_code == 404


def test_anonymous_is_sent_to_login(client):
    response = client.get(CSV_URL)
    assert response.status_code == 302


def test_export_buttons_carry_the_filters(client, coordinator):
    client.force_login(coordinator)
    page = client.get(reverse("partners:partner_list"), {"q": "ferme"}).content.decode()
    assert f"{CSV_URL}?q=ferme" in page
    assert f"{XLSX_URL}?q=ferme" in page


def test_unknown_format_is_404(client, coordinator):
    client.force_login(coordinator)
    assert client.get(reverse("partners:partner_export", args=["pdf"])).status_code == 404


def test_dates_are_date_cells_in_xlsx(client, coordinator):
    full_partner()
    client.force_login(coordinator)
    table = read_xlsx(client.get(XLSX_URL).content)
    column = HEADERS.index("date de convention")
    assert table[1][column].date() == datetime.date(2026, 1, 15)
