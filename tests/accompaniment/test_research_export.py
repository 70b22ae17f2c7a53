"""The research export: consenting people only, nothing that names or reaches them, a pseudonym
per export, journalled with the partner and its agreement, for coordinators only."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.urls import reverse

from accompaniment.models import DataExport, Moment
from accompaniment.reporting.research import pseudonym
from beneficiaries.models import Consent
from soli_dome.audit.models import AuditEntry
from tests.accompaniment.factories import (
    FoodInsecurityAssessmentFactory,
    NoteFactory,
    PracticesCheckInFactory,
    ReferralFactory,
    SessionFactory,
    SupportFactory,
)
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.partners.factories import PartnerFactory

pytestmark = pytest.mark.django_db
URL = reverse("accompaniment:research_export")
FREE_TEXT = "TEXTE-LIBRE-CONFIDENTIEL"


@pytest.fixture
def lab(db):
    return PartnerFactory(
        name="Laboratoire d'études rurales", agreement_date=datetime.date(2025, 9, 15)
    )


def consenting(coordinator, given=True, **kwargs):
    person = BeneficiaryFactory(
        first_name="Prénomunique",
        last_name="Nomunique",
        email="personne@example.org",
        phone="+33612345678",
        birth_date=datetime.date(2003, 4, 17),
        **kwargs,
    )
    Consent.objects.create(
        beneficiary=person, kind=Consent.Kind.RESEARCH, is_given=given, recorded_by=coordinator
    )
    return person


def research_rows(client, lab, file_format="csv"):
    response = client.post(URL, {"partner": lab.pk, "file_format": file_format})
    assert response.status_code == 200
    text = response.getvalue().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    return rows[0], rows[1:], text


def test_research_export_holds_no_name_contact_free_text_or_birth_date(
    client, coordinator, accompanier, lab
):
    person = consenting(coordinator)
    SupportFactory(beneficiary=person, recorded_by=accompanier, description=FREE_TEXT)
    NoteFactory(beneficiary=person, author=accompanier, text=FREE_TEXT)
    SessionFactory(
        accompanier=accompanier,
        participants=[person],
        held=True,
        private_notes=FREE_TEXT,
        shared_summary=FREE_TEXT,
    )
    ReferralFactory(beneficiary=person, created_by=accompanier, message=FREE_TEXT)
    FoodInsecurityAssessmentFactory(beneficiary=person, moment=Moment.ENTRY, score=6)
    FoodInsecurityAssessmentFactory(beneficiary=person, moment=Moment.EXIT, score=2)
    PracticesCheckInFactory(beneficiary=person, moment=Moment.ENTRY, home_cooking=2)
    client.force_login(coordinator)

    header, rows, text = research_rows(client, lab)

    for secret in (
        "Prénomunique",
        "Nomunique",
        "personne@example.org",
        "12345678",
        "612345678",
        FREE_TEXT,
        "17/04/2003",
        "2003-04-17",
    ):
        assert secret not in text, secret
    (row,) = rows
    values = dict(zip(header, row, strict=True))
    assert values["Année de naissance"] == "2003"
    assert values["Commune"] == person.commune.name
    assert values["Pseudonyme"].startswith("P-")
    assert values["Séances réalisées"] == "1"
    assert (values["Score FIES à l'entrée"], values["Score FIES à la sortie"]) == ("6", "2")
    assert values["Cuisine à la maison (Entrée)"] == "2"


def test_people_without_the_research_consent_are_left_out(client, coordinator, lab):
    consenting(coordinator)
    consenting(coordinator, given=False)  # refused or withdrawn
    BeneficiaryFactory()  # never asked
    client.force_login(coordinator)
    _header, rows, _text = research_rows(client, lab)
    assert len(rows) == 1


def test_two_exports_give_different_pseudonyms(client, coordinator, lab):
    consenting(coordinator)
    consenting(coordinator)
    client.force_login(coordinator)
    first = {row[0] for row in research_rows(client, lab)[1]}
    second = {row[0] for row in research_rows(client, lab)[1]}
    assert len(first) == len(second) == 2
    assert not first & second


def test_pseudonym_is_stable_inside_one_export():
    salt = b"one export's key"
    assert pseudonym(salt, 42) == pseudonym(salt, 42)
    assert pseudonym(salt, 42) != pseudonym(salt, 43)
    assert pseudonym(b"another export's key", 42) != pseudonym(salt, 42)


def test_research_export_is_journalled_with_its_partner_and_agreement(client, coordinator, lab):
    consenting(coordinator)
    client.force_login(coordinator)
    response = client.post(URL, {"partner": lab.pk, "file_format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.getvalue())).worksheets[0]
    assert sheet.max_row == 2
    journal = DataExport.objects.get()
    assert (journal.kind, journal.partner, journal.agreement_date, journal.requested_by) == (
        "recherche",
        lab,
        datetime.date(2025, 9, 15),
        coordinator,
    )
    entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT, object_id=journal.pk)
    assert (entry.params["partner"], entry.params["agreement"]) == (lab.name, "2025-09-15")
    assert lab.name in entry.sentence and "15 septembre 2025" in entry.sentence


def test_only_partners_with_an_agreement_are_offered(client, coordinator, lab):
    without = PartnerFactory(name="Sans convention")
    client.force_login(coordinator)
    page = client.get(URL).content.decode()
    assert "Laboratoire d&#x27;études rurales (convention du 15/09/2025)" in page
    assert "Sans convention" not in page
    refused = client.post(URL, {"partner": without.pk, "file_format": "csv"})
    assert refused.status_code == 422
    assert not DataExport.objects.exists()


def test_research_export_is_for_coordinators_only(client, accompanier, beneficiary_of, lab):
    assert client.get(URL).status_code == 302
    client.force_login(accompanier)
    assert client.get(URL).status_code == 404
    assert client.post(URL, {"partner": lab.pk, "file_format": "csv"}).status_code == 404
    client.force_login(beneficiary_of(accompanier, with_account=True).user)
    assert client.get(URL).status_code == 404


def test_exports_page_links_the_research_export_for_coordinators(client, coordinator):
    client.force_login(coordinator)
    assert URL in client.get(reverse("accompaniment:export_list")).content.decode()
