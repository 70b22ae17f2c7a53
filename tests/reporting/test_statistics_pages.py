"""The coordinators' statistics page, the printable funder report and its workbook: who may
open them, what they show, and in how many queries."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from beneficiaries.models import Commune
from tests.accompaniment.factories import (
    ReferralFactory,
    RegistrationFactory,
    SessionFactory,
    SupportFactory,
    WorkshopFactory,
)
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.reporting.conftest import QUERY, at

pytestmark = pytest.mark.django_db

URLS = [
    "accompaniment:statistics",
    "accompaniment:statistics_report",
    "accompaniment:statistics_report_xlsx",
]
# Every table is one grouped query (two for the workshops and the referral categories), plus
# the session, the user, the form's lists and the communes and categories named in the rows.
PAGE_BUDGET = 22


@pytest.mark.parametrize("name", URLS)
def test_accompaniers_and_beneficiaries_get_404(client, accompanier, beneficiary_user, name):
    for user in (accompanier, beneficiary_user):
        client.force_login(user)
        assert client.get(reverse(name)).status_code == 404


@pytest.mark.parametrize("name", URLS)
def test_anonymous_visitors_are_sent_to_the_login_page(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and "/compte/login/" in response["Location"]


def test_coordinators_reach_the_statistics_from_the_dashboard_and_the_menu(client, coordinator):
    client.force_login(coordinator)
    page = client.get(reverse("accompaniment:dashboard")).content.decode()
    assert page.count(f'href="{reverse("accompaniment:statistics")}"') == 2


def test_the_page_shows_each_chart_with_its_table(client, coordinator, programme):
    client.force_login(coordinator)
    response = client.get(reverse("accompaniment:statistics"), QUERY)
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('aria-hidden="true" focusable="false" width="100%"') >= 10
    assert page.count("<caption>") == 15
    assert '<th scope="col">Public</th>' in page
    assert "Graphique : les chiffres qu'il montre sont dans le tableau" in page
    # The page is for the team: no masking there.
    assert "&lt; 5" not in page
    assert "60,00 €" in page and "9,00 €" in page  # euros converted, Doume bonus


def test_one_click_leads_to_the_report_for_the_same_period(client, coordinator, programme):
    client.force_login(coordinator)
    page = client.get(reverse("accompaniment:statistics"), QUERY).content.decode()
    assert (
        f'href="{reverse("accompaniment:statistics_report")}?start=2026-01&amp;end=2026-03"' in page
    )


def test_a_bad_period_is_explained_next_to_the_field(client, coordinator):
    client.force_login(coordinator)
    response = client.get(
        reverse("accompaniment:statistics"), {"start": "2026-05", "end": "2026-01"}
    )
    assert response.status_code == 200
    assert "Le dernier mois vient après le premier." in response.content.decode()
    response = client.get(
        reverse("accompaniment:statistics"), {"start": "2020-01", "end": "2026-01"}
    )
    assert "Choisissez au plus 36 mois." in response.content.decode()


def test_the_report_masks_small_counts_and_names_nobody(client, coordinator, programme):
    client.force_login(coordinator)
    page = client.get(reverse("accompaniment:statistics_report"), QUERY).content.decode()
    assert "&lt; 5" in page
    assert "print-report.css" in page
    names = [programme["follower"], programme["other"], coordinator]
    words = [w for u in names for w in (u.first_name, u.last_name)]
    words += [w for p in programme["people"] for w in (p.first_name, p.last_name)]
    assert [word for word in words if word in page] == []


def test_the_report_leaves_out_the_accompanier_filter(client, coordinator, programme):
    client.force_login(coordinator)
    query = {**QUERY, "accompanier": programme["other"].pk}
    page = client.get(reverse("accompaniment:statistics_report"), query).content.decode()
    assert programme["other"].last_name not in page


def _workbook(client, query):
    response = client.get(reverse("accompaniment:statistics_report_xlsx"), query)
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('rapport-activite-2026-01-2026-03.xlsx"')
    return load_workbook(io.BytesIO(response.getvalue()), read_only=True)


def _sheet(workbook, title):
    return [list(row) for row in workbook[title].iter_rows(values_only=True)]


def test_the_workbook_has_a_sheet_per_table_and_one_of_definitions(client, coordinator, programme):
    client.force_login(coordinator)
    workbook = _workbook(client, QUERY)
    assert workbook.sheetnames[0] == "Définitions"
    assert len(workbook.sheetnames) == 16
    definitions = dict(_sheet(workbook, "Définitions")[1:])
    assert definitions["Période"] == "de janvier 2026 à mars 2026"
    assert "« < 5 »" in definitions["Petits effectifs"]
    assert definitions["Sorties par motif"].startswith("Dossiers clôturés")


def test_the_workbook_masks_small_counts_with_the_secondary_ones(
    client, coordinator, programme, settings
):
    settings.STATISTICS_SMALL_CELL = 2
    client.force_login(coordinator)
    workbook = _workbook(client, QUERY)
    exits = {row[0]: row[1:] for row in _sheet(workbook, "Sorties")}
    assert exits["Motif de sortie"] == ["jan. 2026", "fév. 2026", "mars 2026", "Total"]
    assert exits["Déménagement"] == [0, 0, "< 2", "< 2"]
    assert exits["Objectifs atteints"] == [0, 0, "< 2", "< 2"]
    assert exits["Total"] == [0, 0, 2, 2]
    # One person absent from the February workshop, one present: both masked, and with them
    # the workshop's other counts of 1, so that no row or column holds a single masked cell.
    workshops = {row[0]: row[1:] for row in _sheet(workbook, "Ateliers")}
    assert workshops["Inscriptions"] == [0, 2, 0, 2]
    assert workshops["Présent·es"] == [0, "< 2", 0, "< 2"]
    # Money is not a count of people: never masked.
    money = {row[0]: row[1:] for row in _sheet(workbook, "Montants")}
    assert money["Bonus solidaire Doume"] == [6, 3, 0, 9]


def test_the_workbook_names_nobody(client, coordinator, programme):
    client.force_login(coordinator)
    workbook = _workbook(client, {**QUERY, "accompanier": programme["follower"].pk})
    text = " ".join(
        str(value)
        for title in workbook.sheetnames
        for row in workbook[title].iter_rows(values_only=True)
        for value in row
    )
    people = [*programme["people"], programme["follower"], programme["other"]]
    assert [p.last_name for p in people if p.last_name in text] == []


def _drain(response):
    """Reads a streamed workbook to its end, which closes its temporary file."""
    if response.streaming:
        response.getvalue()


def _more(count, accompanier):
    for index in range(count):
        person = BeneficiaryFactory(accompanied_by=accompanier, entry_date=at(2026, 1, 2).date())
        SessionFactory(
            held=True,
            starts_at=at(2026, 1 + index % 3, 5),
            accompanier=accompanier,
            participants=[person],
        )
        ReferralFactory(beneficiary=person, sent_at=at(2026, 2, 3), created_by=accompanier)
        SupportFactory(
            beneficiary=person,
            doume=index % 2 == 0,
            recorded_by=accompanier,
            given_on=at(2026, 3, 1).date(),
        )
        workshop = WorkshopFactory(organiser=accompanier, starts_at=at(2026, 2, 1 + index))
        RegistrationFactory(workshop=workshop, beneficiary=person)


@pytest.mark.parametrize("name", URLS)
@pytest.mark.parametrize("filtered", [False, True])
def test_queries_do_not_grow_with_ten_times_more_data(
    client, coordinator, accompanier, name, filtered
):
    client.force_login(coordinator)
    query = {**QUERY, "public": "young", "accompanier": accompanier.pk} if filtered else QUERY
    url = reverse(name)

    def count():
        _drain(client.get(url, query))
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, query)
        _drain(response)
        assert response.status_code == 200
        return len(captured)

    _more(1, accompanier)
    few = count()
    _more(9, accompanier)
    assert (few <= PAGE_BUDGET, count()) == (True, few)


def test_the_page_and_the_report_are_in_english_too(client, coordinator, programme):
    client.force_login(coordinator)
    english = {"HTTP_ACCEPT_LANGUAGE": "en"}
    page = client.get(reverse("accompaniment:statistics"), QUERY, **english).content.decode()
    assert "Programme statistics" in page and "Sessions held by modality" in page
    report = client.get(reverse("accompaniment:statistics_report"), QUERY, **english)
    assert "Activity report" in report.content.decode()


def test_the_report_masks_a_small_headline_count_of_people(client, coordinator, programme):
    client.force_login(coordinator)
    cournon = Commune.objects.get(insee_code="63124")  # Casimir only
    page = client.get(
        reverse("accompaniment:statistics_report"), {**QUERY, "commune": cournon.pk}
    ).content.decode()
    assert 'Personnes accompagnées</th><td class="text-end">&lt; 5</td>' in page
    assert 'Séances réalisées</th><td class="text-end">2</td>' in page  # not people


@pytest.mark.parametrize("url", ["/statistiques/resultats/", None])
def test_the_outcomes_page_is_linked_once_it_exists(client, coordinator, monkeypatch, url):
    from accompaniment.views import statistics as views

    monkeypatch.setattr(views, "_outcomes_url", lambda: url)
    client.force_login(coordinator)
    page = client.get(reverse("accompaniment:statistics")).content.decode()
    link = '<a class="btn btn-outline-primary" href="/statistiques/resultats/">'
    assert (link in page, "Résultats : pratiques alimentaires" in page) == (bool(url), bool(url))
