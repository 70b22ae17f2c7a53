"""The demo programme gives every chart and table of the statistics something real to show
over the last twelve months."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from accompaniment.models import Participation, Referral, Registration, Session, Support
from accompaniment.reporting.statistics import MonthPeriod, Selection, Statistics

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())


def _tables():
    period = MonthPeriod.last_twelve_months(timezone.localdate())
    return {table.key: table for table in Statistics(period, Selection()).tables()}


def test_every_table_of_the_last_twelve_months_has_figures(seeded):
    empty = [key for key, table in _tables().items() if not table.total and table.monthly]
    assert empty == []
    assert _tables()["montants"].rows[1].values[-1] > 0  # Doume bonus


def test_the_demo_year_spreads_over_the_months_with_every_exit_reason_and_outcome(seeded):
    tables = _tables()
    active = tables["publics"].rows[-1].values[:-1]
    assert all(active)  # people followed in each of the twelve months
    assert sum(1 for value in tables["seances"].rows[-1].values[:-1] if value) >= 10
    assert all(row.values[-1] for row in tables["sorties"].rows)
    outcomes = {str(row.label): row.values[-1] for row in tables["orientations"].rows}
    assert all(outcomes[label] for label in ("Acceptée", "Refusée", "Réalisée", "Expirée"))
    modalities = [row.values[-1] for row in tables["seances"].rows]
    assert all(modalities)
    assert tables["ateliers"].cell("Présent·es") > 0


def test_the_demo_year_stays_the_same_on_a_second_run(seeded):
    def counts():
        return [
            model.objects.count()
            for model in (Session, Participation, Referral, Support, Registration)
        ]

    before = counts()
    call_command("seed_demo", stdout=io.StringIO())
    assert counts() == before
