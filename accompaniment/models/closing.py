from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from beneficiaries.models import Beneficiary
from soli_dome.models import TimeStampedModel


class ExitReview(TimeStampedModel):
    """The end-of-accompaniment review written when a file is closed; counted in reports."""

    class GoalsOutcome(models.TextChoices):
        ALL = "all", _("Tous les objectifs atteints")
        SOME = "some", _("Une partie des objectifs atteints")
        NONE = "none", _("Objectifs non atteints")

    beneficiary = models.ForeignKey(
        Beneficiary, on_delete=models.PROTECT, related_name="exit_reviews"
    )
    closed_on = models.DateField(_("date de clôture"))
    goals_outcome = models.CharField(_("objectifs"), max_length=5, choices=GoalsOutcome)
    what_changed = models.TextField(_("ce qui a changé pour la personne"))
    next_destination = models.CharField(
        _("suite du parcours"),
        max_length=200,
        blank=True,
        help_text=_("Vers qui ou quoi la personne continue (un partenaire, un dispositif…)."),
    )
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("bilan de fin d'accompagnement")
        verbose_name_plural = _("bilans de fin d'accompagnement")
        ordering = ["-closed_on"]

    def __str__(self):
        return f"{self.beneficiary} — {self.closed_on}"
