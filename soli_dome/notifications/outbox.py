"""The outbox: writing messages in the caller's transaction, and sending them from workers.

Sending never sends a message twice, and loses none:

1. ``claim`` takes a small batch of due rows (``select_for_update(skip_locked=True)`` on
   PostgreSQL, so concurrent workers take different rows) and gives them a lease
   (``claimed_until``) and a token, in a committed transaction. The rows stay *pending*: a
   worker that dies now has sent nothing, and the rows are claimed again when the lease ends.
2. ``send_one`` turns one row *sending* with a conditional UPDATE on the token (committed at
   once: workers run in autocommit), calls the backend, then marks it *sent* in its own
   committed UPDATE. Only one worker can win step 2 for a row.
3. A worker killed between 2's two UPDATEs leaves a *sending* row whose lease runs out. The
   message may or may not have left. ``recover_interrupted`` asks the backend
   (``was_delivered``): delivered → sent; not delivered → pending again; the backend cannot
   tell (SMTP, Brevo) → failed, "interrupted, may have been sent", for a coordinator to check
   and send again from the outbox page. So the guarantee is at most once, and exactly once
   with backends that can tell; never a blind resend.

The lease (NOTIFICATION_LEASE_SECONDS, five minutes) must stay far longer than one send can
last (backends time out after SMS_API_TIMEOUT / EMAIL_TIMEOUT seconds), otherwise a slow but
living worker could be mistaken for a dead one.
"""

import datetime
import logging
import time
import uuid
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.db.models import F
from django.db.models.signals import post_delete
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from . import gsm7, sms
from .models import Notification, SmsBudget

logger = logging.getLogger(__name__)

# Minutes to wait after the n-th temporary failure.
BACKOFF_MINUTES = [1, 5, 30, 120, 360]


def quiet_hours():
    """(from, until) local times of SMS_QUIET_HOURS ("21:00-08:00"), or None when it is empty."""
    if not settings.SMS_QUIET_HOURS:
        return None
    start, end = settings.SMS_QUIET_HOURS.split("-")
    return datetime.time.fromisoformat(start.strip()), datetime.time.fromisoformat(end.strip())


def after_quiet_hours(when):
    """No SMS during the quiet hours (by default 21:00 to 08:00, Paris time): a message due
    then waits until they end."""
    quiet = quiet_hours()
    if quiet is None:
        return when
    quiet_from, quiet_until = quiet
    local = timezone.localtime(when)
    if quiet_until <= local.time() < quiet_from:
        return when
    day = local.date() + datetime.timedelta(days=1 if local.time() >= quiet_from else 0)
    return timezone.make_aware(datetime.datetime.combine(day, quiet_until))


def in_quiet_hours(when):
    return after_quiet_hours(when) != when


def render(*, template, context, channel, language):
    """Subject, text body and HTML body of ``notifications/<channel>/<template>``, in
    ``language``. SMS text is brought into the GSM-7 alphabet (see ``gsm7.to_gsm7``)."""
    with translation.override(language):
        if channel == Notification.Channel.SMS:
            text = render_to_string(f"notifications/sms/{template}.txt", context)
            return {"subject": "", "body": gsm7.to_gsm7(" ".join(text.split())), "html_body": ""}
        subject = render_to_string(f"notifications/email/{template}_subject.txt", context)
        return {
            "subject": " ".join(subject.split())[:200],
            "body": render_to_string(f"notifications/email/{template}.txt", context).strip(),
            "html_body": render_to_string(f"notifications/email/{template}.html", context),
        }


def write(
    *,
    key,
    kind,
    channel,
    recipient,
    address,
    language,
    due_at,
    content,
    topic="",
    confidential=False,
):
    """Add a message to the outbox, in the caller's transaction; returns (notification,
    written). The unique key is the guard: a message already sent (or failed, or waiting) under
    this key is left as it is; one cancelled before it left comes back with the new content
    (a person signed up again, a session moved back)."""
    if channel == Notification.Channel.SMS:
        due_at = after_quiet_hours(due_at)
    fields = {"address": address, "language": language, "due_at": due_at, **content}
    notification, created = Notification.objects.get_or_create(
        idempotency_key=key,
        defaults={
            "kind": kind,
            "channel": channel,
            "recipient": recipient,
            "topic": topic,
            "is_confidential": confidential,
            **fields,
        },
    )
    if created:
        return notification, True
    revived = Notification.objects.filter(
        pk=notification.pk, status=Notification.Status.CANCELLED
    ).update(
        status=Notification.Status.PENDING,
        claimed_until=None,
        claim_token="",
        last_error="",
        updated_at=timezone.now(),
        **fields,
    )
    return notification, bool(revived)


