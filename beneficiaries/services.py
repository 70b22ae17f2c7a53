import datetime
import logging

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from soli_dome.audit.models import AuditEntry, record
from soli_dome.notifications import outbox
from soli_dome.notifications.models import Notification
from soli_dome.phone import sms_number
from soli_dome.users.models import User

from .models import (
    AccessRequest,
    Assignment,
    Beneficiary,
    Consent,
    ContactChangeRequest,
    DeletionRequest,
    PersonRequest,
    PortalInvitation,
    new_invitation_token,
)

logger = logging.getLogger(__name__)


@transaction.atomic
def create_beneficiary(*, form, by):
    """Save a new file from a valid ``BeneficiaryForm``. An accompanier who creates a file
    follows it as primary; a coordinator may name the primary accompanier."""
    beneficiary = form.save()
    primary = by if by.is_accompanier else form.cleaned_data.get("primary_accompanier")
    if primary is not None:
        Assignment.objects.create(beneficiary=beneficiary, accompanier=primary, is_primary=True)
    record(actor=by, action=AuditEntry.Action.CREATE, target=beneficiary, event="file.created")
    return beneficiary


@transaction.atomic
def update_beneficiary(*, form, by):
    """Save the file. A corrected e-mail also becomes the login address of the person's portal
    account (the form refuses another account's address)."""
    beneficiary = form.save()
    if "email" in form.changed_data and beneficiary.email and beneficiary.user_id:
        _move_login_email(beneficiary.user, beneficiary.email)
    record(
        actor=by,
        action=AuditEntry.Action.UPDATE,
        target=beneficiary,
        event="file.updated",
        fields=sorted(form.changed_data),
    )
    return beneficiary


@transaction.atomic
def assign(*, beneficiary, accompanier, is_primary, by, former_keeps_access=False):
    """Add ``accompanier`` to the file, or change their role on it. Naming a new primary
    accompanier removes the previous one from the file, unless ``former_keeps_access``: then
    they stay as a secondary follower (less data: nobody keeps access by default)."""
    if is_primary:
        former = beneficiary.assignments.filter(is_primary=True).exclude(accompanier=accompanier)
        if former_keeps_access:
            former.update(is_primary=False)
        else:
            for assignment in former.select_related("accompanier"):
                unassign(assignment=assignment, by=by)
    assignment, _ = Assignment.objects.update_or_create(
        beneficiary=beneficiary, accompanier=accompanier, defaults={"is_primary": is_primary}
    )
    record(
        actor=by,
        action=AuditEntry.Action.UPDATE,
        target=beneficiary,
        event="file.assigned_primary" if is_primary else "file.assigned",
        accompanier=accompanier.get_full_name() or accompanier.email,
    )
    return assignment


@transaction.atomic
def unassign(*, assignment, by):
    assignment.delete()
    record(
        actor=by,
        action=AuditEntry.Action.UPDATE,
        target=assignment.beneficiary,
        event="file.unassigned",
        accompanier=assignment.accompanier.get_full_name() or assignment.accompanier.email,
    )


@transaction.atomic
def change_status(*, beneficiary, action, by):
    """``action`` is one of "activate", "pause", "reopen" (closing needs a review)."""
    getattr(beneficiary, action)()
    record(
        actor=by,
        action=AuditEntry.Action.UPDATE,
        target=beneficiary,
        event="file.status_changed",
        status=action,
    )


@transaction.atomic
def record_consents(*, beneficiary, answers, by):
    """Record the person's answers (``{kind: True/False/None}``); None removes a consent that
    had been recorded by mistake. The journal keeps every change."""
    today = timezone.localdate()
    for kind, is_given in answers.items():
        if is_given is None:
            beneficiary.consents.filter(kind=kind).delete()
        else:
            Consent.objects.update_or_create(
                beneficiary=beneficiary,
                kind=kind,
                defaults={"is_given": is_given, "recorded_on": today, "recorded_by": by},
            )
    if answers:
        record(
            actor=by,
            action=AuditEntry.Action.UPDATE,
            target=beneficiary,
            event="file.consents_recorded",
            answers=dict(answers),
        )


def _notify_accompaniers(beneficiary, *, key, subject, template, context):
    """An e-mail to each accompanier of the file, through the outbox (written in this
    transaction, sent once it commits, retried when the mail server refuses)."""
    for accompanier in User.objects.filter(assignments__beneficiary=beneficiary).exclude(email=""):
        with translation.override(accompanier.language):
            text = str(subject) % {"name": beneficiary.first_name}
        outbox.write_email(
            key=f"{key}:{accompanier.pk}",
            kind=Notification.Kind.STAFF_NOTICE,
            recipient=accompanier,
            address=accompanier.email,
            language=accompanier.language,
            subject=text,
            template=template,
            context=context,
        )


