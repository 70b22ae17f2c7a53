import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from soli_dome.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def url(person):
    return reverse("accompaniment:reminder_pause", args=[person.pk])


def test_the_file_page_links_to_the_pause(client, accompanier, beneficiary_of):
    person = beneficiary_of(accompanier)
    client.force_login(accompanier)
    assert f'href="{url(person)}"' in client.get(person.get_absolute_url()).text


def test_an_accompanier_pauses_reminders_until_a_date(client, accompanier, beneficiary_of):
    person = beneficiary_of(accompanier)
    until = timezone.localdate() + datetime.timedelta(days=10)
    client.force_login(accompanier)
    client.post(url(person), {"reminders_paused_until": until.isoformat()})
    person.refresh_from_db()
    assert person.reminders_paused_until == until


def test_the_pause_is_journaled_on_the_file(client, accompanier, beneficiary_of):
    person = beneficiary_of(accompanier)
    client.force_login(accompanier)
    client.post(url(person), {"reminders_paused_until": ""})
    assert AuditEntry.objects.about(person).filter(event="file.reminders_resumed").exists()


def test_a_past_date_is_refused_with_a_message(client, accompanier, beneficiary_of):
    person = beneficiary_of(accompanier)
    client.force_login(accompanier)
    response = client.post(url(person), {"reminders_paused_until": "2020-01-01"})
    assert response.context["form"].errors["reminders_paused_until"]


def test_other_accompaniers_get_404(client, other_accompanier, accompanier, beneficiary_of):
    person = beneficiary_of(accompanier)
    client.force_login(other_accompanier)
    assert client.get(url(person)).status_code == 404


def test_beneficiaries_get_404(client, beneficiary_user):
    client.force_login(beneficiary_user)
    assert client.get(url(beneficiary_user.beneficiary_file)).status_code == 404


def test_opening_the_pause_page_is_journaled_as_a_read(client, accompanier, beneficiary_of):
    person = beneficiary_of(accompanier)
    client.force_login(accompanier)
    client.get(url(person))
    assert AuditEntry.objects.about(person).filter(action=AuditEntry.Action.READ).exists()
