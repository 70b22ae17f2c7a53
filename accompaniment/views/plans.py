"""The accompaniment plan and the notes of a file, edited from the file's page.

Every form is a plain POST that redirects to the file without JavaScript; with htmx the same
form swaps only the plan (or timeline) panel, and an inline edit form replaces its goal or
step. Files are fetched through the user, so anyone outside gets a 404."""

import functools

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_htmx.http import reswap, retarget

from accompaniment.forms.plans import (
    GoalForm,
    GoalStatusForm,
    MoveForm,
    NoteForm,
    StepDoneForm,
    StepForm,
)
from accompaniment.models import Goal, Step
from accompaniment.services import plans as services
from accompaniment.templatetags.plan_panels import (
    plan_panel_context,
    step_form_prefix,
    timeline_panel_context,
)
from beneficiaries.models import Beneficiary
from soli_dome.audit.models import record_read
from soli_dome.users.permissions import staff_required

PLAN_PANEL = "accompaniment/includes/_plan_panel.html"
TIMELINE_PANEL = "accompaniment/includes/_timeline.html"
TIMELINE_PAGE_SIZE = 50
LAST_TIMELINE_PAGE = 10_000

STATUS_NOTICES = {
    Goal.Status.TO_START: gettext_lazy("L'objectif « %(goal)s » est remis à commencer."),
    Goal.Status.IN_PROGRESS: gettext_lazy("L'objectif « %(goal)s » est en cours."),
    Goal.Status.ACHIEVED: gettext_lazy("Bravo : l'objectif « %(goal)s » est atteint."),
    Goal.Status.DROPPED: gettext_lazy(
        "L'objectif « %(goal)s » est abandonné ; il reste dans l'historique."
    ),
}


CLOSED_FILE_NOTICE = gettext_lazy(
    "Ce dossier est clos : son plan ne change plus. Rouvrez le dossier pour le modifier."
)


def _file(request, pk):
    return get_object_or_404(Beneficiary.objects.visible_to(request.user), pk=pk)


def _goal(request, pk, *, for_update=False):
    goals = Goal.objects.visible_to(request.user).select_related("beneficiary", "theme")
    if for_update:
        # Locked while the form compares versions, so two saves cannot both pass the check.
        goals = goals.select_for_update(of=("self",))
    return get_object_or_404(goals, pk=pk)


def _step(request, pk, *, for_update=False):
    steps = Step.objects.visible_to(request.user).select_related("goal__beneficiary")
    if for_update:
        steps = steps.select_for_update(of=("self",))
    return get_object_or_404(steps, pk=pk)


def _plan_url(beneficiary):
    return f"{beneficiary.get_absolute_url()}#plan"


def _timeline_url(beneficiary):
    return f"{beneficiary.get_absolute_url()}#timeline"


def _vary(response):
    patch_vary_headers(response, ["HX-Request"])
    return response


