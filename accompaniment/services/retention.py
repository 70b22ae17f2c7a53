"""The retention clock (CNIL reference for social accompaniment) and irreversible anonymisation.

A file stays active two years after the last contact with the person (the entry date when
there never was one, see ``BeneficiaryQuerySet.retention_due``). Then it keeps only what the
statistics need: public (the birth year), commune, gender, situation, dates, attendance,
amounts. Names, contact details and every free text are removed, the portal account is
closed and the messages written to or about the person are deleted.

Anonymising is idempotent: a file is claimed with ``anonymised_at IS NULL`` under a row lock,
so a second run (or two beat processes) changes nothing. Each one is journaled.
"""

import contextlib
import datetime
import re
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accompaniment.models import (
    CalendarFeed,
    ExitReview,
    Goal,
    Note,
    Referral,
    Session,
    Step,
    Support,
)
from accompaniment.models.referrals import new_token
from beneficiaries.models import (
    AccessRequest,
    Beneficiary,
    ContactChangeRequest,
    DeletionRequest,
    PortalInvitation,
)
from soli_dome.audit.models import AuditEntry, record
from soli_dome.audit.purge import scrub_free_texts
from soli_dome.notifications.models import Notification
from soli_dome.phone import display_phone, to_e164


@dataclass(frozen=True)
class Due:
    """A file the retention job anonymises (what ``--dry-run`` lists)."""

    pk: int
    retention_start: datetime.date
    status: str


def files_due(today: datetime.date | None = None) -> list[Due]:
    return [
        Due(pk=pk, retention_start=start, status=status)
        for pk, start, status in Beneficiary.objects.retention_due(today)
        .order_by("retention_start", "pk")
        .values_list("pk", "retention_start", "status")
    ]


def apply_retention(*, today: datetime.date | None = None) -> list[int]:
    """Anonymise every file whose two years are over; returns their ids. Each file in its own
    transaction: one failure does not undo the others, and the next run resumes."""
    done = []
    for due in files_due(today):
        if anonymise(
            beneficiary_id=due.pk,
            by=None,
            exit_reason=Beneficiary.ExitReason.LOST_CONTACT,
            today=today,
        ):
            done.append(due.pk)
    return done


def _traces(beneficiary: Beneficiary) -> list[str]:
    """The strings that identify the person in a message: names, e-mail, phone numbers."""
    traces = [f"{beneficiary.first_name} {beneficiary.last_name}".strip(), beneficiary.email]
    if beneficiary.last_name:
        # Digests and calendars shorten names to "Inès B.".
        traces.append(f"{beneficiary.first_name} {beneficiary.last_name[:1].upper()}.")
    if beneficiary.phone:
        traces += [beneficiary.phone, display_phone(beneficiary.phone)]
        # A number typed before the format was checked may not convert.
        with contextlib.suppress(ValidationError):
            traces.append(to_e164(beneficiary.phone))
    return [trace for trace in traces if trace and len(trace) > 3]


def _delete_messages(beneficiary: Beneficiary) -> None:
    """Messages to the person (file or account), and any other message that names them. The
    text search reads the whole outbox: a daily job on a handful of files can afford it."""
    to_them = Q(
        recipient_type=ContentType.objects.get_for_model(Beneficiary), recipient_id=beneficiary.pk
    )
    if beneficiary.user_id:
        to_them |= Q(
            recipient_type=ContentType.objects.get_for_model(beneficiary.user),
            recipient_id=beneficiary.user_id,
        )
    Notification.objects.filter(to_them).delete()
    traces = _traces(beneficiary)
    candidates = Q(pk__in=[])
    for trace in traces:
        for field in ("address", "subject", "body", "html_body"):
            candidates |= Q(**{f"{field}__icontains": trace})
    # Whole words only: "Léa Martin" must not take "Léa Martinez"'s messages with it.
    pattern = re.compile(
        r"(?<!\w)(" + "|".join(re.escape(trace) for trace in traces) + r")(?!\w)", re.IGNORECASE
    )
    naming_them = [
        pk
        for pk, *texts in Notification.objects.filter(candidates).values_list(
            "pk", "address", "subject", "body", "html_body"
        )
        if any(pattern.search(text) for text in texts)
    ]
    Notification.objects.filter(pk__in=naming_them).delete()


