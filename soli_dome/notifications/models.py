import datetime

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from soli_dome.models import TimeStampedModel


class NotificationQuerySet(models.QuerySet):
    def due(self, now):
        """Pending messages whose time has come and that no live worker holds."""
        return self.filter(status=Notification.Status.PENDING, due_at__lte=now).filter(
            Q(claimed_until=None) | Q(claimed_until__lt=now)
        )

    def interrupted(self, now):
        """Messages whose sending started in a worker that did not finish within its lease."""
        return self.filter(status=Notification.Status.SENDING, claimed_until__lt=now)

    def sms_sent_in_month(self, day):
        start = timezone.make_aware(
            datetime.datetime.combine(day.replace(day=1), datetime.time.min)
        )
        return self.filter(
            channel=Notification.Channel.SMS, status=Notification.Status.SENT, sent_at__gte=start
        )

    def coming_for(self, recipient):
        """What is still to be sent to ``recipient``, soonest first (show a slice)."""
        return (
            self.for_recipient(recipient)
            .filter(status__in=[Notification.Status.PENDING, Notification.Status.HELD])
            .order_by("due_at", "pk")
        )

    def for_recipient(self, recipient):
        return self.filter(
            recipient_type=ContentType.objects.get_for_model(recipient), recipient_id=recipient.pk
        )


class Notification(TimeStampedModel):
    """A message to send (the outbox). It is written in the same transaction as the change that
    causes it, then sent by a worker (``outbox.dispatch``).

    Subject and body are rendered when the row is written, in the recipient's language, and
    rendered again when the event changes (``update_pending``): the generic outbox needs no
    knowledge of sessions or workshops, and what the outbox page shows is exactly what the
    person receives. The recipient is generic (a beneficiary or a user) so that this core app
    does not depend on ``beneficiaries``; ``address`` keeps the phone or e-mail resolved then.
    """

    class Kind(models.TextChoices):
        SESSION_REMINDER = "session_reminder", _("Rappel de rendez-vous")
        WORKSHOP_REMINDER = "workshop_reminder", _("Rappel d'atelier")
        APPOINTMENT_CREATED = "appointment_created", _("Rendez-vous fixé")
        APPOINTMENT_CHANGED = "appointment_changed", _("Rendez-vous modifié")
        APPOINTMENT_CANCELLED = "appointment_cancelled", _("Rendez-vous annulé")
        STEP_REMINDER = "step_reminder", _("Rappel d'action")
        PORTAL_INVITATION = "portal_invitation", _("Invitation à l'espace personnel")
        ACCOMPANIER_DIGEST = "accompanier_digest", _("Résumé du jour (accompagnement)")
        COORDINATOR_DIGEST = "coordinator_digest", _("Résumé de la semaine (coordination)")
        ACCOUNT_EMAIL = "account_email", _("Compte (code de connexion, mot de passe)")
        STAFF_NOTICE = "staff_notice", _("Information à l'équipe")
        REFERRAL_EMAIL = "referral_email", _("Orientation vers un partenaire")

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        SMS = "sms", _("SMS")

    class Status(models.TextChoices):
        PENDING = "pending", _("À envoyer")
        SENDING = "sending", _("En cours d'envoi")
        SENT = "sent", _("Envoyé")
        FAILED = "failed", _("Échec")
        CANCELLED = "cancelled", _("Annulé")
        HELD = "held", _("Retenu (budget SMS atteint)")

    kind = models.CharField(_("type"), max_length=30, choices=Kind)
    channel = models.CharField(_("canal"), max_length=5, choices=Channel)
    recipient_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    recipient_id = models.PositiveBigIntegerField()
    recipient = GenericForeignKey("recipient_type", "recipient_id")
    address = models.CharField(_("adresse"), max_length=254)
    language = models.CharField(_("langue"), max_length=2, default="fr")
    # What the message is about ("session:12"), to move or cancel its messages together.
    topic = models.CharField(max_length=50, blank=True, db_index=True)
    subject = models.CharField(_("objet"), max_length=200, blank=True)
    body = models.TextField(_("message"))
    html_body = models.TextField(blank=True)
    # A login code or a link that opens an account: hidden on the outbox page, erased once
    # sent (coordinators read the outbox; the code or link is the person's alone).
    is_confidential = models.BooleanField(default=False)
    # Released by a coordinator past the month's SMS budget: sent even when over it.
    skip_budget = models.BooleanField(default=False)
    due_at = models.DateTimeField(_("à envoyer le"))
    status = models.CharField(_("statut"), max_length=10, choices=Status, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    last_error = models.TextField(_("dernière erreur"), blank=True)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)
    # The lease of the worker that claimed the row, and its claim's token (see outbox.py).
    claimed_until = models.DateTimeField(null=True, blank=True)
    claim_token = models.CharField(max_length=32, blank=True)
    # One message per event, recipient, channel and moment: "session-reminder:12:34:sms:2d".
    idempotency_key = models.CharField(max_length=200, unique=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-due_at", "-pk"]
        indexes = [
            models.Index(
                fields=["due_at"],
                condition=Q(status="pending"),
                name="notification_pending_due",
            ),
            models.Index(fields=["recipient_type", "recipient_id"], name="notification_recipient"),
            # The outbox page: newest first, whole or by status.
            models.Index(fields=["-due_at", "-id"], name="notification_list_order"),
            models.Index(fields=["status", "-due_at"], name="notification_status_order"),
            # The month's SMS, counted against the budget.
            models.Index(
                fields=["sent_at"],
                condition=Q(channel="sms", status="sent"),
                name="notification_sms_sent",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False),
                name="notification_sent_has_date",
                violation_error_message=_("Un message envoyé a une date d'envoi."),
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.address}"

    @property
    def can_send_again(self):
        return self.status in {self.Status.FAILED, self.Status.CANCELLED}


def default_over_limit():
    return settings.SMS_OVER_BUDGET


class SmsBudget(models.Model):
    """The number of SMS the programme plans to send each month, set by coordinators. A single
    row (``current()``). Past it, ``over_limit`` says what happens: the SMS still go (the
    outbox page warns), they are held until a coordinator raises the budget or releases them,
    or they go by e-mail to the people who have one (held for the others)."""

    class OverLimit(models.TextChoices):
        WARN = "warn", _("Les SMS partent quand même (avertissement seulement)")
        HOLD = "hold", _("Les SMS sont retenus jusqu'à ce que le budget soit relevé")
        EMAIL = "email", _("Envoyer par e-mail à qui en a un, retenir les autres SMS")

    monthly_limit = models.PositiveIntegerField(_("SMS par mois"), default=500)
    over_limit = models.CharField(
        _("une fois le budget atteint"),
        max_length=5,
        choices=OverLimit,
        default=default_over_limit,
    )
    updated_at = models.DateTimeField(auto_now=True)

    WARNING_RATIO = 0.9

    class Meta:
        verbose_name = _("budget SMS")
        verbose_name_plural = _("budgets SMS")

    def __str__(self):
        return str(self.monthly_limit)

    @classmethod
    def current(cls):
        budget, _created = cls.objects.get_or_create(pk=1)
        return budget

    def usage(self, day=None):
        day = day or timezone.localdate()
        count = Notification.objects.sms_sent_in_month(day).count()
        return {
            "count": count,
            "limit": self.monthly_limit,
            "is_near": count >= self.monthly_limit * self.WARNING_RATIO,
            "is_over": count >= self.monthly_limit,
        }
