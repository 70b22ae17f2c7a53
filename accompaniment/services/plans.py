"""The accompaniment plan (goals and steps), staff notes, and the file's timeline.

Every change made from a staff page is recorded in the audit journal on the beneficiary."""

import datetime
from dataclasses import dataclass, field
from itertools import chain

from django.db import transaction
from django.db.models import Max
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accompaniment.models import (
    ExitReview,
    Goal,
    GoalChange,
    Note,
    Participation,
    Referral,
    Session,
    Step,
    Support,
)
from soli_dome.audit.models import AuditEntry, record
from soli_dome.users.permissions import Scope, scope_of

UP, DOWN = "up", "down"


def _journal(by, beneficiary, event, **params):
    record(actor=by, action=AuditEntry.Action.UPDATE, target=beneficiary, event=event, **params)


class ClosedFileError(Exception):
    """A change to the plan or the supports of a closed file: they stay as they were when the
    file closed, the exit review's basis; reopening the file makes them editable again."""

    def __init__(self, beneficiary):
        super().__init__(f"file #{beneficiary.pk} is closed")
        self.beneficiary = beneficiary


def file_is_open(beneficiary):
    return beneficiary.status != beneficiary.Status.CLOSED


def ensure_file_open(beneficiary):
    if not file_is_open(beneficiary):
        raise ClosedFileError(beneficiary)


def record_file_change(by, beneficiary, event, **params):
    """Every change of a plan or of supports ends here, inside its transaction: on a closed
    file the error rolls the change back."""
    ensure_file_open(beneficiary)
    _journal(by, beneficiary, event, **params)


# Plan -----------------------------------------------------------------------------------


def plan_of(beneficiary, *, goals=None):
    """The open goals in the order chosen with the person, then the history (achieved or
    dropped goals, most recently closed first). Two queries whatever the size of the plan.

    ``goals`` (a queryset of the person's goals, e.g. scoped with ``visible_to``) replaces
    ``beneficiary.goals``."""
    goals = beneficiary.goals if goals is None else goals
    goals = list(goals.select_related("theme").prefetch_related("steps"))
    open_goals = [goal for goal in goals if goal.is_open]
    history = sorted(
        (goal for goal in goals if not goal.is_open),
        key=lambda goal: (goal.closed_on or datetime.date.min, goal.pk),
        reverse=True,
    )
    return open_goals, history


@transaction.atomic
def add_goal(*, beneficiary, form, by):
    goal = form.save(commit=False)
    goal.beneficiary = beneficiary
    goal.created_by = by
    last = beneficiary.goals.open().aggregate(last=Max("position"))["last"]
    goal.position = 0 if last is None else last + 1
    goal.save()
    # The creation is the first change of the goal's history, shown on the timeline.
    GoalChange.objects.create(goal=goal, from_status="", to_status=goal.status, by=by)
    record_file_change(by, beneficiary, "plan.goal_added", goal=goal.title)
    return goal


@transaction.atomic
def update_goal(*, form, by):
    goal = form.save()
    record_file_change(
        by,
        goal.beneficiary,
        "plan.goal_changed",
        goal=goal.title,
        fields=sorted(form.changed_data),
    )
    return goal


@transaction.atomic
def change_goal_status(*, goal, status, by):
    """Start, close (achieved or dropped) or reopen a goal. A reopened goal goes to the end of
    the open goals."""
    was_open = goal.is_open
    goal.change_status(status, by=by)
    if goal.is_open and not was_open:
        last = goal.beneficiary.goals.open().exclude(pk=goal.pk).aggregate(last=Max("position"))
        goal.position = 0 if last["last"] is None else last["last"] + 1
        goal.save(update_fields=["position"])
    record_file_change(by, goal.beneficiary, "plan.goal_status", goal=goal.title, status=status)
    return goal