def _close_account(user) -> None:
    """The portal account can no longer log in and keeps nothing that identifies the person.
    The row stays: consents and the journal point to it."""
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    CalendarFeed.objects.filter(user=user).delete()
    user.email = f"compte-ferme-{user.pk}@anonyme.invalid"
    user.first_name = user.last_name = ""
    user.is_active = False
    user.set_unusable_password()
    user.save(update_fields=["email", "first_name", "last_name", "is_active", "password"])


def _erase_free_texts(beneficiary: Beneficiary) -> None:
    Note.objects.filter(beneficiary=beneficiary).update(text="")
    Goal.objects.filter(beneficiary=beneficiary).update(title="")
    Step.objects.filter(goal__beneficiary=beneficiary).update(title="")
    Support.objects.filter(beneficiary=beneficiary).update(description="")
    ExitReview.objects.filter(beneficiary=beneficiary).update(what_changed="", next_destination="")
    referrals = Referral.objects.filter(beneficiary=beneficiary)
    referrals.update(message="", partner_answer="", consent_override_reason="")
    # A refusal keeps a reason (a constraint): a dash, not the partner's words.
    referrals.exclude(refusal_reason="").update(refusal_reason="—")
    # The partner's link dies: a fresh token nobody holds, expired now.
    now = timezone.now()
    for referral in referrals.filter(direction=Referral.Direction.OUTBOUND):
        referral.token, referral.expires_at = new_token(), now
        referral.save(update_fields=["token", "expires_at"])
    # An individual session is about the person only (its place may be their home); a
    # collective one is about the group and keeps its texts.
    Session.objects.filter(
        kind=Session.Kind.INDIVIDUAL, participations__beneficiary=beneficiary
    ).update(place="", private_notes="", shared_summary="", next_steps="", cancellation_reason="")
    ContactChangeRequest.objects.filter(beneficiary=beneficiary).delete()
    PortalInvitation.objects.filter(beneficiary=beneficiary).delete()
    # The journal is append-only, but goal and step titles were copied into it.
    scrub_free_texts(AuditEntry.objects.about(beneficiary))
    # The Django admin's history repeats the file's name.
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Beneficiary),
        object_id=str(beneficiary.pk),
    ).update(object_repr=f"#{beneficiary.pk}", change_message="")


@transaction.atomic
def anonymise(
    *,
    beneficiary_id: int,
    by,
    reason: str | None = None,
    exit_reason: str = Beneficiary.ExitReason.OTHER,
    today: datetime.date | None = None,
) -> bool:
    """Anonymise one file, irreversibly. ``by`` is the coordinator, with their ``reason``, or
    None for the retention job. Returns False when the file was already anonymised (nothing
    changes then)."""
    today = today or timezone.localdate()
    now = timezone.now()
    beneficiary = (
        Beneficiary.objects.select_for_update(of=("self",))
        .filter(pk=beneficiary_id, anonymised_at=None)
        .select_related("user")
        .order_by()
        .first()
    )
    if beneficiary is None:
        return False
    _delete_messages(beneficiary)
    _erase_free_texts(beneficiary)
    if beneficiary.user is not None:
        _close_account(beneficiary.user)
    if beneficiary.status != Beneficiary.Status.CLOSED:
        beneficiary.status = Beneficiary.Status.CLOSED
        beneficiary.exit_date = max(today, beneficiary.entry_date)
        beneficiary.exit_reason = exit_reason
    # The year stays for the statistics; mid-year keeps the computed age within six months.
    beneficiary.birth_date = datetime.date(beneficiary.birth_date.year, 7, 1)
    beneficiary.first_name = beneficiary.last_name = ""
    beneficiary.phone = beneficiary.email = ""
    beneficiary.preferred_channel = Beneficiary.Channel.NONE
    beneficiary.reminder_channel = Beneficiary.ReminderChannel.NONE
    beneficiary.same_morning_reminder = beneficiary.step_reminders = False
    beneficiary.reminders_paused_until = None
    beneficiary.anonymised_at = now
    beneficiary.save()
    for requests in (DeletionRequest.objects, AccessRequest.objects):
        requests.pending().filter(beneficiary=beneficiary).update(
            handled_at=now, handled_by=by, updated_at=now
        )
    by_the_clock = reason is None
    record(
        actor=by,
        action=AuditEntry.Action.UPDATE,
        target=beneficiary,
        event="file.anonymised_at_retention_end" if by_the_clock else "file.anonymised",
        **({} if by_the_clock else {"reason": reason}),
    )
    return True