# Portal invitation -----------------------------------------------------------------------


@transaction.atomic
def invite_to_portal(*, beneficiary, by):
    """Create or link the person's account (role beneficiary) and e-mail them a link to the
    portal, valid ``PORTAL_INVITATION_DAYS``. Sending again renews the link.

    A new account stays inactive until the invitation is accepted. Raises ValidationError when
    the file has no e-mail, is closed, or its e-mail belongs to someone else's account."""
    if not beneficiary.email:
        raise ValidationError(_("Ajoutez d'abord l'adresse e-mail de la personne à son dossier."))
    if not beneficiary.may_log_in:
        raise ValidationError(_("Ce dossier est clôturé : la personne ne peut plus se connecter."))
    user = beneficiary.user
    if user is None:
        user = User.objects.filter(email__iexact=beneficiary.email).first()
        if user is not None and (
            user.role != User.Role.BENEFICIARY
            or Beneficiary.objects.filter(user=user).exclude(pk=beneficiary.pk).exists()
        ):
            raise ValidationError(_("Cette adresse e-mail est déjà celle d'un autre compte."))
        if user is None:
            user = User.objects.create_user(
                email=beneficiary.email,
                role=User.Role.BENEFICIARY,
                first_name=beneficiary.first_name,
                last_name=beneficiary.last_name,
                language=beneficiary.preferred_language,
                is_active=False,
            )
        beneficiary.user = user
        beneficiary.save(update_fields=["user", "updated_at"])
    elif user.email.casefold() != beneficiary.email.casefold() and not _move_login_email(
        user, beneficiary.email
    ):
        # The file's address was changed without the account following (e.g. in the admin):
        # the invitation goes to the file's address, which becomes the login address.
        raise ValidationError(_("Cette adresse e-mail est déjà celle d'un autre compte."))
    now = timezone.now()
    invitation, _created = PortalInvitation.objects.update_or_create(
        beneficiary=beneficiary,
        defaults={
            "email": user.email,
            "token": new_invitation_token(),
            "sent_at": now,
            "expires_at": now + datetime.timedelta(days=settings.PORTAL_INVITATION_DAYS),
            "accepted_at": None,
            "sent_by": by,
        },
    )
    record(actor=by, action=AuditEntry.Action.UPDATE, target=beneficiary, event="portal.invited")
    _announce_invitation_by_sms(invitation, by=by)
    link = settings.SITE_URL + reverse("beneficiaries:invitation_accept", args=[invitation.token])
    language = beneficiary.preferred_language
    with translation.override(language):
        subject = str(gettext_lazy("Votre espace Soli'dôme vous attend"))
    outbox.write_email(
        key=f"portal-invitation-email:{invitation.pk}:{invitation.sent_at.isoformat()}",
        kind=Notification.Kind.PORTAL_INVITATION,
        recipient=beneficiary,
        address=invitation.email,
        language=language,
        subject=subject,
        template="beneficiaries/email/portal_invitation",
        context={"invitation": invitation, "beneficiary": beneficiary, "link": link},
        confidential=True,  # the link opens the person's account
    )
    return invitation


def _announce_invitation_by_sms(invitation, *, by):
    """An SMS telling the person to look for the invitation in their e-mail, for those who
    read SMS first. It carries no link: the outbox is readable by coordinators, and the link
    opens the person's account."""
    beneficiary = invitation.beneficiary
    try:
        phone = sms_number(beneficiary.phone)
    except ValidationError:  # no phone, or one an SMS cannot reach
        return
    language = beneficiary.preferred_language
    context = {
        "sender": by.first_name or by.get_full_name(),
        "days": settings.PORTAL_INVITATION_DAYS,
    }
    outbox.write(
        key=f"portal-invitation:{invitation.pk}:{invitation.sent_at.isoformat()}",
        kind=Notification.Kind.PORTAL_INVITATION,
        channel=Notification.Channel.SMS,
        recipient=beneficiary,
        address=phone,
        language=language,
        due_at=invitation.sent_at,
        content=outbox.render(
            template="portal_invitation", context=context, channel="sms", language=language
        ),
    )