def _swap(rows, pk, direction):
    """Swap the row ``pk`` with its neighbour and number the rows 0, 1, 2…; positions may have
    been equal (they default to 0), so the whole list is renumbered. False at either end."""
    index = next((i for i, row in enumerate(rows) if row.pk == pk), None)
    if index is None:
        return False
    other = index - 1 if direction == UP else index + 1
    if not 0 <= other < len(rows):
        return False
    rows[index], rows[other] = rows[other], rows[index]
    for position, row in enumerate(rows):
        row.position = position
    return True


@transaction.atomic
def move_goal(*, goal, direction, by):
    # Locked so that two people reordering at once cannot interleave their renumbering.
    goals = list(
        Goal.objects.select_for_update()
        .filter(beneficiary_id=goal.beneficiary_id)
        .open()
        .order_by("position", "pk")
    )
    moved = _swap(goals, goal.pk, direction)
    if moved:
        Goal.objects.bulk_update(goals, ["position"])
        record_file_change(by, goal.beneficiary, "plan.goal_moved", goal=goal.title)
    return moved


@transaction.atomic
def add_step(*, goal, form, by):
    step = form.save(commit=False)
    step.goal = goal
    last = goal.steps.aggregate(last=Max("position"))["last"]
    step.position = 0 if last is None else last + 1
    step.save()
    record_file_change(by, goal.beneficiary, "plan.step_added", goal=goal.title, step=step.title)
    return step


@transaction.atomic
def update_step(*, form, by):
    step = form.save()
    record_file_change(
        by,
        step.goal.beneficiary,
        "plan.step_changed",
        step=step.title,
        fields=sorted(form.changed_data),
    )
    return step


@transaction.atomic
def set_step_done(*, step, done, by):
    """Tick or untick a step; the first step done starts its goal if it was still to start."""
    step.set_done(done)
    if done and step.goal.status == Goal.Status.TO_START:
        change_goal_status(goal=step.goal, status=Goal.Status.IN_PROGRESS, by=by)
    record_file_change(
        by,
        step.goal.beneficiary,
        "plan.step_done" if done else "plan.step_to_do",
        step=step.title,
    )
    return step


@transaction.atomic
def delete_step(*, step, by):
    """For a step added by mistake; a step that no longer fits is better left undone."""
    step.delete()
    record_file_change(by, step.goal.beneficiary, "plan.step_deleted", step=step.title)


@transaction.atomic
def move_step(*, step, direction, by):
    steps = list(
        Step.objects.select_for_update().filter(goal_id=step.goal_id).order_by("position", "pk")
    )
    moved = _swap(steps, step.pk, direction)
    if moved:
        Step.objects.bulk_update(steps, ["position"])
        record_file_change(by, step.goal.beneficiary, "plan.step_moved", step=step.title)
    return moved


# Notes ----------------------------------------------------------------------------------


@transaction.atomic
def add_note(*, beneficiary, form, by):
    """A staff note; one marked as an exchange with the person counts as a contact."""
    note = form.save(commit=False)
    note.beneficiary = beneficiary
    note.author = by
    note.save()
    if note.is_contact:
        beneficiary.record_contact(on=note.happened_on)
    _journal(by, beneficiary, "file.contact_noted" if note.is_contact else "file.note_added")
    return note


# Timeline -------------------------------------------------------------------------------


@dataclass
class TimelineEntry:
    """One event of a file, prepared for display: the timeline template knows no kind.

    ``when`` is a datetime (shown with its time) or a date; ``text`` is a free text shown as
    is; ``details`` are (label, text) pairs; ``private_details`` are for staff only and are
    left empty for anyone else."""

    kind: str
    label: str
    title: str
    when: datetime.date | datetime.datetime
    sort_key: datetime.datetime
    status: str = ""
    by: str = ""
    url: str = ""
    is_private: bool = False
    text: str = ""
    details: list = field(default_factory=list)
    private_details: list = field(default_factory=list)

    @property
    def has_time(self):
        return isinstance(self.when, datetime.datetime)


