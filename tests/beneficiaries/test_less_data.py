"""Less data: impossible birth dates refused, new files not late, access not kept by default."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from beneficiaries.forms import BeneficiaryForm
from beneficiaries.models import Assignment, Beneficiary, Commune, years_ago
from soli_dome.audit.models import AuditEntry
from tests.beneficiaries.factories import BeneficiaryFactory

pytestmark = pytest.mark.django_db


def form_with(birth_date, user):
    return BeneficiaryForm(
        user=user,
        data={
            "first_name": "Léa",
            "last_name": "Martin",
            "birth_date": birth_date.isoformat(),
            "commune": Commune.objects.get(insee_code="63113").pk,
            "preferred_channel": "sms",
            "status": "prospect",
            "entry_date": timezone.localdate().isoformat(),
            "confirm_outside_public": "on",
        },
    )


@pytest.mark.parametrize(
    "birth_date",
    [
        timezone.localdate() + datetime.timedelta(days=1),
        years_ago(9, timezone.localdate()),
        years_ago(10, timezone.localdate()) + datetime.timedelta(days=1),
    ],
)
def test_a_birth_date_in_the_future_or_under_ten_years_is_refused(birth_date, coordinator):
    form = form_with(birth_date, coordinator)
    assert not form.is_valid()
    assert "birth_date" in form.errors


def test_a_birth_date_of_ten_years_is_accepted(coordinator):
    form = form_with(years_ago(10, timezone.localdate()), coordinator)
    form.is_valid()
    assert "birth_date" not in form.errors


def test_a_file_created_today_is_not_without_contact_for_30_days(accompanier):
    new = BeneficiaryFactory(accompanied_by=accompanier, entry_date=timezone.localdate())
    old = BeneficiaryFactory(
        accompanied_by=accompanier,
        entry_date=timezone.localdate() - datetime.timedelta(days=31),
    )
    late = Beneficiary.objects.without_contact_since(30)
    assert new not in late and old in late


def test_the_former_primary_accompanier_loses_access_by_default(
    client, coordinator, accompanier, other_accompanier, beneficiary_of
):
    file = beneficiary_of(accompanier)
    client.force_login(coordinator)
    page = client.get(reverse("beneficiaries:beneficiary_assignments", args=[file.pk]))
    assert "former_keeps_access" in page.content.decode()
    client.post(
        reverse("beneficiaries:beneficiary_assignments", args=[file.pk]),
        {"accompanier": other_accompanier.pk, "is_primary": "on"},
    )
    assert list(
        Assignment.objects.filter(beneficiary=file).values_list("accompanier", "is_primary")
    ) == [(other_accompanier.pk, True)]
    assert not Beneficiary.objects.visible_to(accompanier).filter(pk=file.pk).exists()
    assert AuditEntry.objects.about(file).filter(event="file.unassigned").exists()
