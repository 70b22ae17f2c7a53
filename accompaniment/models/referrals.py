import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beneficiaries.models import Beneficiary
from soli_dome.models import TimeStampedModel

from .plans import Theme, visible_files_filter


def new_token():
    return secrets.token_urlsafe(32)


class ReferralQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Referrals of the files ``user`` may open."""
        return self.filter(visible_files_filter(user, "beneficiary"))

    def outbound(self):
        return self.filter(direction=Referral.Direction.OUTBOUND)

    def waiting_for_news(self):
        """Referrals sent to a partner who has not answered yet."""
        return self.outbound().filter(status=Referral.Status.SENT)


class Referral(TimeStampedModel):
    """A person referred by the programme to a partner for a need (outbound), or referred to
    the programme by a partner (inbound, recorded as done, without a link).

    The partner answers an outbound referral through ``public_url`` without an account; only
    the first name and the ``shared_fields`` chosen by the sender are shown there."""

    class Direction(models.TextChoices):
        OUTBOUND = "outbound", _("Vers un partenaire")
        INBOUND = "inbound", _("Par un partenaire")

    class Status(models.TextChoices):
        SENT = "sent", _("Envoyée")
        ACCEPTED = "accepted", _("Acceptée")
        REFUSED = "refused", _("Refusée")
        DONE = "done", _("Réalisée")
        EXPIRED = "expired", _("Expirée")

    class SharedField(models.TextChoices):
        LAST_NAME = "last_name", _("Nom de famille")
        PHONE = "phone", _("Téléphone")
        EMAIL = "email", _("E-mail")
        AGE = "age", _("Âge et public")
        COMMUNE = "commune", _("Commune")

    direction = models.CharField(
        _("sens"), max_length=10, choices=Direction, default=Direction.OUTBOUND
    )
    beneficiary = models.ForeignKey(
        Beneficiary,
        verbose_name=_("bénéficiaire"),
        on_delete=models.PROTECT,
        related_name="referrals",
    )
    partner = models.ForeignKey(
        "partners.Partner",
        verbose_name=_("partenaire"),
        on_delete=models.PROTECT,
        related_name="referrals",
    )
    theme = models.ForeignKey(
        Theme,
        verbose_name=_("besoin"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
    )
    message = models.TextField(
        _("message au partenaire"),
        blank=True,
        help_text=_("Seulement ce que le partenaire doit savoir pour répondre à ce besoin."),
    )
    shared_fields = models.JSONField(_("informations partagées"), default=list, blank=True)
    status = models.CharField(_("statut"), max_length=10, choices=Status, default=Status.SENT)
    sent_at = models.DateTimeField(_("envoyée le"), default=timezone.now)
    answered_at = models.DateTimeField(_("réponse le"), null=True, blank=True)
    closed_at = models.DateTimeField(_("close le"), null=True, blank=True)
    refusal_reason = models.TextField(_("motif du refus"), blank=True)
    partner_answer = models.TextField(_("réponse du partenaire"), blank=True)
    consent_override_reason = models.TextField(
        _("justification de l'envoi sans consentement"), blank=True
    )
    token = models.CharField(max_length=64, blank=True, editable=False)
    expires_at = models.DateTimeField(_("lien valable jusqu'au"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("relance envoyée le"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("orientée par"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = _("orientation")
        verbose_name_plural = _("orientations")
        ordering = ["-sent_at", "-pk"]
        indexes = [models.Index(fields=["sent_at"], name="referral_sent_at")]
        constraints = [
            models.UniqueConstraint(
                fields=["token"],
                condition=~Q(token=""),
                name="referral_token_unique",
                violation_error_message=_("Ce lien existe déjà."),
            ),
            models.CheckConstraint(
                condition=Q(direction="inbound") | (~Q(token="") & Q(expires_at__isnull=False)),
                name="referral_outbound_has_link",
                violation_error_message=_("Une orientation envoyée a un lien et une échéance."),
            ),
            models.CheckConstraint(
                condition=~Q(status="refused") | ~Q(refusal_reason=""),
                name="referral_refusal_has_reason",
                violation_error_message=_("Un refus est motivé."),
            ),
        ]

    def __str__(self):
        return f"{self.beneficiary.first_name} → {self.partner}"

    def get_absolute_url(self):
        return reverse("accompaniment:referral_detail", args=[self.pk])

    def public_url(self):
        """The absolute link sent to the partner (built on ``SITE_URL``)."""
        return settings.SITE_URL + reverse("accompaniment:referral_answer", args=[self.token])

    def shares(self, name):
        return name in self.shared_fields

    def shared_field_labels(self):
        return [self.SharedField(name).label for name in self.shared_fields]

    def link_is_active(self, now=None):
        """The partner's link works for an outbound referral not yet refused, done or expired,
        until ``expires_at``."""
        now = now or timezone.now()
        return (
            self.direction == self.Direction.OUTBOUND
            and self.status in {self.Status.SENT, self.Status.ACCEPTED}
            and self.expires_at is not None
            and now < self.expires_at
        )

    def answer(self, *, status, text="", now=None):
        """The partner's answer: accept or refuse a sent referral, or mark a sent or accepted
        one done. One conditional UPDATE, so that a step is answered only once; returns
        False when the referral was no longer in a state to take this answer."""
        now = now or timezone.now()
        allowed_from = {
            self.Status.ACCEPTED: [self.Status.SENT],
            self.Status.REFUSED: [self.Status.SENT],
            self.Status.DONE: [self.Status.SENT, self.Status.ACCEPTED],
        }[status]
        changes = {"status": status, "updated_at": now}
        if self.answered_at is None:
            changes["answered_at"] = now
        if status == self.Status.REFUSED:
            changes["refusal_reason"] = text
        elif text:
            changes["partner_answer"] = text
        if status in {self.Status.REFUSED, self.Status.DONE}:
            changes["closed_at"] = now
        updated = (
            Referral.objects.filter(pk=self.pk, status__in=allowed_from, expires_at__gt=now)
            .outbound()
            .update(**changes)
        )
        if updated:
            for name, value in changes.items():
                setattr(self, name, value)
        return bool(updated)