def write_email(
    *,
    key: str,
    kind: str,
    recipient,
    address: str,
    language: str,
    subject,
    template: str,
    context: dict,
    confidential: bool = False,
) -> Notification:
    """An e-mail (``subject``, a lazy text; the body from ``<template>.txt`` and, when it
    exists, ``<template>.html``), written due now in the caller's transaction and sent as soon
    as it commits (``send_on_commit``): when the mail server refuses, the worker retries it."""
    with translation.override(language):
        try:
            html_body = render_to_string(f"{template}.html", context)
        except TemplateDoesNotExist:
            html_body = ""
        content = {
            "subject": " ".join(str(subject).split())[:200],
            "body": render_to_string(f"{template}.txt", context).strip(),
            "html_body": html_body,
        }
    notification, written = write(
        key=key,
        kind=kind,
        channel=Notification.Channel.EMAIL,
        recipient=recipient,
        address=address,
        language=language,
        due_at=timezone.now(),
        content=content,
        confidential=confidential,
    )
    if written:
        send_on_commit(notification)
    return notification


def send_now(notification: Notification) -> str | None:
    """Send one message at once, in this process (a login code cannot wait for the next
    worker run). Claimed like a batch of one, so a worker cannot send it too; returns the
    status it ends in (pending again after a refused connection: the worker retries)."""
    token = uuid.uuid4().hex
    claimed = (
        Notification.objects.due(timezone.now())
        .filter(pk=notification.pk)
        .update(claimed_until=timezone.now() + lease(), claim_token=token)
    )
    if not claimed:
        return None
    return send_one(Notification.objects.get(pk=notification.pk), token)


def send_on_commit(notification: Notification) -> None:
    transaction.on_commit(lambda: send_now(notification))


def update_pending(notification, *, due_at, content):
    """Move (and re-render) a message that has not left yet; returns whether it was. A worker
    that had claimed it loses it (the token is cleared): it is claimed again, new, when due."""
    if notification.channel == Notification.Channel.SMS:
        due_at = after_quiet_hours(due_at)
    return bool(
        Notification.objects.filter(pk=notification.pk, status=Notification.Status.PENDING).update(
            due_at=due_at,
            claimed_until=None,
            claim_token="",
            updated_at=timezone.now(),
            **content,
        )
    )


def cancel_pending(queryset, *, reason=""):
    return queryset.filter(status=Notification.Status.PENDING).update(
        status=Notification.Status.CANCELLED, last_error=reason, updated_at=timezone.now()
    )


SENDABLE_AGAIN = (Notification.Status.FAILED, Notification.Status.CANCELLED)


def send_again(notification):
    """A failed or cancelled message goes back to the queue, due now. The send-time checks
    (``blocked``) apply again: it goes to the person's current address, or not at all."""
    return bool(
        Notification.objects.filter(pk=notification.pk, status__in=SENDABLE_AGAIN).update(
            status=Notification.Status.PENDING,
            due_at=timezone.now(),
            attempts=0,
            claimed_until=None,
            claim_token="",
            updated_at=timezone.now(),
        )
    )


# Send-time checks registered by the apps that write messages (the person withdrew their
# consent since, paused reminders…): each returns None, or why the message must not go.
_guards = []


def register_guard(guard):
    if guard not in _guards:
        _guards.append(guard)


def refusal(notification):
    return next((reason for guard in _guards if (reason := guard(notification))), None)


# Send-time look-ups of a recipient's address as it is now, registered by the apps that know
# their recipients: each returns None when the recipient is not theirs, otherwise the current
# address for the message's channel ("" when there is none). A message goes where the person
# can be reached today, not where they could when it was written (a failed SMS sent again
# after the phone number was corrected).
_addressers = []

NO_ADDRESS = _("Plus d'adresse pour ce moyen.")


def register_addresser(addresser):
    if addresser not in _addressers:
        _addressers.append(addresser)


def current_address(notification):
    """The address the message should go to now: the registered look-up's, else its own."""
    found = (
        address for addresser in _addressers if (address := addresser(notification)) is not None
    )
    return next(found, notification.address)


def blocked(notification):
    """(reason, address): why the message must not go (None when it may), and where it goes."""
    reason = refusal(notification)
    if reason:
        return reason, notification.address
    address = current_address(notification)
    return (None, address) if address else (NO_ADDRESS, notification.address)


def _delete_messages_of(sender, instance, **kwargs):
    Notification.objects.for_recipient(instance).delete()


