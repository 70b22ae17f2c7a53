"""A staff member chooses, on "Mes e-mails", whether the digest of their role comes and in
which language; every digest says where that page is, and a digest not sent yet follows the
choice."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from accompaniment.digests import write_daily_notifications
from soli_dome.notifications import outbox
from soli_dome.notifications.models import Notification
from tests.notifications.factories import NotificationFactory

pytestmark = pytest.mark.django_db
URL = reverse("accompaniment:staff_preferences")
MONDAY = datetime.date(2026, 11, 30)


def choose(client, user, **choices):
    client.force_login(user)
    return client.post(URL, {"language": user.language, **choices})


def test_every_digest_links_to_the_page_where_it_can_be_turned_off(
    accompanier, coordinator, beneficiary_of
):
    beneficiary_of(accompanier, last_contact_on=None)
    write_daily_notifications(today=MONDAY)
    digests = Notification.objects.filter(kind__in=["accompanier_digest", "coordinator_digest"])
    assert [URL in digest.body and URL in digest.html_body for digest in digests] == [True, True]


def test_an_accompanier_who_turns_the_digest_off_gets_none(client, accompanier, beneficiary_of):
    beneficiary_of(accompanier, last_contact_on=None)
    response = choose(client, accompanier)  # the box left unticked
    assert response.status_code == 302
    write_daily_notifications()
    assert not Notification.objects.filter(recipient_id=accompanier.pk).exists()


def test_a_digest_written_before_the_choice_does_not_leave(client, accompanier, beneficiary_of):
    beneficiary_of(accompanier, last_contact_on=None)
    write_daily_notifications()
    choose(client, accompanier)
    outbox.dispatch()
    digest = Notification.objects.get(kind=Notification.Kind.ACCOMPANIER_DIGEST)
    assert (mail.outbox, digest.status) == ([], Notification.Status.CANCELLED)


def test_a_digest_sent_again_by_hand_after_the_choice_is_still_refused(
    client, accompanier, beneficiary_of
):
    beneficiary_of(accompanier, last_contact_on=None)
    write_daily_notifications()
    accompanier.wants_digest = False
    accompanier.save()  # changed elsewhere (the administration) while the digest waited
    outbox.dispatch()
    assert mail.outbox == []


def test_the_coordinator_chooses_english_and_the_weekly_digest_follows(client, coordinator):
    NotificationFactory(failed=True)
    choose(client, coordinator, language="en", wants_digest="on")
    write_daily_notifications(today=MONDAY)
    digest = Notification.objects.get(kind=Notification.Kind.COORDINATOR_DIGEST)
    assert "1 failed message this week" in digest.body


def test_the_page_names_the_digest_of_ones_role(client, coordinator, accompanier):
    client.force_login(coordinator)
    assert "résumé de la semaine" in client.get(URL).content.decode()
    client.force_login(accompanier)
    assert "résumé du jour" in client.get(URL).content.decode()


def test_people_followed_have_their_own_choices_page_not_this_one(client, beneficiary_user):
    client.force_login(beneficiary_user)
    assert client.get(URL).status_code == 404


def test_a_wrong_language_is_refused_next_to_the_field_and_nothing_changes(client, accompanier):
    response = choose(client, accompanier, language="xx")
    accompanier.refresh_from_db()
    assert (response.status_code, accompanier.wants_digest) == (422, True)
    assert "is-invalid" in response.content.decode()


def test_a_digest_not_sent_yet_changes_language_with_its_reader(
    client, accompanier, beneficiary_of
):
    beneficiary_of(accompanier, last_contact_on=None)
    write_daily_notifications()
    choose(client, accompanier, language="en", wants_digest="on")
    digest = Notification.objects.get(kind=Notification.Kind.ACCOMPANIER_DIGEST)
    assert (digest.language, "Hello" in digest.body) == ("en", True)


def test_the_weekly_digest_not_sent_yet_changes_language_too(client, coordinator):
    NotificationFactory(failed=True)
    write_daily_notifications(today=MONDAY)
    choose(client, coordinator, language="en", wants_digest="on")
    digest = Notification.objects.get(kind=Notification.Kind.COORDINATOR_DIGEST)
    assert "1 failed message this week" in digest.body
