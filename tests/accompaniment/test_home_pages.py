import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_beneficiary_sees_who_accompanies_them(client, accompanier, beneficiary_user):
    client.force_login(beneficiary_user)
    response = client.get(reverse("accompaniment:portal_home"))
    assert accompanier.email in response.text


def test_beneficiary_cannot_open_the_staff_dashboard(client, beneficiary_user):
    client.force_login(beneficiary_user)
    assert client.get(reverse("accompaniment:dashboard")).status_code == 404


def test_staff_cannot_open_the_beneficiary_portal(client, accompanier):
    client.force_login(accompanier)
    assert client.get(reverse("accompaniment:portal_home")).status_code == 404


def test_dashboard_lists_people_without_recent_contact(client, accompanier, beneficiary_of):
    import datetime

    from django.utils import timezone

    long_ago = timezone.localdate() - datetime.timedelta(days=90)
    beneficiary_of(accompanier, first_name="Oubliée", last_contact_on=long_ago)
    beneficiary_of(accompanier, first_name="Récente", last_contact_on=timezone.localdate())
    client.force_login(accompanier)
    listed = client.get(reverse("accompaniment:dashboard")).context["without_contact"]
    assert [b.first_name for b in listed] == ["Oubliée"]


def test_coordinator_dashboard_lists_files_without_primary_accompanier(client, coordinator):
    from tests.beneficiaries.factories import BeneficiaryFactory

    BeneficiaryFactory(first_name="Orpheline")
    client.force_login(coordinator)
    listed = client.get(reverse("accompaniment:dashboard")).context["without_primary"]
    assert [b.first_name for b in listed] == ["Orpheline"]
