import datetime

import pytest
from django.core import mail
from django.utils import timezone

from soli_dome.notifications import outbox, sms
from soli_dome.notifications.models import Notification
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.notifications.factories import NotificationFactory

pytestmark = pytest.mark.django_db

PARIS = timezone.get_default_timezone()


def paris(day, hour, minute=0):
    return datetime.datetime(2026, 3, day, hour, minute, tzinfo=PARIS)


class TemporarilyDown(sms.BaseSmsBackend):
    def send(self, *, to, text, key):
        raise sms.TemporaryFailure("HTTP 503: maintenance")


class RefusesTheNumber(sms.BaseSmsBackend):
    def send(self, *, to, text, key):
        raise sms.PermanentFailure("HTTP 400: invalid recipient")


def test_a_due_sms_is_sent_once(sms_outbox):
    notification = NotificationFactory()
    outbox.dispatch()
    outbox.dispatch()
    notification.refresh_from_db()
    assert [m["key"] for m in sms_outbox] == [notification.idempotency_key]
    assert notification.status == Notification.Status.SENT


def test_a_due_email_goes_with_its_html_version():
    NotificationFactory(email=True, html_body="<p>Bonjour</p>")
    outbox.dispatch()
    assert mail.outbox[0].alternatives[0][0] == "<p>Bonjour</p>"


def test_a_message_not_yet_due_waits(sms_outbox):
    NotificationFactory(due_at=timezone.now() + datetime.timedelta(hours=1))
    outbox.dispatch()
    assert sms_outbox == []


def test_a_temporary_failure_retries_later(settings):
    settings.SMS_BACKEND = "tests.notifications.test_dispatch.TemporarilyDown"
    notification = NotificationFactory()
    outbox.dispatch()
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (Notification.Status.PENDING, 1)
    assert notification.due_at > timezone.now()


def test_temporary_failures_give_up_after_the_last_backoff(settings):
    settings.SMS_BACKEND = "tests.notifications.test_dispatch.TemporarilyDown"
    notification = NotificationFactory(attempts=len(outbox.BACKOFF_MINUTES) - 1)
    outbox.dispatch()
    notification.refresh_from_db()
    assert notification.status == Notification.Status.FAILED


def test_a_permanent_failure_is_recorded_with_its_error(settings):
    settings.SMS_BACKEND = "tests.notifications.test_dispatch.RefusesTheNumber"
    notification = NotificationFactory()
    outbox.dispatch()
    notification.refresh_from_db()
    assert notification.last_error == "HTTP 400: invalid recipient"


def test_rows_claimed_by_a_dead_worker_are_claimed_again_after_the_lease(sms_outbox):
    past = timezone.now() - datetime.timedelta(seconds=1)
    NotificationFactory(claimed_until=past, claim_token="dead-worker")
    outbox.dispatch()
    assert len(sms_outbox) == 1


def test_rows_claimed_by_a_living_worker_are_left_to_it(sms_outbox):
    future = timezone.now() + datetime.timedelta(minutes=5)
    NotificationFactory(claimed_until=future, claim_token="other-worker")
    outbox.dispatch()
    assert sms_outbox == []


def test_an_interrupted_sms_that_left_is_marked_sent_not_resent(sms_outbox):
    past = timezone.now() - datetime.timedelta(seconds=1)
    notification = NotificationFactory(status="sending", claimed_until=past, claim_token="x")
    sms_outbox.append(
        {"to": notification.address, "text": "…", "key": notification.idempotency_key}
    )
    outbox.dispatch()
    notification.refresh_from_db()
    assert (notification.status, len(sms_outbox)) == (Notification.Status.SENT, 1)


def test_an_interrupted_sms_that_did_not_leave_is_sent(sms_outbox):
    past = timezone.now() - datetime.timedelta(seconds=1)
    NotificationFactory(status="sending", claimed_until=past, claim_token="x")
    outbox.dispatch()
    assert len(sms_outbox) == 1