INVITATION_EXPIRED = gettext_lazy(
    "Ce lien d'invitation a expiré. Demandez à votre accompagnateur·rice de vous en envoyer un "
    "nouveau."
)
INVITATION_USED = gettext_lazy(
    "Ce lien d'invitation ne marche plus : il ne sert qu'une fois. Pour revenir dans votre "
    "espace, demandez un code sur la page de connexion. Si vous n'êtes jamais entré·e dans votre "
    "espace, demandez un nouveau lien à votre accompagnateur·rice."
)
INVITATION_FOR_OLD_ADDRESS = gettext_lazy(
    "Ce lien d'invitation ne marche plus : l'adresse e-mail de votre dossier a changé. Demandez "
    "à votre accompagnateur·rice de vous en envoyer un nouveau."
)


def check_invitation(invitation):
    """Raise ValidationError, with a message for the person, when the link no longer opens
    their space: expired, already used, sent to an address that is no longer the account's,
    or for a closed file."""
    beneficiary = invitation.beneficiary
    if invitation.accepted_at is not None:
        raise ValidationError(INVITATION_USED)
    if invitation.is_expired():
        raise ValidationError(INVITATION_EXPIRED)
    if not beneficiary.may_log_in or beneficiary.user is None:
        raise ValidationError(
            _("Votre accompagnement est terminé : votre espace n'est plus ouvert.")
        )
    if invitation.email.casefold() != beneficiary.user.email.casefold():
        raise ValidationError(INVITATION_FOR_OLD_ADDRESS)


@transaction.atomic
def accept_invitation(*, invitation):
    """Open the account of a valid invitation and mark its address verified (login by code
    sends the code to it). The link works once: its token is replaced. Returns the user to log
    in. Raises ValidationError (see ``check_invitation``) when the link no longer works."""
    invitation = (
        PortalInvitation.objects.select_for_update(of=("self",))
        .select_related("beneficiary__user")
        .get(pk=invitation.pk)
    )
    check_invitation(invitation)
    beneficiary = invitation.beneficiary
    user = beneficiary.user
    if not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    invitation.accepted_at = timezone.now()
    invitation.token = new_invitation_token()
    invitation.save(update_fields=["accepted_at", "token", "updated_at"])
    record(actor=user, action=AuditEntry.Action.UPDATE, target=beneficiary, event="portal.joined")
    return user


# Requests and choices made by the person on their portal ---------------------------------


@transaction.atomic
def withdraw_consent(*, consent, by):
    """The person withdraws a consent they gave. Kept as "refused" with the date and who
    recorded it; the accompaniers are told by e-mail after commit. What depends on it stops:
    a referral needs ``partner_sharing`` (see ``has_sharing_consent``), reminders need
    ``reminders`` (see ``Beneficiary.effective_reminder_channel``)."""
    return _change_consent_by_the_person(
        consent,
        by=by,
        given=False,
        event="file.consent_withdrawn",
        subject=gettext_lazy("Soli'dôme — %(name)s a retiré un consentement"),
        template="beneficiaries/email/consent_withdrawn",
    )


@transaction.atomic
def give_back_consent(*, consent, by):
    """The person gives back a consent they had withdrawn: recorded as given, today, by them,
    with its own journal entry; the accompaniers are told the same way as of a withdrawal."""
    return _change_consent_by_the_person(
        consent,
        by=by,
        given=True,
        event="file.consent_given_back",
        subject=gettext_lazy("Soli'dôme — %(name)s a redonné un consentement"),
        template="beneficiaries/email/consent_given_back",
    )


def _change_consent_by_the_person(consent, *, by, given, event, subject, template):
    consent = Consent.objects.select_for_update().select_related("beneficiary").get(pk=consent.pk)
    if consent.is_given == given:
        return consent
    consent.is_given = given
    consent.recorded_on = timezone.localdate()
    consent.recorded_by = by
    consent.save(update_fields=["is_given", "recorded_on", "recorded_by", "updated_at"])
    beneficiary = consent.beneficiary
    record(
        actor=by,
        action=AuditEntry.Action.UPDATE,
        target=beneficiary,
        event=event,
        kind=consent.kind,
    )
    link = settings.SITE_URL + beneficiary.get_absolute_url()
    _notify_accompaniers(
        beneficiary,
        key=f"{event}:{consent.pk}:{timezone.now().isoformat()}",
        subject=subject,
        template=template,
        context={"consent": consent, "beneficiary": beneficiary, "link": link},
    )
    return consent


