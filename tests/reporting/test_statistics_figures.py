"""Every figure of the statistics against the small programme of conftest.py, counted by
hand (columns: January, February, March 2026, then the period)."""

from decimal import Decimal

import pytest

from accompaniment.reporting.statistics import Selection, Statistics
from beneficiaries.models import Beneficiary
from tests.reporting.conftest import PERIOD

pytestmark = pytest.mark.django_db


def tables(selection=None):
    return {t.key: t for t in Statistics(PERIOD, selection or Selection()).tables()}


def figures(table):
    return {str(row.label): row.values for row in table.rows}


def test_people_followed_by_public_month_by_month(programme):
    assert figures(tables()["publics"]) == {
        "Jeune (16-25 ans)": [1, 2, 2, 2],
        "Senior": [1, 1, 2, 2],
        "Hors publics du programme": [0, 0, 0, 0],
        "Total": [2, 3, 4, 4],
    }


def test_entries_by_public_leave_out_first_contacts(programme):
    assert figures(tables()["entrees"]) == {
        "Jeune (16-25 ans)": [0, 1, 0, 1],
        "Senior": [1, 0, 1, 2],
        "Hors publics du programme": [0, 0, 0, 0],
        "Total": [1, 1, 1, 3],
    }


def test_exits_by_reason(programme):
    exits = figures(tables()["sorties"])
    assert exits["Déménagement"] == [0, 0, 1, 1]
    assert exits["Objectifs atteints"] == [0, 0, 1, 1]
    assert exits["Autre"] == [0, 0, 0, 0]  # Fulbert left before the period
    assert exits["Total"] == [0, 0, 2, 2]


def test_sessions_held_and_hours_by_modality(programme):
    found = tables()
    sessions, hours = figures(found["seances"]), figures(found["heures"])
    assert sessions["En présentiel"] == [1, 1, 0, 2]
    assert sessions["Au téléphone"] == [0, 1, 0, 1]
    assert sessions["En visio"] == [0, 0, 1, 1]
    assert sessions["Sortie au marché ou à la ferme"] == [0, 1, 0, 1]  # the workshop
    assert sessions["Total"] == [1, 3, 1, 5]
    assert hours["En présentiel"] == [Decimal("1.0"), Decimal("1.5"), 0, Decimal("2.5")]
    assert hours["En visio"] == [0, 0, Decimal("0.7"), Decimal("0.7")]
    assert hours["Total"] == [Decimal("1.0"), Decimal("4.0"), Decimal("0.7"), Decimal("5.7")]


def test_workshop_sign_ups_and_attendance(programme):
    assert figures(tables()["ateliers"]) == {
        "Inscriptions": [0, 2, 0, 2],
        "Sur liste d'attente": [0, 1, 0, 1],
        "Présent·es": [0, 1, 0, 1],
        "Absent·es": [0, 1, 0, 1],
        "Excusé·es": [0, 0, 0, 0],
    }


def test_referrals_by_month_and_outcome(programme):
    assert figures(tables()["orientations"]) == {
        "Envoyée": [0, 0, 1, 1],
        "Acceptée": [1, 0, 0, 1],
        "Refusée": [0, 1, 0, 1],
        "Réalisée": [0, 0, 0, 0],
        "Expirée": [0, 0, 0, 0],
        "Total": [1, 1, 1, 3],
    }


def test_referrals_by_partner_category_count_each_referral_once_in_the_total(programme):
    first, second = programme["categories"]
    by_category = figures(tables()["orientations-categories"])
    # Columns: sent, accepted, refused, done, expired, total.
    assert by_category[str(first)] == [1, 1, 1, 0, 0, 3]
    assert by_category[str(second)] == [1, 0, 1, 0, 0, 2]
    assert by_category["Total"] == [1, 1, 1, 0, 0, 3]


def test_supports_by_kind_and_their_amounts(programme):
    found = tables()
    supports, money = figures(found["aides"]), figures(found["montants"])
    assert supports["Bonus solidaire Doume"] == [1, 1, 0, 2]
    assert supports["Colis ou panier alimentaire"] == [0, 1, 0, 1]
    assert supports["Bon d'achat"] == [0, 0, 1, 1]
    assert supports["Total"] == [1, 2, 1, 4]
    assert money == {
        "Euros convertis en Doume": [40, 20, 0, 60],
        "Bonus solidaire Doume": [6, 3, 0, 9],
        "Autres aides (montant)": [0, 10, 25, 35],
    }


def test_people_by_commune_with_those_outside_the_metropole(programme):
    communes = figures(tables()["communes"])
    assert communes["Clermont-Ferrand"] == [1, 2, 2, 2]
    assert communes["Cournon-d'Auvergne"] == [1, 1, 1, 1]
    assert communes["Hors métropole"] == [0, 0, 1, 1]
    assert communes["Aubière"] == [0, 0, 0, 0]
    assert communes["Total"] == [2, 3, 4, 4]


def test_people_by_situation(programme):
    household = figures(tables()["situation-household"])
    assert household["Seul·e"] == [1, 1, 1, 1]
    assert household["Non renseigné"] == [1, 2, 3, 3]
    assert household["Total"] == [2, 3, 4, 4]


def test_filter_by_public(programme):
    found = tables(Selection(public=Beneficiary.Public.SENIOR))
    assert figures(found["publics"])["Total"] == [1, 1, 2, 2]
    assert figures(found["publics"])["Jeune (16-25 ans)"] == [0, 0, 0, 0]
    # Sessions where a senior took part: the call, the workshop (C signed up) and the video.
    assert figures(found["seances"])["Total"] == [0, 2, 1, 3]
    assert figures(found["orientations"])["Total"] == [0, 0, 1, 1]
    assert figures(found["ateliers"])["Inscriptions"] == [0, 1, 0, 1]
    assert figures(found["montants"])["Euros convertis en Doume"] == [0, 20, 0, 20]


def test_filter_by_commune(programme):
    found = tables(Selection(commune=programme["clermont"]))
    assert figures(found["publics"])["Total"] == [1, 2, 2, 2]
    assert figures(found["sorties"])["Total"] == [0, 0, 1, 1]
    assert figures(found["aides"])["Total"] == [1, 1, 0, 2]


def test_filter_by_accompanier_keeps_the_people_assigned_to_them(programme):
    found = tables(Selection(accompanier=programme["other"]))
    assert figures(found["publics"])["Total"] == [1, 1, 2, 2]
    assert figures(found["entrees"])["Total"] == [1, 0, 1, 2]
    assert figures(found["seances"])["Total"] == [0, 2, 1, 3]
    assert figures(found["orientations"])["Total"] == [0, 0, 1, 1]