def _day_moment(day, created_at):
    """Sort key of an event known by its day only: when it was written if that was the same
    day, else the end of that day (so it stays among the events of its day)."""
    written = timezone.localtime(created_at)
    if written.date() == day:
        return written
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.max))


def _limited(queryset, limit):
    return queryset[: limit + 1]


def _session_url(session):
    try:
        return session.get_absolute_url()
    except NoReverseMatch:  # the session pages are not installed
        return ""


def session_entries(beneficiary, *, user, limit):
    participations = (
        Participation.objects.filter(beneficiary=beneficiary)
        .select_related("session__accompanier")
        .prefetch_related("session__themes")
        .order_by("-session__starts_at", "-session__pk")
    )
    staff = scope_of(user) is not Scope.OWN_FILE
    entries = []
    for participation in _limited(participations, limit):
        session = participation.session
        details = []
        if session.place:
            details.append((_("Lieu"), session.place))
        themes = ", ".join(str(theme) for theme in session.themes.all())
        if themes:
            details.append((_("Thèmes"), themes))
        if session.status == Session.Status.HELD:
            details.append((_("Présence"), participation.get_attendance_display()))
        if session.cancellation_reason:
            details.append((_("Motif d'annulation"), session.cancellation_reason))
        if session.shared_summary:
            details.append((_("Compte rendu partagé"), session.shared_summary))
        if session.next_steps:
            details.append((_("Prochaines étapes"), session.next_steps))
        private = []
        if staff and session.private_notes:
            private.append((_("Notes privées"), session.private_notes))
        entries.append(
            TimelineEntry(
                kind="session",
                label=_("Séance"),
                title=f"{session.get_kind_display()} — {session.get_modality_display()}",
                when=session.starts_at,
                sort_key=session.starts_at,
                status=session.get_status_display(),
                by=str(session.accompanier),
                url=_session_url(session),
                details=details,
                private_details=private,
            )
        )
    return entries


def goal_change_entries(beneficiary, *, user, limit):
    changes = (
        GoalChange.objects.filter(goal__beneficiary=beneficiary)
        .select_related("goal", "by")
        .order_by("-at", "-pk")
    )
    entries = []
    for change in _limited(changes, limit):
        if change.from_status:
            status = _("%(before)s → %(after)s") % {
                "before": change.get_from_status_display(),
                "after": change.get_to_status_display(),
            }
        else:
            status = _("Ajouté au plan")
        entries.append(
            TimelineEntry(
                kind="goal_change",
                label=_("Objectif"),
                title=change.goal.title,
                when=change.at,
                sort_key=change.at,
                status=status,
                by=str(change.by),
            )
        )
    return entries


def note_entries(beneficiary, *, user, limit):
    # visible_to keeps notes away from anyone but staff.
    notes = (
        Note.objects.visible_to(user)
        .filter(beneficiary=beneficiary)
        .select_related("author")
        .order_by("-happened_on", "-pk")
    )
    return [
        TimelineEntry(
            kind="note",
            # "Note" alone is also an English msgid that other catalogues translate.
            label=pgettext("timeline entry", "Note"),
            title=_("Échange avec la personne") if note.is_contact else _("Note de l'équipe"),
            when=note.happened_on,
            sort_key=_day_moment(note.happened_on, note.created_at),
            by=str(note.author),
            is_private=True,
            text=note.text,
        )
        for note in _limited(notes, limit)
    ]


def exit_review_entries(beneficiary, *, user, limit):
    reviews = ExitReview.objects.filter(beneficiary=beneficiary).select_related("written_by")
    entries = []
    for review in _limited(reviews.order_by("-closed_on", "-pk"), limit):
        details = [
            (_("Objectifs"), review.get_goals_outcome_display()),
            (_("Ce qui a changé pour la personne"), review.what_changed),
        ]
        if review.next_destination:
            details.append((_("Suite du parcours"), review.next_destination))
        entries.append(
            TimelineEntry(
                kind="exit_review",
                label=_("Fin d'accompagnement"),
                title=_("Bilan de fin d'accompagnement"),
                when=review.closed_on,
                sort_key=_day_moment(review.closed_on, review.created_at),
                by=str(review.written_by),
                details=details,
            )
        )
    return entries


