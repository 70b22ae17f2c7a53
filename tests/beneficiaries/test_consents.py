import pytest
from django.urls import reverse

from beneficiaries.models import Consent
from soli_dome.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_accompanier_records_a_consent_with_date_and_author(client, accompanier, beneficiary_of):
    file = beneficiary_of(accompanier)
    client.force_login(accompanier)
    client.post(
        reverse("beneficiaries:beneficiary_consents", args=[file.pk]), {"reminders": "given"}
    )
    consent = Consent.objects.get(beneficiary=file, kind="reminders")
    assert (consent.is_given, consent.recorded_by) == (True, accompanier)


def test_a_withdrawn_consent_is_recorded_as_refused_and_journaled(
    client, accompanier, beneficiary_of
):
    file = beneficiary_of(accompanier)
    Consent.objects.create(
        beneficiary=file, kind="research", is_given=True, recorded_by=accompanier
    )
    client.force_login(accompanier)
    client.post(
        reverse("beneficiaries:beneficiary_consents", args=[file.pk]), {"research": "refused"}
    )
    assert Consent.objects.get(kind="research").is_given is False
    assert (
        AuditEntry.objects.about(file)
        .filter(event="file.consents_recorded", params__answers__research=False)
        .exists()
    )


def test_other_accompanier_gets_404_on_consents(
    client, accompanier, other_accompanier, beneficiary_of
):
    file = beneficiary_of(accompanier)
    client.force_login(other_accompanier)
    url = reverse("beneficiaries:beneficiary_consents", args=[file.pk])
    assert client.get(url).status_code == 404
