import pytest
from django.urls import reverse

from soli_dome.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def file(accompanier, beneficiary_of):
    return beneficiary_of(accompanier, first_name="Hélène", last_name="Dubœuf")


def test_assigned_accompanier_opens_the_file(client, accompanier, file):
    client.force_login(accompanier)
    assert client.get(file.get_absolute_url()).status_code == 200


def test_coordinator_opens_any_file(client, coordinator, file):
    client.force_login(coordinator)
    assert client.get(file.get_absolute_url()).status_code == 200


def test_other_accompanier_gets_404(client, other_accompanier, file):
    client.force_login(other_accompanier)
    assert client.get(file.get_absolute_url()).status_code == 404


def test_beneficiary_gets_404_on_staff_pages_even_for_their_own_file(
    client, beneficiary_of, accompanier
):
    own = beneficiary_of(accompanier, with_account=True)
    client.force_login(own.user)
    assert client.get(own.get_absolute_url()).status_code == 404


def test_reading_a_file_is_logged(client, accompanier, file):
    client.force_login(accompanier)
    client.get(file.get_absolute_url())
    entry = AuditEntry.objects.about(file).get()
    assert (entry.actor, entry.action) == (accompanier, AuditEntry.Action.READ)


def test_accompanier_lists_only_the_files_assigned_to_them(
    client, accompanier, other_accompanier, beneficiary_of
):
    beneficiary_of(accompanier, last_name="Suivi")
    beneficiary_of(other_accompanier, last_name="Autrui")
    client.force_login(accompanier)
    names = [
        b.last_name for b in client.get(reverse("beneficiaries:beneficiary_list")).context["page"]
    ]
    assert names == ["Suivi"]


@pytest.mark.parametrize("term", ["helene", "HÉLÈNE", "dubœuf hél", "06 99 88"])
def test_search_ignores_accents_case_and_phone_format(client, accompanier, beneficiary_of, term):
    beneficiary_of(accompanier, first_name="Hélène", last_name="Dubœuf", phone="+33 6 99 88 77 66")
    beneficiary_of(accompanier, first_name="Paul", last_name="Autre", phone="07 11 22 33 44")
    client.force_login(accompanier)
    page = client.get(reverse("beneficiaries:beneficiary_list"), {"q": term}).context["page"]
    assert [b.first_name for b in page] == ["Hélène"]


def test_filters_by_public(client, coordinator, accompanier, beneficiary_of):
    import datetime

    from django.utils import timezone

    today = timezone.localdate()
    beneficiary_of(accompanier, first_name="Jeune", birth_date=today.replace(year=today.year - 19))
    beneficiary_of(accompanier, first_name="Aînée", birth_date=datetime.date(today.year - 75, 1, 1))
    client.force_login(coordinator)
    page = client.get(reverse("beneficiaries:beneficiary_list"), {"public": "senior"}).context[
        "page"
    ]
    assert [b.first_name for b in page] == ["Aînée"]
