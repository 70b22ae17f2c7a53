import datetime

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beneficiaries.models import Beneficiary
from soli_dome.models import TimeStampedModel
from soli_dome.users.permissions import Scope, scope_of

from .plans import Goal, Theme, visible_files_filter


class SessionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Staff see the sessions of the files they may see (and the ones they lead); a
        beneficiary sees the sessions they take part in. ``EXISTS`` rather than a join on
        participations: a session is one row, so lists need no DISTINCT."""
        scope = scope_of(user)
        if scope is Scope.WHOLE_PROGRAMME:
            return self.all()
        takes_part = Exists(
            Participation.objects.filter(
                visible_files_filter(user, "beneficiary"), session=OuterRef("pk")
            )
        )
        if scope is Scope.ASSIGNED_FILES:
            return self.filter(takes_part | Q(accompanier=user))
        return self.filter(takes_part)

    def led_by(self, user):
        return self.filter(accompanier=user)

    def planned(self):
        return self.filter(status=Session.Status.PLANNED)

    def between(self, start, end):
        return self.filter(starts_at__gte=start, starts_at__lt=end)

    def upcoming(self, now=None):
        return self.planned().filter(starts_at__gte=now or timezone.now())


class Session(TimeStampedModel):
    """An individual or collective session (séance). ``private_notes`` are for staff only and
    never reach a beneficiary's page; ``shared_summary`` is written for the person."""

    class Kind(models.TextChoices):
        INDIVIDUAL = "individual", _("Individuelle")
        COLLECTIVE = "collective", _("Collective")

    class Modality(models.TextChoices):
        IN_PERSON = "in_person", _("En présentiel")
        PHONE = "phone", _("Au téléphone")
        VIDEO = "video", _("En visio")
        HOME_VISIT = "home_visit", _("Visite à domicile")
        MESSAGES = "messages", _("Échange de messages")
        THIRD_PARTY = "third_party", _("Contact avec un tiers")
        OUTING = "outing", _("Sortie au marché ou à la ferme")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Prévue")
        HELD = "held", _("Réalisée")
        CANCELLED = "cancelled", _("Annulée")
        MISSED = "missed", _("Manquée")

    kind = models.CharField(_("type"), max_length=12, choices=Kind, default=Kind.INDIVIDUAL)
    modality = models.CharField(
        _("modalité"), max_length=12, choices=Modality, default=Modality.IN_PERSON
    )
    starts_at = models.DateTimeField(_("date et heure"), db_index=True)
    duration_minutes = models.PositiveSmallIntegerField(_("durée (minutes)"), default=60)
    place = models.CharField(_("lieu"), max_length=200, blank=True)
    accompanier = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("animée par"),
        on_delete=models.PROTECT,
        related_name="led_sessions",
    )
    status = models.CharField(_("statut"), max_length=10, choices=Status, default=Status.PLANNED)
    themes = models.ManyToManyField(Theme, verbose_name=_("thèmes"), blank=True)
    goals = models.ManyToManyField(Goal, verbose_name=_("objectifs travaillés"), blank=True)
    private_notes = models.TextField(
        _("notes privées"),
        blank=True,
        help_text=_("Réservées à l'équipe : jamais montrées à la personne."),
    )
    shared_summary = models.TextField(
        _("compte rendu partagé"),
        blank=True,
        help_text=_("Visible par la personne dans son espace."),
    )
    next_steps = models.TextField(_("prochaines étapes"), blank=True)
    cancellation_reason = models.CharField(_("motif d'annulation"), max_length=200, blank=True)
    workshop = models.OneToOneField(
        "accompaniment.Workshop",
        verbose_name=_("atelier"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="session",
    )

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("séance")
        verbose_name_plural = _("séances")
        ordering = ["-starts_at"]
        indexes = [
            # An accompanier's sessions in time order: lists, agendas, dashboards, feeds.
            models.Index(fields=["accompanier", "starts_at"], name="session_accompanier_time")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — {timezone.localtime(self.starts_at):%d/%m/%Y %H:%M}"

    def get_absolute_url(self):
        return reverse("accompaniment:session_detail", args=[self.pk])

    @property
    def ends_at(self):
        return self.starts_at + datetime.timedelta(minutes=self.duration_minutes)


class Participation(models.Model):
    class Attendance(models.TextChoices):
        EXPECTED = "expected", _("Attendu·e")
        PRESENT = "present", _("Présent·e")
        ABSENT = "absent", _("Absent·e")
        EXCUSED = "excused", _("Excusé·e")

    # Once a session or a workshop has begun, a person came, did not, or had warned.
    ATTENDANCE_AFTER_THE_FACT = [choice for choice in Attendance.choices if choice[0] != "expected"]

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="participations")
    beneficiary = models.ForeignKey(
        Beneficiary, on_delete=models.PROTECT, related_name="participations"
    )
    attendance = models.CharField(
        _("présence"), max_length=10, choices=Attendance, default=Attendance.EXPECTED
    )

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "beneficiary"],
                name="participation_unique",
                violation_error_message=_("Cette personne participe déjà à la séance."),
            )
        ]

    def __str__(self):
        return f"{self.beneficiary} — {self.get_attendance_display()}"


class NoteQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Notes are staff-only: a beneficiary never sees them."""
        if scope_of(user) is Scope.OWN_FILE:
            return self.none()
        return self.filter(visible_files_filter(user, "beneficiary"))


class Note(TimeStampedModel):
    """A staff note on a file; ``is_contact`` marks an exchange with the person (a call, a
    message), which counts as a contact."""

    beneficiary = models.ForeignKey(Beneficiary, on_delete=models.PROTECT, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("note"))
    is_contact = models.BooleanField(_("échange avec la personne"), default=False)
    happened_on = models.DateField(_("date"), default=timezone.localdate)

    objects = NoteQuerySet.as_manager()

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        ordering = ["-happened_on", "-pk"]

    def __str__(self):
        return self.text[:50]
