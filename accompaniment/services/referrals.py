"""Referrals to partners: consent rule, creation with the partner's e-mail, the partner's
answer, and the daily reminders and expiry."""

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from accompaniment.models import Referral
from accompaniment.models.referrals import new_token
from accompaniment.services.plans import ensure_file_open
from beneficiaries.models import Beneficiary, Consent
from soli_dome.audit.models import AuditEntry, record
from soli_dome.notifications import outbox
from soli_dome.notifications.models import Notification

logger = logging.getLogger(__name__)


def has_sharing_consent(beneficiary):
    """True when the person's consent to share information with a partner is recorded as
    given."""
    return Consent.objects.filter(
        beneficiary=beneficiary, kind=Consent.Kind.PARTNER_SHARING, is_given=True
    ).exists()


def may_override_consent(user):
    return user.is_coordinator


def partner_recipients(partner):
    """The partner's e-mail and its first contact's e-mail, without repeats."""
    addresses = [partner.email]
    contact = partner.contacts.exclude(email="").order_by("name", "pk").first()
    if contact is not None:
        addresses.append(contact.email)
    return list(dict.fromkeys(address for address in addresses if address))


def _send_to_partner(referral, template, subject, *, key):
    """The referral's e-mail to the partner through the outbox (sent once the transaction
    commits, retried when the mail server refuses); False when the partner has no address."""
    recipients = partner_recipients(referral.partner)
    for address in recipients:
        outbox.write_email(
            key=f"{key}:{address}",
            kind=Notification.Kind.REFERRAL_EMAIL,
            recipient=referral.partner,
            address=address,
            language="fr",
            subject=subject,
            template=template,
            context={
                "referral": referral,
                "link": referral.public_url(),
                "sender": referral.created_by,
            },
            # The link opens the referral's shared fields: kept off the outbox page.
            confidential=True,
        )
    return bool(recipients)


def referral_text(referral):
    """A ready-to-send text with the link, for the sender to paste into their own message."""
    return render_to_string(
        "accompaniment/email/referral_sent.txt",
        {"referral": referral, "link": referral.public_url(), "sender": referral.created_by},
    ).strip()


@transaction.atomic
def create_referral(*, beneficiary, form, by):
    """Save an outbound referral from a valid ``ReferralForm`` (which checked the consent
    rule), journal it on the file and e-mail the link to the partner after commit. A closed
    file (checked on the locked row, so that a closing at the same moment counts) raises
    ``ClosedFileError``: nothing saved, nobody e-mailed."""
    ensure_file_open(Beneficiary.objects.select_for_update().get(pk=beneficiary.pk))
    referral = form.save(commit=False)
    referral.beneficiary = beneficiary
    referral.direction = Referral.Direction.OUTBOUND
    referral.created_by = by
    referral.sent_at = timezone.now()
    referral.token = new_token()
    referral.expires_at = referral.sent_at + datetime.timedelta(days=settings.REFERRAL_EXPIRY_DAYS)
    referral.save()
    record(
        actor=by,
        action=AuditEntry.Action.UPDATE,
        target=beneficiary,
        event="referral.sent_without_consent"
        if referral.consent_override_reason
        else "referral.sent",
        partner=referral.partner.name,
    )
    _send_to_partner(
        referral,
        "accompaniment/email/referral_sent",
        _("Soli'dôme — orientation de %(name)s") % {"name": beneficiary.first_name},
        key=f"referral-sent:{referral.pk}",
    )
    return referral


@transaction.atomic
def record_inbound_referral(*, beneficiary, form, by):
    """The person was referred to the programme by a partner: recorded as done, no link.
    A closed file raises ``ClosedFileError``, as for an outbound referral."""
    ensure_file_open(Beneficiary.objects.select_for_update().get(pk=beneficiary.pk))
    referral = form.save(commit=False)
    referral.beneficiary = beneficiary
    referral.direction = Referral.Direction.INBOUND
    referral.status = Referral.Status.DONE
    referral.created_by = by
    referral.closed_at = referral.sent_at
    referral.save()
    record(
        actor=by,
        action=AuditEntry.Action.UPDATE,
        target=beneficiary,
        event="referral.received",
        partner=referral.partner.name,
    )
    return referral


def process_referral_deadlines(*, now=None):
    """Expire the referrals still unanswered at ``expires_at``, and send one reminder to the
    partner for those unanswered for ``REFERRAL_REMINDER_DAYS``. Each reminder is claimed by
    a conditional UPDATE on ``reminded_at``, so it is never sent twice. Returns the numbers
    (expired, reminded)."""
    now = now or timezone.now()
    expired = (
        Referral.objects.waiting_for_news()
        .filter(expires_at__lte=now)
        .update(status=Referral.Status.EXPIRED, closed_at=now, updated_at=now)
    )
    due = now - datetime.timedelta(days=settings.REFERRAL_REMINDER_DAYS)
    candidates = Referral.objects.waiting_for_news().filter(
        reminded_at=None, sent_at__lte=due, expires_at__gt=now
    )
    reminded = 0
    for pk in list(candidates.values_list("pk", flat=True)):
        claimed = Referral.objects.filter(pk=pk, reminded_at=None).update(reminded_at=now)
        if not claimed:
            continue
        referral = Referral.objects.select_related("beneficiary", "partner", "created_by").get(
            pk=pk
        )
        if _send_to_partner(
            referral,
            "accompaniment/email/referral_reminder",
            _("Soli'dôme — rappel : orientation de %(name)s")
            % {"name": referral.beneficiary.first_name},
            key=f"referral-reminder:{referral.pk}",
        ):
            reminded += 1
    return expired, reminded
