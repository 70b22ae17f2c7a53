import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from beneficiaries.models import Assignment, Beneficiary
from tests.beneficiaries.factories import BeneficiaryFactory

pytestmark = pytest.mark.django_db


def test_accompanier_pauses_then_resumes_a_file(client, accompanier, beneficiary_of):
    file = beneficiary_of(accompanier)
    client.force_login(accompanier)
    url = reverse("beneficiaries:beneficiary_status", args=[file.pk])
    client.post(url, {"action": "pause"})
    assert Beneficiary.objects.get().status == "paused"
    client.post(url, {"action": "activate"})
    assert Beneficiary.objects.get().status == "active"


def test_an_impossible_status_change_is_refused(client, accompanier, beneficiary_of):
    file = beneficiary_of(accompanier)
    client.force_login(accompanier)
    client.post(reverse("beneficiaries:beneficiary_status", args=[file.pk]), {"action": "reopen"})
    assert Beneficiary.objects.get().status == "active"


def test_other_accompanier_cannot_change_a_status(
    client, other_accompanier, accompanier, beneficiary_of
):
    file = beneficiary_of(accompanier)
    client.force_login(other_accompanier)
    url = reverse("beneficiaries:beneficiary_status", args=[file.pk])
    assert client.post(url, {"action": "pause"}).status_code == 404


def test_closing_a_file_keeps_its_review(client, accompanier, beneficiary_of):
    file = beneficiary_of(
        accompanier, entry_date=timezone.localdate() - datetime.timedelta(days=60)
    )
    client.force_login(accompanier)
    client.post(
        reverse("accompaniment:file_close", args=[file.pk]),
        {
            "closed_on": timezone.localdate().isoformat(),
            "exit_reason": "goals_reached",
            "goals_outcome": "all",
            "what_changed": "Cuisine seule ses repas de la semaine.",
            "next_destination": "Épicerie solidaire du quartier",
        },
    )
    file.refresh_from_db()
    assert file.status == "closed" and file.exit_reviews.get().goals_outcome == "all"


def test_closing_before_entry_is_refused_next_to_the_date(client, accompanier, beneficiary_of):
    file = beneficiary_of(accompanier, entry_date=timezone.localdate())
    client.force_login(accompanier)
    response = client.post(
        reverse("accompaniment:file_close", args=[file.pk]),
        {
            "closed_on": (timezone.localdate() - datetime.timedelta(days=3)).isoformat(),
            "exit_reason": "moved",
            "goals_outcome": "some",
            "what_changed": "Texte conservé",
        },
    )
    assert response.context["form"].errors["closed_on"] and "Texte conservé" in response.text


def test_a_closed_file_reopens(client, accompanier, beneficiary_of):
    file = beneficiary_of(accompanier)
    file.close(on=timezone.localdate(), reason="moved")
    client.force_login(accompanier)
    client.post(reverse("beneficiaries:beneficiary_status", args=[file.pk]), {"action": "reopen"})
    file.refresh_from_db()
    assert (file.status, file.exit_date) == ("active", None)


def test_coordinator_names_a_new_primary_accompanier(
    client, coordinator, accompanier, other_accompanier, beneficiary_of
):
    file = beneficiary_of(accompanier)
    client.force_login(coordinator)
    client.post(
        reverse("beneficiaries:beneficiary_assignments", args=[file.pk]),
        {"accompanier": other_accompanier.pk, "is_primary": "on", "former_keeps_access": "on"},
    )
    primaries = list(
        Assignment.objects.filter(is_primary=True).values_list("accompanier", flat=True)
    )
    assert primaries == [other_accompanier.pk] and file.assignments.count() == 2


def test_accompanier_cannot_manage_assignments(client, accompanier, beneficiary_of):
    file = beneficiary_of(accompanier)
    client.force_login(accompanier)
    url = reverse("beneficiaries:beneficiary_assignments", args=[file.pk])
    assert client.get(url).status_code == 404


def test_follow_up_lists_files_without_primary_and_quick_assign_returns_there(
    client, coordinator, accompanier
):
    orphan = BeneficiaryFactory(first_name="Orphelin")
    client.force_login(coordinator)
    follow_up = reverse("beneficiaries:follow_up")
    assert "Orphelin" in client.get(follow_up).text
    response = client.post(
        reverse("beneficiaries:beneficiary_assignments", args=[orphan.pk]),
        {"accompanier": accompanier.pk, "is_primary": "on", "next": follow_up},
    )
    assert response.url == follow_up and orphan.primary_accompanier() == accompanier


def test_follow_up_queries_do_not_grow_with_the_number_of_files(client, coordinator, accompanier):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(coordinator)
    counts = []
    for batch in (5, 45):
        BeneficiaryFactory.create_batch(batch, accompanied_by=accompanier)
        BeneficiaryFactory.create_batch(batch)
        with CaptureQueriesContext(connection) as captured:
            client.get(reverse("beneficiaries:follow_up"))
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_accompanier_gets_404_on_follow_up(client, accompanier):
    client.force_login(accompanier)
    assert client.get(reverse("beneficiaries:follow_up")).status_code == 404


def test_a_person_in_both_follow_up_tables_has_two_distinct_labelled_selects(client, coordinator):
    unassigned = BeneficiaryFactory(last_contact_on=None)  # no primary, and never contacted
    client.force_login(coordinator)
    page = client.get(reverse("beneficiaries:follow_up")).content.decode()
    ids = re.findall(rf'<select[^>]* id="([^"]*{unassigned.pk})"', page)
    assert len(ids) == 2 and len(set(ids)) == 2
    for select_id in ids:
        assert f'<label class="visually-hidden" for="{select_id}">' in page
