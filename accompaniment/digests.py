"""The daily writing of messages that no single change causes: nudges for plan steps due
soon, each accompanier's daily digest, and the coordinators' weekly digest (on Mondays).

Each message's key carries the day, so that a second run (two beat processes, a retried
task) writes nothing more. Digests carry counts and first names only: e-mail leaves the
platform, the details stay behind the links.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from accompaniment.models import Goal, Referral, Session
from accompaniment.reminders import DIGEST_KINDS, NO_DIGEST_WANTED, write_step_reminders
from beneficiaries.models import RETENTION_WARNING_DAYS, Assignment, Beneficiary, Consent
from partners.models import Partner
from soli_dome.notifications import outbox
from soli_dome.notifications.models import Notification
from soli_dome.users.models import User

NO_CONTACT_STEPS = (14, 30, 60)


def at(day, hour):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def accompanier_digest(accompanier, today):
    """What one accompanier's day needs, or None when there is nothing to say."""
    files = Beneficiary.objects.filter(assignments__accompanier=accompanier).followed()
    day_start = at(today, 0)
    sessions = list(
        Session.objects.planned()
        .led_by(accompanier)
        .between(day_start, day_start + datetime.timedelta(days=1))
        .order_by("starts_at")
        .prefetch_related("participations__beneficiary")
    )
    no_contact = []
    for days, until in zip(NO_CONTACT_STEPS, (*NO_CONTACT_STEPS[1:], None), strict=True):
        people = files.without_contact_since(days, today)
        if until is not None:
            people = people.exclude(pk__in=files.without_contact_since(until, today))
        no_contact.append((days, people.count()))
    digest = {
        "today": today,
        "sessions": sessions,
        "no_contact": no_contact,
        "referrals_waiting": Referral.objects.waiting_for_news()
        .filter(beneficiary__in=files)
        .count(),
        "goals_due": Goal.objects.open()
        .filter(beneficiary__in=files, target_date__lte=today + datetime.timedelta(days=7))
        .count(),
        # Closed files too: their clock runs as well, and a contact still resets it.
        "retention_ending": Beneficiary.objects.filter(assignments__accompanier=accompanier)
        .retention_ending_soon(today)
        .count(),
        "retention_warning_days": RETENTION_WARNING_DAYS,
    }
    has_news = (
        sessions
        or any(count for _days, count in no_contact)
        or digest["referrals_waiting"]
        or digest["goals_due"]
        or digest["retention_ending"]
    )
    return digest if has_news else None


def coordinator_digest(today):
    followed = Beneficiary.objects.followed()
    has_primary = Assignment.objects.filter(beneficiary=OuterRef("pk"), is_primary=True)
    processing_consent = Consent.objects.filter(
        beneficiary=OuterRef("pk"), kind=Consent.Kind.DATA_PROCESSING, is_given=True
    )
    return {
        "today": today,
        "without_accompanier": followed.filter(~Exists(has_primary)).count(),
        "no_contact_days": settings.NO_CONTACT_ALERT_DAYS,
        "without_contact": followed.without_contact_since(
            settings.NO_CONTACT_ALERT_DAYS, today
        ).count(),
        "partners_to_review": Partner.objects.active().overdue_for_review(today).count(),
        "failed_messages": Notification.objects.filter(
            status=Notification.Status.FAILED,
            updated_at__gte=at(today, 0) - datetime.timedelta(days=7),
        ).count(),
        "retention_due": Beneficiary.objects.retention_ending_soon(today).count(),
        "without_consent": followed.filter(~Exists(processing_consent)).count(),
        "retention_warning_days": RETENTION_WARNING_DAYS,
    }


def _render_digest(user, template, context):
    return outbox.render(
        template=template,
        context={**context, "user": user, "site_url": settings.SITE_URL, "links": links()},
        channel=Notification.Channel.EMAIL,
        language=user.language,
    )


def _write_digest(user, *, key, kind, template, context, due_at):
    outbox.write(
        key=key,
        kind=kind,
        channel=Notification.Channel.EMAIL,
        recipient=user,
        address=user.email,
        language=user.language,
        due_at=due_at,
        content=_render_digest(user, template, context),
    )


def _rewrite_pending_digests(user: User) -> None:
    """The digests not sent yet, written again in the user's language (their key ends with
    their day); one with nothing left to say is cancelled."""
    for digest in pending_digests(user):
        day = datetime.date.fromisoformat(digest.idempotency_key.rsplit(":", 1)[1])
        if digest.kind == Notification.Kind.ACCOMPANIER_DIGEST:
            template, context = "accompanier_digest", accompanier_digest(user, day)
        else:
            template, context = "coordinator_digest", coordinator_digest(day)
        if context is None:
            outbox.cancel_pending(Notification.objects.filter(pk=digest.pk))
            continue
        content = {**_render_digest(user, template, context), "language": user.language}
        outbox.update_pending(digest, due_at=digest.due_at, content=content)


def links():
    """Absolute links of the pages the digests point to."""
    names = {
        "dashboard": "accompaniment:dashboard",
        "follow_up": "beneficiaries:follow_up",
        "partners_to_review": "partners:partner_review_list",
        "outbox": "notifications:notification_list",
        "retention": "accompaniment:retention_list",
        "preferences": "accompaniment:staff_preferences",
    }
    return {key: settings.SITE_URL + reverse(name) for key, name in names.items()}


def write_digests(today):
    now = timezone.now()
    staff = User.objects.filter(is_active=True, wants_digest=True).exclude(email="")
    for accompanier in staff.filter(role=User.Role.ACCOMPANIER):
        digest = accompanier_digest(accompanier, today)
        if digest:
            _write_digest(
                accompanier,
                key=f"accompanier-digest:{accompanier.pk}:{today.isoformat()}",
                kind=Notification.Kind.ACCOMPANIER_DIGEST,
                template="accompanier_digest",
                context=digest,
                due_at=now,
            )
    if today.weekday() != 0:
        return
    digest = coordinator_digest(today)
    for coordinator in staff.filter(role=User.Role.COORDINATOR):
        _write_digest(
            coordinator,
            key=f"coordinator-digest:{coordinator.pk}:{today.isoformat()}",
            kind=Notification.Kind.COORDINATOR_DIGEST,
            template="coordinator_digest",
            context=digest,
            due_at=now,
        )


def pending_digests(user: User):
    return Notification.objects.coming_for(user).filter(kind__in=DIGEST_KINDS)


@transaction.atomic
def save_staff_preferences(form) -> User:
    """Saves a staff member's choices; a digest written but not sent yet follows them: it
    no longer goes once they said they do not want it, and changes language with them."""
    user = form.save()
    if not user.wants_digest:
        outbox.cancel_pending(pending_digests(user), reason=NO_DIGEST_WANTED)
    elif "language" in form.changed_data:
        _rewrite_pending_digests(user)
    return user


def write_daily_notifications(today=None):
    today = today or timezone.localdate()
    write_step_reminders(today)
    write_digests(today)


def catch_up_daily_notifications(now=None):
    """Run every hour: from DAILY_NOTIFICATIONS_HOUR on, the day's nudges and digests are
    written, once (their keys carry the day). A worker that was down at that hour catches up
    at its next run instead of skipping the day."""
    now = timezone.localtime(now)
    if now.hour >= settings.DAILY_NOTIFICATIONS_HOUR:
        write_daily_notifications(now.date())
