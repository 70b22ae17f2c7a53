import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from accompaniment import load_data
from accompaniment.models import Session
from beneficiaries.models import Beneficiary
from partners.models import Partner
from soli_dome.audit.models import AuditEntry
from soli_dome.notifications.models import Notification
from tests.partners.factories import PartnerFactory

SMALL = [
    "--beneficiaries=40",
    "--accompaniers=3",
    "--sessions=300",
    "--partners=12",
    "--notifications=50",
    "--journal-entries=60",
    "--heavy-file-sessions=30",
    "--verbosity=0",
]


@pytest.fixture
def generated(db):
    call_command("generate_load_data", *SMALL)


def test_it_writes_the_sizes_asked_for(generated):
    assert (
        Beneficiary.objects.count(),
        Session.objects.count(),
        Partner.objects.count(),
        Notification.objects.count(),
        AuditEntry.objects.count(),
    ) == (40, 300, 12, 50, 60)


def test_every_file_is_followed_by_one_generated_accompanier(generated):
    primaries = Beneficiary.objects.filter(
        assignments__is_primary=True,
        assignments__accompanier__email__endswith=f"@{load_data.LOAD_DOMAIN}",
    )
    assert primaries.count() == 40


def test_the_heavy_file_has_its_sessions_and_a_portal_account(generated):
    heavy = Beneficiary.objects.get(user__email=load_data.BENEFICIARY_EMAIL)
    assert Session.objects.filter(participations__beneficiary=heavy).count() >= 30


def test_the_generated_accounts_log_in(generated):
    client = Client()
    assert client.login(email=load_data.accompanier_email(1), password="solidome-demo")


def test_it_refuses_a_database_holding_other_data(db):
    PartnerFactory()
    with pytest.raises(CommandError, match="did not make"):
        call_command("generate_load_data", *SMALL)


def test_it_adds_to_other_data_when_forced(db):
    PartnerFactory()
    call_command("generate_load_data", *SMALL, "--force")
    assert Partner.objects.count() == 13


def test_a_second_run_asks_before_replacing(generated):
    with pytest.raises(CommandError, match="--replace"):
        call_command("generate_load_data", *SMALL)


@pytest.mark.django_db(transaction=True)
def test_replace_starts_again_from_an_empty_programme(reference_rows):
    call_command("generate_load_data", *SMALL)
    call_command("generate_load_data", *SMALL, "--replace")
    assert (Beneficiary.objects.count(), Session.objects.count()) == (40, 300)


def test_people_answered_the_questionnaires_at_entry_and_some_again_at_exit(generated):
    from accompaniment.models.assessments import (
        FIES_FIELDS,
        FoodInsecurityAssessment,
        Moment,
        PracticesCheckIn,
        fies_score,
    )

    fies = list(FoodInsecurityAssessment.objects.all())
    moments = {moment: sum(a.moment == moment for a in fies) for moment in Moment.values}
    assert moments[Moment.ENTRY] >= 20 and moments[Moment.EXIT] >= 1
    assert PracticesCheckIn.objects.count() == len(fies)
    # Written in bulk, past save(): the stored score is still the answers' score.
    assert all(a.raw_score == fies_score({f: getattr(a, f) for f in FIES_FIELDS}) for a in fies)
