"""The outcome statistics page: distributions at entry and at exit, the paired change, the
small-cell rule, a fixed number of queries, and coordinators only."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accompaniment.models import Moment
from accompaniment.reporting.outcomes import (
    check_in_distributions,
    fies_distribution,
    paired_changes,
)
from tests.accompaniment.factories import (
    FoodInsecurityAssessmentFactory,
    PracticesCheckInFactory,
)
from tests.beneficiaries.factories import BeneficiaryFactory

pytestmark = pytest.mark.django_db
URL = reverse("accompaniment:statistics_outcomes")


def person_with(entry, exit=None, **check_in):
    person = BeneficiaryFactory()
    FoodInsecurityAssessmentFactory(beneficiary=person, moment=Moment.ENTRY, score=entry)
    if exit is not None:
        FoodInsecurityAssessmentFactory(beneficiary=person, moment=Moment.EXIT, score=exit)
    return person


def rows(table):
    return dict(table.rows)


def test_paired_change_counts_people_with_entry_and_exit(settings):
    settings.STATISTICS_SMALL_CELL = 1  # no suppression: the raw figures
    for _ in range(3):
        person_with(7, 2)  # improved
    person_with(4, 4)  # same
    person_with(1, 5)  # worse
    person_with(6)  # no exit: not paired
    fies = rows(paired_changes())["Score FIES"]
    assert fies == [3, 1, 1, 5]


def test_paired_change_of_check_in_answers_reads_skipped_meals_the_other_way(settings):
    settings.STATISTICS_SMALL_CELL = 1
    person = BeneficiaryFactory()
    PracticesCheckInFactory(
        beneficiary=person, moment=Moment.ENTRY, home_cooking=2, skipped_meals=4
    )
    PracticesCheckInFactory(beneficiary=person, moment=Moment.EXIT, home_cooking=4, skipped_meals=2)
    PracticesCheckInFactory(moment=Moment.ENTRY)  # no exit
    table = rows(paired_changes())
    assert table["Cuisine à la maison"] == [1, 0, 0, 1]
    assert table["Repas sautés"] == [1, 0, 0, 1]  # fewer skipped meals: better
    assert table["Produits locaux"] == [0, 1, 0, 1]


def test_distributions_at_entry_and_exit(settings):
    settings.STATISTICS_SMALL_CELL = 1
    person_with(0, 0)
    person_with(3, 1)
    person_with(5, 2)
    person_with(8)
    table = rows(fies_distribution())
    assert table["Entrée"] == [1, 1, 1, 1, 4]
    assert table["Sortie"] == [1, 2, 0, 0, 3]
    PracticesCheckInFactory(moment=Moment.ENTRY, doume_use=1)
    PracticesCheckInFactory(moment=Moment.EXIT, doume_use=4)
    doume = rows(next(t for t in check_in_distributions() if t.title == "Utilisation de la Doume"))
    assert doume["Entrée"] == [1, 0, 0, 0, 0, 1]
    assert doume["Sortie"] == [0, 0, 0, 1, 0, 1]


def test_small_counts_are_masked_with_secondary_suppression():
    for _ in range(6):
        person_with(7, 1)  # improved: 6
    for _ in range(2):
        person_with(3, 3)  # same: 2
    fies = rows(paired_changes())["Score FIES"]
    # 2 is masked; with the total shown, the 0 beside it could not hide it but the 6 does.
    assert fies == ["< 5", "< 5", 0, 8]


def test_page_shows_the_tables_in_a_fixed_number_of_queries(client, coordinator):
    client.force_login(coordinator)
    person_with(6, 2)
    client.get(URL)
    with CaptureQueriesContext(connection) as few:
        response = client.get(URL)
    for score in range(10):
        person_with(score % 9, (score + 3) % 9)
        PracticesCheckInFactory(moment=Moment.ENTRY)
    with CaptureQueriesContext(connection) as many:
        client.get(URL)
    assert len(few) == len(many) <= 10
    html = response.content.decode()
    assert "Ce qui a changé pour les personnes" in html
    assert "&lt; 5" in html


def test_only_coordinators_open_the_page(client, accompanier, beneficiary_of):
    assert client.get(URL).status_code == 302
    client.force_login(accompanier)
    assert client.get(URL).status_code == 404
    client.force_login(beneficiary_of(accompanier, with_account=True).user)
    assert client.get(URL).status_code == 404


def test_coordinator_navigation_links_the_page(client, coordinator):
    client.force_login(coordinator)
    assert URL in client.get(reverse("accompaniment:dashboard")).content.decode()
