import datetime

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beneficiaries.models import Beneficiary
from partners.models import Partner
from soli_dome.models import TimeStampedModel

from .plans import Theme, visible_files_filter


class WorkshopQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Workshops are open to every staff member and listed for beneficiaries."""
        return self if user.is_authenticated and user.role else self.none()

    def coming(self, now=None):
        return self.filter(
            starts_at__gte=now or timezone.now(), status=Workshop.Status.OPEN
        ).order_by("starts_at")

    def with_counts(self):
        return self.annotate(
            registered_count=Count(
                "registrations", filter=Q(registrations__status=Registration.Status.REGISTERED)
            ),
            waiting_count=Count(
                "registrations", filter=Q(registrations__status=Registration.Status.WAITING)
            ),
        )


class Workshop(TimeStampedModel):
    """A collective workshop open for sign-up (cooking, market tour, farm visit…)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Inscriptions ouvertes")
        HELD = "held", _("Réalisé")
        CANCELLED = "cancelled", _("Annulé")

    title = models.CharField(_("titre"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("date et heure"), db_index=True)
    duration_minutes = models.PositiveSmallIntegerField(_("durée (minutes)"), default=120)
    place = models.CharField(_("lieu"), max_length=200)
    capacity = models.PositiveSmallIntegerField(_("nombre de places"), default=10)
    themes = models.ManyToManyField(Theme, verbose_name=_("thèmes"), blank=True)
    host = models.ForeignKey(
        Partner,
        verbose_name=_("accueilli par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hosted_workshops",
        help_text=_(
            "L'acteur du territoire qui accueille l'atelier, s'il y en a un : "
            "l'atelier paraît alors sur sa fiche."
        ),
    )
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("animé par"),
        on_delete=models.PROTECT,
        related_name="organised_workshops",
    )
    status = models.CharField(_("statut"), max_length=10, choices=Status, default=Status.OPEN)

    objects = WorkshopQuerySet.as_manager()

    class Meta:
        verbose_name = _("atelier")
        verbose_name_plural = _("ateliers")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity__gte=1),
                name="workshop_capacity_positive",
                violation_error_message=_("Un atelier a au moins une place."),
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("accompaniment:workshop_detail", args=[self.pk])

    @property
    def ends_at(self):
        return self.starts_at + datetime.timedelta(minutes=self.duration_minutes)


class RegistrationQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(visible_files_filter(user, "beneficiary"))

    def active(self):
        """Sign-ups holding a place or waiting for one."""
        return self.filter(status__in=[Registration.Status.REGISTERED, Registration.Status.WAITING])


class Registration(TimeStampedModel):
    """A person's sign-up to a workshop; beyond capacity they wait, in sign-up order."""

    class Status(models.TextChoices):
        REGISTERED = "registered", _("Inscrit·e")
        WAITING = "waiting", _("Liste d'attente")
        CANCELLED = "cancelled", _("Désinscrit·e")

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="registrations")
    beneficiary = models.ForeignKey(
        Beneficiary, on_delete=models.PROTECT, related_name="registrations"
    )
    status = models.CharField(_("statut"), max_length=10, choices=Status)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("inscription")
        verbose_name_plural = _("inscriptions")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "beneficiary"],
                name="registration_unique",
                violation_error_message=_("Cette personne est déjà inscrite à l'atelier."),
            )
        ]

    def __str__(self):
        return f"{self.beneficiary} — {self.workshop}"