def test_an_interrupted_email_is_left_for_a_person_to_check():
    past = timezone.now() - datetime.timedelta(seconds=1)
    notification = NotificationFactory(
        email=True, status="sending", claimed_until=past, claim_token="x"
    )
    outbox.dispatch()
    notification.refresh_from_db()
    assert (notification.status, len(mail.outbox)) == (Notification.Status.FAILED, 0)


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        (paris(10, 20, 59), paris(10, 20, 59)),
        (paris(10, 21, 0), paris(11, 8, 0)),
        (paris(11, 3, 0), paris(11, 8, 0)),
        (paris(11, 8, 0), paris(11, 8, 0)),
    ],
)
def test_sms_due_at_night_wait_until_eight(quiet_hours, when, expected):
    assert outbox.after_quiet_hours(when) == expected


def test_an_sms_written_at_night_is_due_at_eight(quiet_hours):
    notification, _created = outbox.write(
        key="k",
        kind="session_reminder",
        channel="sms",
        recipient=NotificationFactory().recipient,
        address="+33612345678",
        language="fr",
        due_at=paris(10, 22, 30),
        content={"body": "…"},
    )
    assert notification.due_at == paris(11, 8, 0)


def test_no_sms_is_claimed_at_night_but_emails_are(quiet_hours):
    sms_row = NotificationFactory(due_at=paris(10, 20))
    email_row = NotificationFactory(email=True, due_at=paris(10, 20))
    _token, ids = outbox.claim(now=paris(10, 22), limit=10)
    assert ids == [email_row.pk] and sms_row.pk not in ids


def test_writing_the_same_key_twice_keeps_one_message():
    recipient = NotificationFactory().recipient
    for _ in range(2):
        outbox.write(
            key="session-reminder:1:1:sms:2d",
            kind="session_reminder",
            channel="sms",
            recipient=recipient,
            address="+33612345678",
            language="fr",
            due_at=timezone.now(),
            content={"body": "…"},
        )
    assert Notification.objects.filter(idempotency_key="session-reminder:1:1:sms:2d").count() == 1


def test_a_sent_message_is_never_written_again_under_its_key():
    sent = NotificationFactory(sent=True, idempotency_key="session-reminder:1:1:sms:2d")
    _notification, written = outbox.write(
        key=sent.idempotency_key,
        kind="session_reminder",
        channel="sms",
        recipient=sent.recipient,
        address=sent.address,
        language="fr",
        due_at=timezone.now(),
        content={"body": "Nouveau texte"},
    )
    sent.refresh_from_db()
    assert (written, sent.status) == (False, Notification.Status.SENT)
    assert sent.body != "Nouveau texte"


def test_deleting_a_file_deletes_its_messages():
    person = BeneficiaryFactory()
    NotificationFactory(recipient=person)
    person.delete()
    assert not Notification.objects.exists()


def test_without_quiet_hours_a_night_sms_keeps_its_time():
    assert outbox.after_quiet_hours(paris(10, 22, 30)) == paris(10, 22, 30)


class BreaksOnOneNumber(sms.BaseSmsBackend):
    """A backend with a bug: an error of no known kind for one number only."""

    def send(self, *, to, text, key):
        if to == "+33600000666":
            raise KeyError("recipient")
        sms.outbox.append({"to": to, "text": text, "key": key})


def test_an_unexpected_error_on_one_message_fails_only_that_one_and_the_run_goes_on(
    settings, sms_outbox
):
    settings.SMS_BACKEND = "tests.notifications.test_dispatch.BreaksOnOneNumber"
    before = NotificationFactory(due_at=timezone.now() - datetime.timedelta(minutes=3))
    broken = NotificationFactory(
        address="+33600000666", due_at=timezone.now() - datetime.timedelta(minutes=2)
    )
    after = NotificationFactory()
    assert outbox.dispatch() == 2
    assert {m["key"] for m in sms_outbox} == {before.idempotency_key, after.idempotency_key}
    broken.refresh_from_db()
    # Retried later, like a temporary failure, with a plain reason for the outbox page.
    assert broken.status == Notification.Status.PENDING
    assert broken.due_at > timezone.now()
    assert "Erreur inattendue" in broken.last_error
    assert "KeyError" in broken.last_error


def test_an_unexpected_error_ends_failed_after_the_last_retry(settings):
    settings.SMS_BACKEND = "tests.notifications.test_dispatch.BreaksOnOneNumber"
    broken = NotificationFactory(address="+33600000666", attempts=len(outbox.BACKOFF_MINUTES) - 1)
    outbox.dispatch()
    broken.refresh_from_db()
    assert broken.status == Notification.Status.FAILED
    assert "peut-être parti" not in broken.last_error