def _refusing_closed_files(view):
    """A change sent to the plan of a closed file (from a page opened before it closed) is
    turned down with a message; nothing is changed."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except services.ClosedFileError as closed:
            if request.htmx:
                # The refreshed panel says the file is closed and no longer offers changes.
                context = plan_panel_context(beneficiary=closed.beneficiary)
                return _vary(render(request, PLAN_PANEL, context))
            messages.error(request, CLOSED_FILE_NOTICE)
            return _vary(redirect(_plan_url(closed.beneficiary)))

    return wrapper


def _plan_done(request, beneficiary, notice):
    """After a change: the refreshed panel for htmx, else back to the file with a message."""
    if request.htmx:
        context = plan_panel_context(beneficiary=beneficiary, notice=notice)
        return _vary(render(request, PLAN_PANEL, context))
    if notice:
        messages.success(request, notice)
    return _vary(redirect(_plan_url(beneficiary)))


@staff_required
def plan_detail(request, pk):
    """The plan panel alone (htmx "cancel" of an inline form); the file page otherwise."""
    beneficiary = _file(request, pk)
    if not request.htmx:
        return _vary(redirect(_plan_url(beneficiary)))
    record_read(actor=request.user, target=beneficiary, event="file.plan_read")
    return _vary(render(request, PLAN_PANEL, plan_panel_context(beneficiary=beneficiary)))


def _edit_form(request, context: dict, *, page: str, inline: str, replaces: str):
    """The edit form of a goal or a step: a page of its own, or in place in the plan panel
    (htmx). The form posts to the whole panel; its errors only replace the form itself."""
    if request.method == "GET":
        record_read(
            actor=request.user, target=context["beneficiary"], event="file.plan_form_opened"
        )
    if request.htmx:
        response = render(request, inline, context)
        return _vary(reswap(retarget(response, replaces), "outerHTML"))
    return _vary(render(request, page, context))


@staff_required
@_refusing_closed_files
def goal_create(request, pk):
    beneficiary = _file(request, pk)
    form = GoalForm(request.POST or None, prefix="goal")
    if request.method == "POST":
        if form.is_valid():
            goal = services.add_goal(beneficiary=beneficiary, form=form, by=request.user)
            notice = _("L'objectif « %(goal)s » est ajouté au plan.") % {"goal": goal}
            return _plan_done(request, beneficiary, notice)
        if request.htmx:
            context = plan_panel_context(beneficiary=beneficiary, goal_form=form)
            return _vary(render(request, PLAN_PANEL, context))
    if request.method == "GET":
        record_read(actor=request.user, target=beneficiary, event="file.plan_form_opened")
    return _vary(
        render(request, "accompaniment/goal_form.html", {"beneficiary": beneficiary, "form": form})
    )


@staff_required
@_refusing_closed_files
def goal_update(request, pk):
    with transaction.atomic():
        goal = _goal(request, pk, for_update=request.method == "POST")
        beneficiary = goal.beneficiary
        form = GoalForm(request.POST or None, instance=goal, prefix=f"edit-goal{goal.pk}")
        if request.method == "POST" and form.is_valid():
            services.update_goal(form=form, by=request.user)
            notice = _("L'objectif « %(goal)s » est modifié.") % {"goal": goal}
            return _plan_done(request, beneficiary, notice)
    return _edit_form(
        request,
        {"beneficiary": beneficiary, "goal": goal, "form": form},
        page="accompaniment/goal_form.html",
        inline="accompaniment/includes/_goal_form_inline.html",
        replaces=f"#goal-{goal.pk}",
    )


@staff_required
@require_POST
@_refusing_closed_files
def goal_status(request, pk):
    goal = _goal(request, pk)
    form = GoalStatusForm(request.POST, goal=goal)
    if not form.is_valid() and form.pending_steps:
        return _confirm_achieved(request, goal, form.pending_steps)
    if not form.is_valid():
        # Only a stale page can send this (the buttons offer the other states).
        notice = " ".join(form.errors.get("status", []))
        if not request.htmx:
            messages.error(request, notice)
            notice = ""
        return _plan_done(request, goal.beneficiary, notice)
    status = form.cleaned_data["status"]
    services.change_goal_status(goal=goal, status=status, by=request.user)
    return _plan_done(request, goal.beneficiary, str(STATUS_NOTICES[status]) % {"goal": goal})


def _confirm_achieved(request, goal, pending_steps):
    """The question before marking achieved a goal with steps to do: inside the goal with
    htmx, on its own page otherwise."""
    context = {"goal": goal, "beneficiary": goal.beneficiary, "pending_steps": pending_steps}
    if request.htmx:
        response = render(request, "accompaniment/includes/_goal_achieved_confirm.html", context)
        return _vary(reswap(retarget(response, f"#goal-{goal.pk}-confirm"), "innerHTML"))
    return _vary(render(request, "accompaniment/goal_achieved_confirm.html", context))


@staff_required
@require_POST
@_refusing_closed_files
def goal_move(request, pk):
    goal = _goal(request, pk)
    form = MoveForm(request.POST)
    if form.is_valid():
        services.move_goal(goal=goal, direction=form.cleaned_data["direction"], by=request.user)
    return _plan_done(request, goal.beneficiary, "")


@staff_required
@_refusing_closed_files
def step_create(request, pk):
    goal = _goal(request, pk)
    beneficiary = goal.beneficiary
    form = StepForm(request.POST or None, instance=Step(goal=goal), prefix=step_form_prefix(goal))
    if request.method == "POST":
        if form.is_valid():
            step = services.add_step(goal=goal, form=form, by=request.user)
            notice = _("L'action « %(step)s » est ajoutée.") % {"step": step}
            return _plan_done(request, beneficiary, notice)
        if request.htmx:
            context = plan_panel_context(beneficiary=beneficiary, step_form=form)
            return _vary(render(request, PLAN_PANEL, context))
    if request.method == "GET":
        record_read(actor=request.user, target=beneficiary, event="file.plan_form_opened")
    context = {"beneficiary": beneficiary, "goal": goal, "form": form}
    return _vary(render(request, "accompaniment/step_form.html", context))


@staff_required
@_refusing_closed_files
def step_update(request, pk):
    with transaction.atomic():
        step = _step(request, pk, for_update=request.method == "POST")
        beneficiary = step.goal.beneficiary
        form = StepForm(request.POST or None, instance=step, prefix=f"edit-step{step.pk}")
        if request.method == "POST" and form.is_valid():
            services.update_step(form=form, by=request.user)
            notice = _("L'action « %(step)s » est modifiée.") % {"step": step}
            return _plan_done(request, beneficiary, notice)
    return _edit_form(
        request,
        {"beneficiary": beneficiary, "goal": step.goal, "step": step, "form": form},
        page="accompaniment/step_form.html",
        inline="accompaniment/includes/_step_form_inline.html",
        replaces=f"#step-{step.pk}",
    )


@staff_required
@require_POST
@_refusing_closed_files
def step_toggle(request, pk):
    step = _step(request, pk)
    form = StepDoneForm(request.POST)
    if form.is_valid():
        done = bool(form.cleaned_data["done"])
        services.set_step_done(step=step, done=done, by=request.user)
        template = (
            _("L'action « %(step)s » est faite.")
            if done
            else _("L'action « %(step)s » est remise à faire.")
        )
        return _plan_done(request, step.goal.beneficiary, template % {"step": step})
    return _plan_done(request, step.goal.beneficiary, "")


@staff_required
@require_POST
@_refusing_closed_files
def step_move(request, pk):
    step = _step(request, pk)
    form = MoveForm(request.POST)
    if form.is_valid():
        services.move_step(step=step, direction=form.cleaned_data["direction"], by=request.user)
    return _plan_done(request, step.goal.beneficiary, "")


@staff_required
@require_POST
@_refusing_closed_files
def step_delete(request, pk):
    step = _step(request, pk)
    services.delete_step(step=step, by=request.user)
    notice = _("L'action « %(step)s » est supprimée.") % {"step": step}
    return _plan_done(request, step.goal.beneficiary, notice)


@staff_required
def note_create(request, pk):
    beneficiary = _file(request, pk)
    form = NoteForm(request.POST or None, prefix="note")
    if request.method == "POST":
        if form.is_valid():
            services.add_note(beneficiary=beneficiary, form=form, by=request.user)
            notice = _("La note est enregistrée.")
            if request.htmx:
                context = timeline_panel_context(
                    beneficiary=beneficiary, user=request.user, notice=notice
                )
                return _vary(render(request, TIMELINE_PANEL, context))
            messages.success(request, notice)
            return _vary(redirect(_timeline_url(beneficiary)))
        if request.htmx:
            context = timeline_panel_context(
                beneficiary=beneficiary, user=request.user, note_form=form
            )
            return _vary(render(request, TIMELINE_PANEL, context))
    if request.method == "GET":
        record_read(actor=request.user, target=beneficiary, event="file.note_form_opened")
    return _vary(
        render(request, "accompaniment/note_form.html", {"beneficiary": beneficiary, "form": form})
    )


@staff_required
def timeline_recent(request, pk):
    """The latest events of a file, the panel the file page loads once it is shown (the page
    itself stays a bounded handful of queries). Outside htmx, the whole history."""
    beneficiary = _file(request, pk)
    if not request.htmx:
        return _vary(redirect("accompaniment:plan_timeline", pk=beneficiary.pk))
    record_read(actor=request.user, target=beneficiary, event="file.timeline_read")
    context = timeline_panel_context(beneficiary=beneficiary, user=request.user)
    return _vary(render(request, TIMELINE_PANEL, context))


def render_plan_sheet(request, beneficiary, *, goals, back_url):
    """The printable plan, for staff and for the person: open goals, then what was achieved
    and set aside, and who to reach; ``?grand=1`` prints in very large type."""
    open_goals, history = services.plan_of(beneficiary, goals=goals)
    return render(
        request,
        "accompaniment/plan_print.html",
        {
            "beneficiary": beneficiary,
            "open_goals": open_goals,
            "achieved": [goal for goal in history if goal.status == Goal.Status.ACHIEVED],
            "dropped": [goal for goal in history if goal.status == Goal.Status.DROPPED],
            "assignments": beneficiary.assignments.select_related("accompanier").order_by(
                "-is_primary", "pk"
            ),
            "programme_phone": settings.PROGRAMME_PHONE,
            "large_print": request.GET.get("grand") == "1",
            "back_url": back_url,
        },
    )


@staff_required
def plan_print(request, pk):
    """The plan on one page in large type, to print and give to the person (the same page as
    the one they print from their space)."""
    beneficiary = _file(request, pk)
    record_read(actor=request.user, target=beneficiary, event="file.plan_printed")
    return render_plan_sheet(
        request, beneficiary, goals=beneficiary.goals, back_url=_plan_url(beneficiary)
    )


@staff_required
def plan_timeline(request, pk):
    """The whole history of a file, page by page, when the file page shows only the latest
    events."""
    beneficiary = _file(request, pk)
    record_read(actor=request.user, target=beneficiary, event="file.timeline_read")
    try:
        # Bounded: a huge page number would be an offset the database refuses.
        number = min(max(1, int(request.GET.get("page", 1))), LAST_TIMELINE_PAGE)
    except ValueError:
        number = 1
    entries, has_older = services.timeline_of(
        beneficiary,
        user=request.user,
        limit=TIMELINE_PAGE_SIZE,
        skip=(number - 1) * TIMELINE_PAGE_SIZE,
    )
    return render(
        request,
        "accompaniment/plan_timeline.html",
        {
            "beneficiary": beneficiary,
            "entries": entries,
            "number": number,
            "newer_page": number - 1 if number > 1 else None,
            "older_page": number + 1 if has_older else None,
        },
    )
