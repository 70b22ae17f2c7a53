"""The journal of every export, and the background exports it tracks.

Each export of files, sessions, referrals, supports, questionnaires or research data leaves one
row here: who, when, what, how many rows, and for a research export the partner and the date of
its agreement. A large export is written by a worker into ``EXPORTS_DIR`` (outside anything the
web server serves) and downloaded through a signed link that expires."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from soli_dome.models import TimeStampedModel
from soli_dome.users.permissions import Scope, scope_of


class DataExportQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A coordinator sees the whole journal; staff see their own exports."""
        scope = scope_of(user)
        if scope is Scope.WHOLE_PROGRAMME:
            return self.all()
        if scope is Scope.ASSIGNED_FILES:
            return self.filter(requested_by=user)
        return self.none()


class DataExport(TimeStampedModel):
    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", _("XLSX (tableur)")

    class Status(models.TextChoices):
        QUEUED = "queued", _("En attente")
        RUNNING = "running", _("En cours")
        DONE = "done", _("Terminé")
        FAILED = "failed", _("Échoué")

    kind = models.CharField(_("export"), max_length=30)
    file_format = models.CharField(_("format"), max_length=4, choices=Format)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("demandé par"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_background = models.BooleanField(_("en arrière-plan"), default=False)
    status = models.CharField(_("état"), max_length=8, choices=Status, default=Status.QUEUED)
    row_count = models.PositiveIntegerField(_("lignes"), default=0)
    rows_written = models.PositiveIntegerField(_("lignes écrites"), default=0)
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)
    error = models.CharField(_("erreur"), max_length=200, blank=True)
    # Research exports only: the partner who studies the programme, and the date of the
    # agreement (copied: a later change of the partner's listing does not rewrite the journal).
    partner = models.ForeignKey(
        "partners.Partner",
        verbose_name=_("partenaire de recherche"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    agreement_date = models.DateField(_("date de la convention"), null=True, blank=True)

    objects = DataExportQuerySet.as_manager()

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("journal des exports")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="research")
                | (Q(partner__isnull=False) & Q(agreement_date__isnull=False)),
                name="data_export_research_has_agreement",
                violation_error_message=_(
                    "Un export pour la recherche nomme le partenaire et la date de sa convention."
                ),
            ),
            models.CheckConstraint(
                condition=Q(rows_written__lte=models.F("row_count")),
                name="data_export_progress_within_rows",
                violation_error_message=_("Plus de lignes écrites que de lignes à écrire."),
            ),
        ]

    def __str__(self):
        return f"{self.kind}.{self.file_format} ({self.created_at:%Y-%m-%d %H:%M})"

    def get_absolute_url(self):
        return reverse("accompaniment:export_detail", args=[self.pk])

    @property
    def filename(self):
        return f"soli-dome-{self.kind}-{self.created_at:%Y-%m-%d}-{self.pk}.{self.file_format}"

    @property
    def path(self):
        return settings.EXPORTS_DIR / f"{self.pk}.{self.file_format}"

    @property
    def is_over(self):
        return self.status in {self.Status.DONE, self.Status.FAILED}

    @property
    def percent(self):
        if self.status == self.Status.DONE:
            return 100
        return int(self.rows_written * 100 / self.row_count) if self.row_count else 0
