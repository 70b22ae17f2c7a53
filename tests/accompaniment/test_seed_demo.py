import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from accompaniment.models import (
    FoodInsecurityAssessment,
    Moment,
    PracticesCheckIn,
    Referral,
    Support,
)
from accompaniment.reporting.outcomes import paired_changes
from beneficiaries.models import Assignment, Beneficiary, Consent
from soli_dome.users.models import User

pytestmark = pytest.mark.django_db

ACCOUNTS = {
    "coordination@example.org": User.Role.COORDINATOR,
    "accompagnateur1@example.org": User.Role.ACCOMPANIER,
    "accompagnateur2@example.org": User.Role.ACCOMPANIER,
    "beneficiaire1@example.org": User.Role.BENEFICIARY,
    "beneficiaire2@example.org": User.Role.BENEFICIARY,
}


def snapshot():
    return (
        sorted(User.objects.values_list("email", "role", "password")),
        sorted(Beneficiary.objects.values_list("first_name", "last_name", "status", "user")),
        sorted(Assignment.objects.values_list("beneficiary", "accompanier", "is_primary")),
    )


@pytest.fixture
def seeded(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())


def test_creates_the_demo_accounts_with_their_roles(seeded):
    assert dict(User.objects.values_list("email", "role")) == ACCOUNTS


def test_every_demo_account_logs_in_with_the_demo_password(seeded, client):
    assert all(client.login(email=email, password="solidome-demo") for email in ACCOUNTS)


def test_each_demo_beneficiary_is_followed_by_their_accompanier(seeded):
    followers = {
        email: list(
            Assignment.objects.filter(beneficiary__user__email=email).values_list(
                "accompanier__email", flat=True
            )
        )
        for email in ["beneficiaire1@example.org", "beneficiaire2@example.org"]
    }
    assert followers == {
        "beneficiaire1@example.org": ["accompagnateur1@example.org"],
        "beneficiaire2@example.org": ["accompagnateur2@example.org"],
    }


def test_each_accompanier_follows_six_people_or_more_of_both_publics(seeded):
    for email in ["accompagnateur1@example.org", "accompagnateur2@example.org"]:
        followed = Beneficiary.objects.filter(assignments__accompanier__email=email)
        publics = {beneficiary.public() for beneficiary in followed}
        assert followed.count() >= 6 and {"young", "senior"} <= publics


def test_each_accompanier_follows_people_only_they_follow(seeded):
    shared = Beneficiary.objects.filter(
        assignments__accompanier__email="accompagnateur1@example.org"
    ).filter(assignments__accompanier__email="accompagnateur2@example.org")
    assert not shared.exists()


def test_running_it_twice_gives_the_same_data(seeded):
    before = snapshot()
    call_command("seed_demo", stdout=io.StringIO())
    assert snapshot() == before


def test_refuses_to_run_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")


@pytest.mark.parametrize("email", ["beneficiaire1@example.org", "beneficiaire2@example.org"])
def test_each_demo_beneficiary_has_something_on_every_portal_page(seeded, client, email):
    client.force_login(User.objects.get(email=email))
    appointments = client.get(reverse("accompaniment:portal_appointments")).context
    workshops = client.get(reverse("accompaniment:portal_workshops")).context
    access = client.get(reverse("accompaniment:portal_file_access")).context
    shown = {
        "plan": client.get(reverse("accompaniment:portal_plan")).context["open_goals"],
        "coming": appointments["appointments"],
        "summaries": [s for s in appointments["past"] if s.shared_summary],
        "open workshops": [w for w in workshops["workshops"] if not w.my_registration],
        "my workshops": workshops["my_workshops"],
        "addresses": client.get(reverse("accompaniment:portal_addresses")).context["partners"],
        "referrals": list(access["referrals"]),
        "consents": list(access["consents"]),
    }
    assert [name for name, rows in shown.items() if not rows] == []


def test_the_demo_referrals_stay_the_same_on_a_second_run(seeded):
    before = sorted(Referral.objects.values_list("beneficiary", "partner", "token"))
    call_command("seed_demo", stdout=io.StringIO())
    assert sorted(Referral.objects.values_list("beneficiary", "partner", "token")) == before


def test_the_demo_has_doume_bonuses_at_15_percent_and_other_supports(seeded):
    bonuses = Support.objects.filter(kind=Support.Kind.DOUME_BONUS)
    assert {
        (s.bonus_rate, s.bonus_amount == s.euros_converted * Decimal("0.15")) for s in bonuses
    } == {(Decimal(15), True)}
    assert set(Support.objects.values_list("kind", flat=True)) == set(Support.Kind.values) - {
        Support.Kind.OTHER
    }


def test_each_accompanier_sees_supports_on_several_files(seeded):
    for email in ("accompagnateur1@example.org", "accompagnateur2@example.org"):
        user = User.objects.get(email=email)
        files = Support.objects.visible_to(user).values("beneficiary").distinct()
        assert files.count() >= 2


def test_the_demo_supports_stay_the_same_on_a_second_run(seeded):
    def rows():
        return sorted(
            Support.objects.values_list("beneficiary", "kind", "given_on", "bonus_amount", "amount")
        )

    before = rows()
    call_command("seed_demo", stdout=io.StringIO())
    assert rows() == before


def test_every_demo_e_mail_address_can_be_written_in_a_to_header(seeded):
    """Accented first names (Chloé, Inès) make addresses no mail server takes."""
    addresses = list(Beneficiary.objects.exclude(email="").values_list("email", flat=True))
    assert addresses and all(address.isascii() for address in addresses)


def outcome_snapshot():
    return (
        sorted(FoodInsecurityAssessment.objects.values_list("beneficiary", "moment", "raw_score")),
        sorted(PracticesCheckIn.objects.values_list("beneficiary", "moment", "home_cooking")),
        sorted(Consent.objects.filter(kind=Consent.Kind.RESEARCH).values_list("beneficiary")),
    )


def test_most_demo_people_have_entry_and_exit_questionnaires(seeded):
    followed = Beneficiary.objects.exclude(status=Beneficiary.Status.PROSPECT).count()
    for model in (FoodInsecurityAssessment, PracticesCheckIn):
        for moment in (Moment.ENTRY, Moment.EXIT):
            assert model.objects.filter(moment=moment).count() >= followed - 1 >= 8
    changes = rows(paired_changes())["Score FIES"]
    assert changes[0] != "< 5"  # enough improved for the statistics to show it
    research = Consent.objects.filter(kind=Consent.Kind.RESEARCH, is_given=True).count()
    assert 0 < research < Beneficiary.objects.count()
    before = outcome_snapshot()
    call_command("seed_demo", stdout=io.StringIO())
    assert outcome_snapshot() == before


def rows(table):
    return dict(table.rows)