def erase_with_recipient(model):
    """Delete the messages of a recipient (their address, their text) when it is deleted: the
    generic recipient has no foreign key to cascade."""
    post_delete.connect(_delete_messages_of, sender=model, dispatch_uid=f"outbox-{model._meta}")


def lease():
    return datetime.timedelta(seconds=settings.NOTIFICATION_LEASE_SECONDS)


def claim(*, now, limit):
    """Lease up to ``limit`` due rows to this worker; returns (token, ids)."""
    token = uuid.uuid4().hex
    due = Notification.objects.due(now)
    if in_quiet_hours(now):
        due = due.exclude(channel=Notification.Channel.SMS)
    with transaction.atomic():
        candidates = due.order_by("due_at", "pk")
        if connection.features.has_select_for_update_skip_locked:
            candidates = candidates.select_for_update(skip_locked=True)
        ids = list(candidates.values_list("pk", flat=True)[:limit])
        # The same conditions again: on SQLite (no row locks) another worker may have taken a
        # row between the SELECT and this UPDATE, and keeps it.
        due.filter(pk__in=ids).update(claimed_until=now + lease(), claim_token=token)
    return token, ids


NON_ASCII_ADDRESS = _(
    "Adresse e-mail avec des accents avant le @ : la plupart des serveurs la refusent. "
    "Corrigez-la dans le dossier."
)


def deliver(notification):
    """Hand one message to its backend; raises sms.TemporaryFailure / PermanentFailure."""
    if notification.channel == Notification.Channel.SMS:
        sms.get_backend().send(
            to=notification.address, text=notification.body, key=notification.idempotency_key
        )
        return
    local_part = notification.address.rpartition("@")[0]
    if not local_part.isascii():
        # No valid To: header can carry it for most servers (SMTPUTF8 is rare): say so.
        raise sms.PermanentFailure(str(NON_ASCII_ADDRESS))
    message = EmailMultiAlternatives(
        notification.subject,
        notification.body,
        settings.DEFAULT_FROM_EMAIL,
        [notification.address],
        headers={
            # A stable Message-ID: mail clients show one copy of a message delivered twice.
            "Message-ID": make_msgid(f"notification-{notification.pk}", "soli-dome"),
            # RFC 3834: no vacation auto-replies to the programme's messages.
            "Auto-Submitted": "auto-generated",
        },
    )
    if notification.html_body:
        message.attach_alternative(notification.html_body, "text/html")
    try:
        message.send()
    except (OSError, TimeoutError) as error:  # smtplib's errors are OSErrors
        raise sms.TemporaryFailure(str(error) or error.__class__.__name__) from error


def send_one(notification, token):
    """Send ``notification`` if this worker's claim still holds it. Returns the final status,
    or None when it is no longer this worker's (cancelled, moved, taken by another worker)."""
    now = timezone.now()
    pk = notification.pk
    started = Notification.objects.filter(
        pk=pk, status=Notification.Status.PENDING, claim_token=token
    ).update(
        status=Notification.Status.SENDING,
        attempts=F("attempts") + 1,
        claimed_until=now + lease(),
        updated_at=now,
    )
    if not started:
        return None
    notification.attempts += 1
    mine = Notification.objects.filter(pk=pk, status=Notification.Status.SENDING, claim_token=token)
    reason, address = blocked(notification)
    if reason:
        mine.update(status=Notification.Status.CANCELLED, last_error=str(reason))
        return Notification.Status.CANCELLED
    if address != notification.address:
        mine.update(address=address)
        notification.address = address
    held = _over_budget(notification, mine)
    if held:
        return held
    try:
        deliver(notification)
    except sms.PermanentFailure as error:
        mine.update(status=Notification.Status.FAILED, last_error=str(error)[:1000])
        return Notification.Status.FAILED
    except sms.TemporaryFailure as error:
        return _retry_later(notification, mine, str(error))
    except Exception as error:
        # A bug or an unforeseen answer of a backend: this message only is retried then
        # failed, and the run goes on with the others (it was not sent: the backend raised).
        logger.exception("unexpected error sending notification %s", notification.pk)
        reason = UNEXPECTED_ERROR % {"error": f"{error.__class__.__name__}: {error}"}
        return _retry_later(notification, mine, reason)
    erased = {"body": str(ERASED), "html_body": ""} if notification.is_confidential else {}
    mine.update(status=Notification.Status.SENT, sent_at=timezone.now(), last_error="", **erased)
    return Notification.Status.SENT


