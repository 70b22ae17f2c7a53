"""Issue 11, point 2: the migration that re-normalises stored numbers fixes overseas mobiles
written with +33 and tells the coordinators, through the outbox, which it could not read."""

import importlib

import pytest
from django.apps import apps

from beneficiaries.models import Beneficiary
from soli_dome.notifications.models import Notification
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db

migration = importlib.import_module("beneficiaries.migrations.0009_renormalise_phone_numbers")


def stored(beneficiary, phone):
    """A number as an older version wrote it, past today's checks."""
    Beneficiary.objects.filter(pk=beneficiary.pk).update(phone=phone)
    return beneficiary


def test_a_reunion_mobile_written_with_plus_33_gets_its_own_country_code():
    file = stored(BeneficiaryFactory(), "+33692123456")
    migration.renormalise(apps, None)
    file.refresh_from_db()
    assert file.phone == "+262692123456"


def test_the_coordinators_are_told_which_numbers_could_not_be_read():
    coordinator = UserFactory(coordinator=True)
    unreadable = stored(BeneficiaryFactory(last_name="Quintard"), "12")
    migration.renormalise(apps, None)
    (report,) = Notification.objects.filter(address=coordinator.email)
    assert report.status == Notification.Status.PENDING
    assert "Quintard (12)" in report.body and f"/beneficiaires/{unreadable.pk}/" in report.body


def test_nothing_is_reported_when_every_number_reads():
    UserFactory(coordinator=True)
    BeneficiaryFactory(phone="+33612345678")
    migration.renormalise(apps, None)
    assert not Notification.objects.exists()
