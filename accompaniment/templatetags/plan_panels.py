"""The plan and timeline panels of a beneficiary's file page, rendered by ``accompaniment``
so that ``beneficiaries`` never imports it. Each panel runs a fixed number of queries."""

from django import template

from accompaniment.forms.plans import GoalForm, NoteForm, StepForm
from accompaniment.services.plans import file_is_open, plan_of, timeline_of

register = template.Library()

TIMELINE_PANEL_SIZE = 20


def step_form_prefix(goal):
    return f"goal{goal.pk}-step"


def plan_panel_context(*, beneficiary, goal_form=None, step_form=None, notice=""):
    """What ``_plan_panel.html`` needs. ``goal_form`` / ``step_form`` are bound forms to show
    again with their errors; every other goal gets an empty step form."""
    open_goals, history = plan_of(beneficiary)
    for goal in open_goals:
        if step_form is not None and step_form.instance.goal_id == goal.pk:
            goal.step_form = step_form
        else:
            goal.step_form = StepForm(prefix=step_form_prefix(goal))
    return {
        "beneficiary": beneficiary,
        "open_goals": open_goals,
        "history": history,
        "goal_form": goal_form or GoalForm(prefix="goal"),
        "notice": notice,
        "editable": file_is_open(beneficiary),
    }


def timeline_panel_context(*, beneficiary, user, note_form=None, notice=""):
    entries, has_more = timeline_of(beneficiary, user=user, limit=TIMELINE_PANEL_SIZE)
    return {
        "beneficiary": beneficiary,
        "entries": entries,
        "has_more": has_more,
        "note_form": note_form or NoteForm(prefix="note"),
        "notice": notice,
    }


@register.inclusion_tag("accompaniment/includes/_plan_panel.html", takes_context=True)
def plan_panel(context, beneficiary, user):
    return {
        **plan_panel_context(beneficiary=beneficiary),
        "csrf_token": context.get("csrf_token"),
        "user": user,
    }


@register.inclusion_tag("accompaniment/includes/_timeline_placeholder.html")
def timeline_panel(beneficiary):
    """Where the file page shows its latest events: htmx loads them from
    ``timeline_recent`` once the page is there; without JavaScript, a link to the history."""
    return {"beneficiary": beneficiary}