ERASED = _("(Contenu effacé après l'envoi : il ouvrait le compte de la personne.)")
HELD_REASON = _("Budget SMS du mois atteint : retenu jusqu'à ce qu'il soit relevé.")


def _over_budget(notification: Notification, mine) -> str | None:
    """Past the month's SMS budget, hold the SMS or turn it into an e-mail, as the
    coordinators chose (``SmsBudget.over_limit``); None when it goes as it is."""
    if notification.channel != Notification.Channel.SMS or notification.skip_budget:
        return None
    budget = SmsBudget.current()
    if budget.over_limit == SmsBudget.OverLimit.WARN or not budget.usage()["is_over"]:
        return None
    if budget.over_limit == SmsBudget.OverLimit.EMAIL:
        as_email = Notification(
            recipient_type_id=notification.recipient_type_id,
            recipient_id=notification.recipient_id,
            channel=Notification.Channel.EMAIL,
            address="",
        )
        email = current_address(as_email)
        if email:
            subject = f"Soli'dôme — {notification.get_kind_display()}"
            mine.update(channel=Notification.Channel.EMAIL, address=email, subject=subject)
            notification.channel, notification.address = Notification.Channel.EMAIL, email
            notification.subject = subject
            return None
    mine.update(
        status=Notification.Status.HELD,
        claimed_until=None,
        claim_token="",
        last_error=str(HELD_REASON),
    )
    return Notification.Status.HELD


def release_held() -> int:
    """A coordinator lets the held SMS go, budget or not: due now."""
    return Notification.objects.filter(status=Notification.Status.HELD).update(
        status=Notification.Status.PENDING,
        skip_budget=True,
        due_at=timezone.now(),
        last_error="",
        updated_at=timezone.now(),
    )


def requeue_held() -> int:
    """After the budget changed: the held SMS are tried again (held again if still over)."""
    return Notification.objects.filter(status=Notification.Status.HELD).update(
        status=Notification.Status.PENDING, due_at=timezone.now(), updated_at=timezone.now()
    )


UNEXPECTED_ERROR = _("Erreur inattendue du service d'envoi (%(error)s).")


def _retry_later(notification: Notification, mine, error: str) -> str:
    """Back to the queue after the next backoff delay, or failed after the last one."""
    if notification.attempts >= len(BACKOFF_MINUTES):
        mine.update(status=Notification.Status.FAILED, last_error=str(error)[:1000])
        return Notification.Status.FAILED
    retry_at = timezone.now() + datetime.timedelta(
        minutes=BACKOFF_MINUTES[notification.attempts - 1]
    )
    mine.update(
        status=Notification.Status.PENDING,
        due_at=retry_at,
        claimed_until=None,
        claim_token="",
        last_error=str(error)[:1000],
    )
    return Notification.Status.PENDING


INTERRUPTED = _(
    "Envoi interrompu (arrêt du processus) : le message est peut-être parti. "
    "Vérifiez avec la personne avant de le renvoyer."
)


def recover_interrupted(now):
    """Settle the rows left *sending* by a worker that died (see the module docstring)."""
    settled = 0
    for notification in Notification.objects.interrupted(now):
        held = Notification.objects.filter(
            pk=notification.pk,
            status=Notification.Status.SENDING,
            claim_token=notification.claim_token,
        )
        if notification.channel == Notification.Channel.SMS:
            delivered = sms.get_backend().was_delivered(notification.idempotency_key)
        else:
            delivered = None
        if delivered:
            settled += held.update(status=Notification.Status.SENT, sent_at=now)
        elif delivered is None:
            settled += held.update(status=Notification.Status.FAILED, last_error=str(INTERRUPTED))
        else:
            settled += held.update(
                status=Notification.Status.PENDING, claimed_until=None, claim_token="", due_at=now
            )
    return settled


def dispatch(*, batch_size=None, time_limit=None):
    """Send what is due, batch after batch, until nothing is due or ``time_limit`` seconds
    have passed (the next beat run takes over). Returns the number of messages sent."""
    batch_size = batch_size or settings.NOTIFICATION_BATCH_SIZE
    time_limit = settings.NOTIFICATION_DISPATCH_TIME_LIMIT if time_limit is None else time_limit
    started = time.monotonic()
    recover_interrupted(timezone.now())
    sent = 0
    while time.monotonic() - started < time_limit:
        token, ids = claim(now=timezone.now(), limit=batch_size)
        if not ids:
            break
        for notification in Notification.objects.filter(pk__in=ids).order_by("due_at", "pk"):
            if send_one(notification, token) == Notification.Status.SENT:
                sent += 1
    return sent
