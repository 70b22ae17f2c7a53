from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from beneficiaries.models import Beneficiary
from soli_dome.models import TimeStampedModel
from soli_dome.users.permissions import Scope, scope_of


class Theme(models.Model):
    """A theme of accompaniment (food budget, cooking skills…). Coordinators extend the list."""

    name = models.CharField(_("nom"), max_length=100, unique=True)
    is_active = models.BooleanField(_("proposé"), default=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("thème")
        verbose_name_plural = _("thèmes")
        ordering = ["position", "name"]

    def __str__(self):
        # The design's themes are translated (accompaniment/vocabulary.py); a theme a
        # coordinator added shows as typed.
        return gettext(self.name)


def visible_files_filter(user, path):
    """A ``Q`` keeping rows whose beneficiary (reached through ``path``) ``user`` may see.

    Mirrors ``Beneficiary.objects.visible_to`` for the objects hanging off a file."""
    scope = scope_of(user)
    if scope is Scope.WHOLE_PROGRAMME:
        return Q()
    if scope is Scope.ASSIGNED_FILES:
        return Q(**{f"{path}__in": Beneficiary.objects.visible_to(user).values("pk")})
    if scope is Scope.OWN_FILE:
        return Q(**{f"{path}__user": user})
    return Q(pk__in=[])


class GoalQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(visible_files_filter(user, "beneficiary"))

    def open(self):
        return self.filter(status__in=[Goal.Status.TO_START, Goal.Status.IN_PROGRESS])


class Goal(TimeStampedModel):
    """A goal of a beneficiary's plan, written with the person (who sees it)."""

    class Status(models.TextChoices):
        TO_START = "to_start", _("À commencer")
        IN_PROGRESS = "in_progress", _("En cours")
        ACHIEVED = "achieved", _("Atteint")
        DROPPED = "dropped", _("Abandonné")

    beneficiary = models.ForeignKey(Beneficiary, on_delete=models.PROTECT, related_name="goals")
    theme = models.ForeignKey(
        Theme, verbose_name=_("thème"), on_delete=models.PROTECT, related_name="goals"
    )
    title = models.CharField(_("objectif"), max_length=200)
    status = models.CharField(_("état"), max_length=12, choices=Status, default=Status.TO_START)
    target_date = models.DateField(_("date visée"), null=True, blank=True)
    closed_on = models.DateField(_("clos le"), null=True, blank=True)
    position = models.PositiveIntegerField(_("ordre"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = GoalQuerySet.as_manager()

    class Meta:
        verbose_name = _("objectif")
        verbose_name_plural = _("objectifs")
        ordering = ["position", "pk"]
        indexes = [
            # Dashboards list the open goals coming to their date.
            models.Index(
                fields=["target_date"],
                condition=Q(status__in=["to_start", "in_progress"]),
                name="goal_open_target_date",
            )
        ]

    def __str__(self):
        return self.title

    @property
    def is_open(self):
        return self.status in {self.Status.TO_START, self.Status.IN_PROGRESS}

    def progress(self):
        """(steps done, steps in all, percent done). Reads ``self.steps``: prefetch them."""
        steps = list(self.steps.all())
        done = sum(step.is_done for step in steps)
        return done, len(steps), round(100 * done / len(steps)) if steps else 0

    def change_status(self, status, *, by, on=None):
        """Move the goal to ``status`` and keep a trace for the file's timeline."""
        previous = self.status
        if previous == status:
            return
        self.status = status
        self.closed_on = None if self.is_open else (on or timezone.localdate())
        self.save(update_fields=["status", "closed_on", "updated_at"])
        GoalChange.objects.create(goal=self, from_status=previous, to_status=status, by=by)


class GoalChange(models.Model):
    """A change of a goal's status, shown on the file's timeline."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="changes")
    from_status = models.CharField(max_length=12, choices=Goal.Status, blank=True)
    to_status = models.CharField(max_length=12, choices=Goal.Status)
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-at"]

    def __str__(self):
        return f"{self.goal}: {self.from_status} → {self.to_status}"


class StepQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(visible_files_filter(user, "goal__beneficiary"))

    def pending(self):
        return self.filter(is_done=False)

    def for_the_person(self):
        """Steps the person does, alone or with their accompanier: the ones they may tick."""
        return self.filter(owner__in=[Step.Owner.BENEFICIARY, Step.Owner.TOGETHER])


class Step(TimeStampedModel):
    """A small action towards a goal, done by the person, the accompanier or both."""

    class Owner(models.TextChoices):
        BENEFICIARY = "beneficiary", _("La personne")
        ACCOMPANIER = "accompanier", _("L'accompagnateur·rice")
        TOGETHER = "together", _("Ensemble")
        PARTNER = "partner", _("Un partenaire")

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="steps")
    title = models.CharField(_("action"), max_length=200)
    owner = models.CharField(
        _("qui s'en charge"), max_length=12, choices=Owner, default=Owner.BENEFICIARY
    )
    due_date = models.DateField(_("pour le"), null=True, blank=True)
    is_done = models.BooleanField(_("fait"), default=False)
    done_on = models.DateField(_("fait le"), null=True, blank=True)
    position = models.PositiveIntegerField(_("ordre"), default=0)

    objects = StepQuerySet.as_manager()

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["position", "pk"]
        indexes = [
            # Dashboards and step reminders look for the pending steps coming to their date.
            models.Index(fields=["due_date"], condition=Q(is_done=False), name="step_pending_due")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_done=False) | Q(done_on__isnull=False),
                name="step_done_has_date",
                violation_error_message=_("Une action faite a une date."),
            )
        ]

    def __str__(self):
        return self.title

    @property
    def is_for_the_person(self):
        return self.owner in {self.Owner.BENEFICIARY, self.Owner.TOGETHER}

    def set_done(self, done, *, on=None):
        self.is_done = done
        self.done_on = (on or timezone.localdate()) if done else None
        self.save(update_fields=["is_done", "done_on", "updated_at"])