@transaction.atomic
def update_preferences(*, form, by):
    """Save the person's reminder and language choices; the language also becomes the one of
    their account (e-mails) and of the site."""
    beneficiary = form.save()
    if beneficiary.user is not None and beneficiary.user.language != beneficiary.preferred_language:
        beneficiary.user.language = beneficiary.preferred_language
        beneficiary.user.save(update_fields=["language"])
    record(
        actor=by,
        action=AuditEntry.Action.UPDATE,
        target=beneficiary,
        event="file.preferences_changed",
        fields=sorted(form.changed_data),
    )
    return beneficiary


@transaction.atomic
def request_contact_change(*, beneficiary, form, by):
    change = form.save(commit=False)
    change.beneficiary = beneficiary
    change.save()
    record(
        actor=by,
        action=AuditEntry.Action.UPDATE,
        target=beneficiary,
        event="contact_change.requested",
    )
    link = settings.SITE_URL + beneficiary.get_absolute_url()
    _notify_accompaniers(
        beneficiary,
        key=f"contact-change:{change.pk}",
        subject=gettext_lazy("Soli'dôme — %(name)s demande à changer ses coordonnées"),
        template="beneficiaries/email/contact_change_requested",
        context={"beneficiary": beneficiary, "link": link},
    )
    return change


@transaction.atomic
def decide_contact_change(*, change, confirm, by):
    """Confirm (the file takes the new details) or decline a pending request. Returns False
    when it had already been decided."""
    change = (
        ContactChangeRequest.objects.select_for_update()
        .select_related("beneficiary")
        .get(pk=change.pk)
    )
    if change.status != ContactChangeRequest.Status.PENDING:
        return False
    beneficiary = change.beneficiary
    if confirm:
        fields = []
        for name in ("phone", "email"):
            if getattr(change, name):
                setattr(beneficiary, name, getattr(change, name))
                fields.append(name)
        if change.commune_id:
            beneficiary.commune_id = change.commune_id
            fields.append("commune")
        beneficiary.save(update_fields=[*fields, "updated_at"])
        if change.email and beneficiary.user_id:
            _move_login_email(beneficiary.user, change.email)
    change.status = (
        ContactChangeRequest.Status.CONFIRMED if confirm else ContactChangeRequest.Status.DECLINED
    )
    change.decided_at = timezone.now()
    change.decided_by = by
    change.save(update_fields=["status", "decided_at", "decided_by", "updated_at"])
    record(
        actor=by,
        action=AuditEntry.Action.UPDATE,
        target=beneficiary,
        event="contact_change.decided",
        status=change.status,
    )
    return True


def _move_login_email(user, email):
    """The login codes go to the confirmed address, unless another account already uses it.
    Returns whether the address moved (or already was the account's)."""
    if User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists():
        return False
    user.email = email
    user.save(update_fields=["email"])
    EmailAddress.objects.filter(user=user).delete()
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return True


def _open_request(model: type[PersonRequest], *, beneficiary, by, event: str) -> PersonRequest:
    """The person's pending request of this kind, made (and journaled) if there was none."""
    request, created = model.objects.pending().get_or_create(beneficiary=beneficiary)
    if created:
        record(actor=by, action=AuditEntry.Action.UPDATE, target=beneficiary, event=event)
    return request


def _mark_handled(request: PersonRequest, *, by, event: str) -> bool:
    """Marks a pending request handled; False when someone else already did."""
    now = timezone.now()
    updated = (
        type(request)
        .objects.filter(pk=request.pk, handled_at=None)
        .update(handled_at=now, handled_by=by, updated_at=now)
    )
    if updated:
        record(actor=by, action=AuditEntry.Action.UPDATE, target=request.beneficiary, event=event)
    return bool(updated)


@transaction.atomic
def request_deletion(*, beneficiary, by) -> DeletionRequest:
    """A pending deletion request for the coordinators (one at a time)."""
    return _open_request(
        DeletionRequest, beneficiary=beneficiary, by=by, event="deletion.requested"
    )


@transaction.atomic
def mark_deletion_handled(*, deletion_request: DeletionRequest, by) -> bool:
    return _mark_handled(deletion_request, by=by, event="deletion.handled")


@transaction.atomic
def request_access(*, beneficiary, by) -> AccessRequest:
    """A pending right-of-access request (a full copy, staff notes included), one at a time."""
    return _open_request(AccessRequest, beneficiary=beneficiary, by=by, event="access.requested")


@transaction.atomic
def mark_access_request_handled(*, access_request: AccessRequest, by) -> bool:
    return _mark_handled(access_request, by=by, event="access.handled")