def referral_entries(beneficiary, *, user, limit):
    referrals = (
        Referral.objects.filter(beneficiary=beneficiary)
        .select_related("partner", "theme", "created_by")
        .order_by("-sent_at", "-pk")
    )
    staff = scope_of(user) is not Scope.OWN_FILE
    entries = []
    for referral in _limited(referrals, limit):
        inbound = referral.direction == Referral.Direction.INBOUND
        details = []
        if referral.theme_id:
            details.append((_("Besoin"), str(referral.theme)))
        if referral.refusal_reason:
            details.append((_("Motif du refus"), referral.refusal_reason))
        if referral.partner_answer:
            details.append((_("Réponse du partenaire"), referral.partner_answer))
        entries.append(
            TimelineEntry(
                kind="referral",
                label=_("Orientation"),
                title=(
                    _("Orienté·e vers le programme par %(partner)s")
                    if inbound
                    else _("Orientation vers %(partner)s")
                )
                % {"partner": referral.partner.name},
                when=referral.sent_at,
                sort_key=referral.sent_at,
                status="" if inbound else referral.get_status_display(),
                by=str(referral.created_by),
                url=referral.get_absolute_url() if staff else "",
                details=details,
            )
        )
    return entries


def _euros(value):
    return _("%(amount)s €") % {"amount": formats.number_format(value, 2, use_l10n=True)}


def support_entries(beneficiary, *, user, limit):
    supports = (
        Support.objects.filter(beneficiary=beneficiary)
        .select_related("partner", "recorded_by")
        .order_by("-given_on", "-pk")
    )
    staff = scope_of(user) is not Scope.OWN_FILE
    entries = []
    for support in _limited(supports, limit):
        details = []
        if support.is_doume_bonus:
            details.append((_("Euros convertis"), _euros(support.euros_converted)))
            details.append(
                (
                    _("Bonus solidaire"),
                    _("%(bonus)s (%(rate)s %%)")
                    % {
                        "bonus": _euros(support.bonus_amount),
                        "rate": formats.number_format(support.bonus_rate.normalize(), None),
                    },
                )
            )
        elif support.amount is not None:
            details.append((_("Montant"), _euros(support.amount)))
        if support.partner_id:
            details.append((_("Fournie par"), support.partner.name))
        if support.description:
            details.append((_("Précision"), support.description))
        entries.append(
            TimelineEntry(
                kind="support",
                label=_("Aide"),
                title=support.get_kind_display(),
                when=support.given_on,
                sort_key=_day_moment(support.given_on, support.created_at),
                by=str(support.recorded_by),
                url=reverse("accompaniment:support_update", args=[support.pk]) if staff else "",
                details=details,
            )
        )
    return entries


# Each source gives its newest ``limit + 1`` entries (all when ``limit`` is None) in one or
# two queries. A new kind of event joins the timeline by adding its source here.
TIMELINE_SOURCES = [
    session_entries,
    goal_change_entries,
    note_entries,
    exit_review_entries,
    referral_entries,
    support_entries,
]


def timeline_of(beneficiary, *, user, limit, skip=0):
    """The file's events, newest first, ``limit`` of them after the ``skip`` newest, and
    whether older ones remain. Each source reads at most ``skip + limit + 1`` rows."""
    entries = sorted(
        chain.from_iterable(
            source(beneficiary, user=user, limit=skip + limit) for source in TIMELINE_SOURCES
        ),
        key=lambda entry: entry.sort_key,
        reverse=True,
    )
    return entries[skip : skip + limit], len(entries) > skip + limit
