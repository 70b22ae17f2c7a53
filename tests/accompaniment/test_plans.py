import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accompaniment.models import Goal, GoalChange, Step, Theme
from soli_dome.audit.models import AuditEntry
from tests.accompaniment.factories import GoalFactory, StepFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def file(accompanier, beneficiary_of):
    return beneficiary_of(accompanier, first_name="Inès")


@pytest.fixture
def goal(file, accompanier):
    return GoalFactory(beneficiary=file, title="Cuisiner trois fois par semaine")


@pytest.fixture
def step(goal):
    return StepFactory(goal=goal, title="Acheter une poêle")


def plan_url(beneficiary):
    return f"{beneficiary.get_absolute_url()}#plan"


def test_accompanier_adds_a_goal_with_a_step_from_the_file_page(client, accompanier, file):
    client.force_login(accompanier)
    page = client.get(file.get_absolute_url()).text
    goal_create = reverse("accompaniment:goal_create", args=[file.pk])
    assert f'action="{goal_create}"' in page

    theme = Theme.objects.get(name="Budget alimentaire")
    in_a_month = timezone.localdate() + datetime.timedelta(days=30)
    response = client.post(
        goal_create,
        {
            "goal-theme": theme.pk,
            "goal-title": "Tenir un budget courses",
            "goal-target_date": in_a_month,
        },
    )
    assert response.url == plan_url(file)
    goal = Goal.objects.get(beneficiary=file)
    assert (goal.title, goal.theme, goal.target_date) == (
        "Tenir un budget courses",
        theme,
        in_a_month,
    )
    assert goal.created_by == accompanier

    response = client.post(
        reverse("accompaniment:step_create", args=[goal.pk]),
        {
            f"goal{goal.pk}-step-title": "Noter ses courses",
            f"goal{goal.pk}-step-owner": "beneficiary",
        },
    )
    assert response.url == plan_url(file)
    page = client.get(file.get_absolute_url()).text
    assert "Tenir un budget courses" in page
    assert "Noter ses courses" in page


def test_a_new_goal_goes_after_the_open_goals(client, accompanier, file, goal):
    client.force_login(accompanier)
    theme = Theme.objects.get(name="Lien social")
    client.post(
        reverse("accompaniment:goal_create", args=[file.pk]),
        {"goal-theme": theme.pk, "goal-title": "Aller à un atelier"},
    )
    open_goals = client.get(reverse("accompaniment:plan_detail", args=[file.pk]), **HTMX)
    titles = [g.title for g in open_goals.context["open_goals"]]
    assert titles == ["Cuisiner trois fois par semaine", "Aller à un atelier"]


def test_adding_a_goal_is_on_the_timeline_and_in_the_journal(client, accompanier, file):
    client.force_login(accompanier)
    theme = Theme.objects.get(name="Lien social")
    client.post(
        reverse("accompaniment:goal_create", args=[file.pk]),
        {"goal-theme": theme.pk, "goal-title": "Aller à un atelier"},
    )
    change = GoalChange.objects.get(goal__beneficiary=file)
    assert (change.from_status, change.to_status, change.by) == ("", "to_start", accompanier)
    entry = AuditEntry.objects.about(file).get(action=AuditEntry.Action.UPDATE)
    assert entry.actor == accompanier


def test_a_goal_without_theme_is_refused_and_what_was_typed_is_kept(client, accompanier, file):
    client.force_login(accompanier)
    response = client.post(
        reverse("accompaniment:goal_create", args=[file.pk]), {"goal-title": "Manger local"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["theme"]
    assert 'value="Manger local"' in response.text
    assert not Goal.objects.exists()


def test_with_htmx_a_refused_goal_reopens_the_form_in_the_plan_panel(client, accompanier, file):
    client.force_login(accompanier)
    response = client.post(
        reverse("accompaniment:goal_create", args=[file.pk]), {"goal-title": "Manger local"}, **HTMX
    )
    assert response.status_code == 200
    assert response.context["goal_form"].errors["theme"]
    assert "<html" not in response.text
    assert 'value="Manger local"' in response.text


def test_withdrawn_themes_are_not_offered_for_new_goals(client, accompanier, file):
    Theme.objects.filter(name="Lien social").update(is_active=False)
    client.force_login(accompanier)
    response = client.get(reverse("accompaniment:goal_create", args=[file.pk]))
    assert "Lien social" not in response.text
    assert "Budget alimentaire" in response.text


def test_a_goal_keeps_its_withdrawn_theme_when_edited(client, accompanier, goal):
    goal.theme.is_active = False
    goal.theme.save()
    client.force_login(accompanier)
    response = client.get(reverse("accompaniment:goal_update", args=[goal.pk]))
    assert goal.theme.name in response.text


def test_accompanier_edits_a_goal(client, accompanier, file, goal):
    client.force_login(accompanier)
    url = reverse("accompaniment:goal_update", args=[goal.pk])
    form = client.get(url).context["form"]
    prefix = f"edit-goal{goal.pk}"
    response = client.post(
        url,
        {
            f"{prefix}-theme": goal.theme_id,
            f"{prefix}-title": "Cuisiner deux fois par semaine",
            f"{prefix}-version": form["version"].initial,
        },
    )
    assert response.url == plan_url(file)
    goal.refresh_from_db()
    assert goal.title == "Cuisiner deux fois par semaine"


def test_editing_a_goal_with_htmx_shows_the_form_in_place(client, accompanier, goal):
    client.force_login(accompanier)
    response = client.get(reverse("accompaniment:goal_update", args=[goal.pk]), **HTMX)
    assert f'id="goal-{goal.pk}"' in response.text
    assert "<html" not in response.text


def test_a_goal_changed_meanwhile_is_not_overwritten(client, accompanier, goal):
    client.force_login(accompanier)
    url = reverse("accompaniment:goal_update", args=[goal.pk])
    version = client.get(url).context["form"]["version"].initial
    Goal.objects.filter(pk=goal.pk).update(
        title="Changé par une collègue", updated_at=timezone.now() + datetime.timedelta(seconds=1)
    )
    prefix = f"edit-goal{goal.pk}"
    response = client.post(
        url,
        {
            f"{prefix}-theme": goal.theme_id,
            f"{prefix}-title": "Ma version",
            f"{prefix}-version": version,
        },
        **HTMX,
    )
    assert response.context["form"].non_field_errors()
    assert 'value="Ma version"' in response.text
    assert response.headers["HX-Retarget"] == f"#goal-{goal.pk}"
    goal.refresh_from_db()
    assert goal.title == "Changé par une collègue"


def test_ticking_a_step_without_javascript_comes_back_to_the_plan(client, accompanier, file, step):
    client.force_login(accompanier)
    response = client.post(reverse("accompaniment:step_toggle", args=[step.pk]), {"done": "1"})
    assert response.url == plan_url(file)
    step.refresh_from_db()
    assert step.is_done
    assert step.done_on == timezone.localdate()


def test_ticking_a_step_with_htmx_returns_the_plan_panel(client, accompanier, step):
    client.force_login(accompanier)
    response = client.post(
        reverse("accompaniment:step_toggle", args=[step.pk]), {"done": "1"}, **HTMX
    )
    assert response.status_code == 200
    assert '<section id="plan"' in response.text
    assert "<html" not in response.text
    assert "Remettre à faire" in response.text
    assert response["Vary"].count("HX-Request") == 1
    step.refresh_from_db()
    assert step.is_done


def test_unticking_a_step(client, accompanier, goal):
    step = StepFactory(goal=goal, done=True)
    client.force_login(accompanier)
    client.post(reverse("accompaniment:step_toggle", args=[step.pk]), {"done": "0"})
    step.refresh_from_db()
    assert (step.is_done, step.done_on) == (False, None)


def test_accompanier_edits_a_step(client, accompanier, step):
    client.force_login(accompanier)
    url = reverse("accompaniment:step_update", args=[step.pk])
    version = client.get(url).context["form"]["version"].initial
    prefix = f"edit-step{step.pk}"
    client.post(
        url,
        {
            f"{prefix}-title": "Acheter une poêle d'occasion",
            f"{prefix}-owner": Step.Owner.TOGETHER,
            f"{prefix}-version": version,
        },
    )
    step.refresh_from_db()
    assert (step.title, step.owner) == ("Acheter une poêle d'occasion", Step.Owner.TOGETHER)


def test_a_step_added_by_mistake_is_deleted(client, accompanier, file, step):
    client.force_login(accompanier)
    response = client.post(reverse("accompaniment:step_delete", args=[step.pk]))
    assert response.url == plan_url(file)
    assert not Step.objects.filter(pk=step.pk).exists()


def test_closing_a_goal_as_achieved_moves_it_to_the_history_with_its_date(
    client, accompanier, file, goal
):
    client.force_login(accompanier)
    response = client.post(
        reverse("accompaniment:goal_status", args=[goal.pk]), {"status": "achieved"}, **HTMX
    )
    goal.refresh_from_db()
    assert (goal.status, goal.closed_on) == (Goal.Status.ACHIEVED, timezone.localdate())
    assert response.context["open_goals"] == []
    assert response.context["history"] == [goal]
    today = timezone.localdate()
    page = client.get(file.get_absolute_url()).text
    history = page.split("Historique : objectifs atteints ou abandonnés")[1]
    assert "Cuisiner trois fois par semaine" in history
    assert f"atteint le {today.day} " in history
    change = goal.changes.get()
    assert (change.from_status, change.to_status) == ("to_start", "achieved")


def test_a_dropped_goal_stays_in_the_history_and_can_be_reopened(client, accompanier, goal):
    client.force_login(accompanier)
    url = reverse("accompaniment:goal_status", args=[goal.pk])
    client.post(url, {"status": "dropped"})
    goal.refresh_from_db()
    assert goal.status == Goal.Status.DROPPED
    client.post(url, {"status": "in_progress"})
    goal.refresh_from_db()
    assert (goal.status, goal.closed_on) == (Goal.Status.IN_PROGRESS, None)
    assert goal.changes.count() == 2


def test_a_stale_status_change_is_refused_with_a_message(client, accompanier, goal):
    client.force_login(accompanier)
    response = client.post(
        reverse("accompaniment:goal_status", args=[goal.pk]), {"status": "to_start"}, follow=True
    )
    assert "déjà dans cet état" in response.text
    assert not goal.changes.exists()


def test_goals_are_reordered_with_move_up_and_move_down(client, accompanier, file):
    # Positions left at their default, as older data may have them.
    first, second, third = GoalFactory.create_batch(3, beneficiary=file)
    client.force_login(accompanier)
    response = client.post(
        reverse("accompaniment:goal_move", args=[third.pk]), {"direction": "up"}, **HTMX
    )
    assert response.context["open_goals"] == [first, third, second]
    client.post(reverse("accompaniment:goal_move", args=[first.pk]), {"direction": "down"})
    ordered = list(Goal.objects.filter(beneficiary=file).order_by("position", "pk"))
    assert ordered == [third, first, second]


def test_moving_the_first_goal_up_changes_nothing(client, accompanier, file):
    first, second = GoalFactory.create_batch(2, beneficiary=file)
    client.force_login(accompanier)
    client.post(reverse("accompaniment:goal_move", args=[first.pk]), {"direction": "up"})
    assert list(Goal.objects.filter(beneficiary=file).order_by("position", "pk")) == [
        first,
        second,
    ]


def test_steps_are_reordered_within_their_goal(client, accompanier, goal):
    first, second = StepFactory.create_batch(2, goal=goal)
    client.force_login(accompanier)
    client.post(reverse("accompaniment:step_move", args=[second.pk]), {"direction": "up"})
    assert list(goal.steps.order_by("position", "pk")) == [second, first]


def test_the_plan_panel_offers_reordering_as_htmx_enhanced_forms(client, accompanier, file):
    first, second = GoalFactory.create_batch(2, beneficiary=file)
    client.force_login(accompanier)
    page = client.get(file.get_absolute_url()).text
    move = reverse("accompaniment:goal_move", args=[first.pk])
    assert f'<form method="post" action="{move}"' in page
    assert f'data-hx-post="{move}" data-hx-target="#plan" data-hx-swap="outerHTML"' in page
    assert f'id="goal-{first.pk}-down"' in page
    assert f'id="goal-{first.pk}-up"' not in page


def test_the_plan_panel_without_htmx_sends_back_to_the_file(client, accompanier, file):
    client.force_login(accompanier)
    response = client.get(reverse("accompaniment:plan_detail", args=[file.pk]))
    assert response.url == plan_url(file)


def test_coordinator_changes_any_plan(client, coordinator, goal):
    client.force_login(coordinator)
    client.post(reverse("accompaniment:goal_status", args=[goal.pk]), {"status": "in_progress"})
    goal.refresh_from_db()
    assert goal.status == Goal.Status.IN_PROGRESS


# Access matrix --------------------------------------------------------------------------

PLAN_URLS = [
    ("accompaniment:plan_detail", "file", "get"),
    ("accompaniment:goal_create", "file", "get"),
    ("accompaniment:goal_create", "file", "post"),
    ("accompaniment:goal_update", "goal", "get"),
    ("accompaniment:goal_update", "goal", "post"),
    ("accompaniment:goal_status", "goal", "post"),
    ("accompaniment:goal_move", "goal", "post"),
    ("accompaniment:step_create", "goal", "get"),
    ("accompaniment:step_create", "goal", "post"),
    ("accompaniment:step_update", "step", "get"),
    ("accompaniment:step_update", "step", "post"),
    ("accompaniment:step_toggle", "step", "post"),
    ("accompaniment:step_move", "step", "post"),
    ("accompaniment:step_delete", "step", "post"),
]

POSTED = {"status": "achieved", "direction": "up", "done": "1"}


def url_of(name, target, file, goal, step):
    return reverse(name, args=[{"file": file, "goal": goal, "step": step}[target].pk])


def send(client, method, url):
    if method == "post":
        return client.post(url, POSTED)
    return client.get(url, **HTMX)


@pytest.mark.parametrize(("name", "target", "method"), PLAN_URLS)
def test_other_accompanier_gets_404(
    client, other_accompanier, file, goal, step, name, target, method
):
    client.force_login(other_accompanier)
    assert send(client, method, url_of(name, target, file, goal, step)).status_code == 404
    assert Step.objects.filter(pk=step.pk, is_done=False).exists()
    goal.refresh_from_db()
    assert goal.status == Goal.Status.TO_START


@pytest.mark.parametrize(("name", "target", "method"), PLAN_URLS)
def test_beneficiary_gets_404_on_staff_plan_urls(
    client, beneficiary_of, accompanier, name, target, method
):
    own = beneficiary_of(accompanier, with_account=True)
    goal = GoalFactory(beneficiary=own)
    step = StepFactory(goal=goal)
    client.force_login(own.user)
    assert send(client, method, url_of(name, target, own, goal, step)).status_code == 404


@pytest.mark.parametrize(("name", "target", "method"), PLAN_URLS)
def test_anonymous_is_sent_to_login(client, file, goal, step, name, target, method):
    response = send(client, method, url_of(name, target, file, goal, step))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("persona", ["accompanier", "coordinator"])
@pytest.mark.parametrize(("name", "target", "method"), PLAN_URLS)
def test_assigned_accompanier_and_coordinator_may_use_every_plan_url(
    client, request, file, goal, step, persona, name, target, method
):
    client.force_login(request.getfixturevalue(persona))
    assert send(client, method, url_of(name, target, file, goal, step)).status_code in (200, 302)


def close_file(file, accompanier):
    file.close(on=timezone.localdate(), reason=file.ExitReason.GOALS_REACHED)


def test_a_closed_files_plan_offers_no_change(client, accompanier, file, step):
    close_file(file, accompanier)
    client.force_login(accompanier)
    page = client.get(file.get_absolute_url()).text
    assert reverse("accompaniment:step_toggle", args=[step.pk]) not in page


def test_a_change_sent_to_a_closed_files_plan_is_refused_with_a_message(
    client, accompanier, file, step
):
    close_file(file, accompanier)
    client.force_login(accompanier)
    response = client.post(
        reverse("accompaniment:step_toggle", args=[step.pk]), {"done": "1"}, follow=True
    )
    step.refresh_from_db()
    assert (step.is_done, "Ce dossier est clos" in response.text) == (False, True)


def test_a_reopened_files_plan_can_change_again(client, accompanier, file, step):
    close_file(file, accompanier)
    file.reopen()
    client.force_login(accompanier)
    client.post(reverse("accompaniment:step_toggle", args=[step.pk]), {"done": "1"})
    step.refresh_from_db()
    assert step.is_done


def test_marking_a_goal_achieved_with_open_steps_asks_first(client, accompanier, file, goal, step):
    client.force_login(accompanier)
    url = reverse("accompaniment:goal_status", args=[goal.pk])
    response = client.post(url, {"status": "achieved"})
    assert response.status_code == 200
    assert "encore une action à faire" in response.text and "Acheter une poêle" in response.text
    goal.refresh_from_db()
    assert goal.status == Goal.Status.TO_START
    response = client.post(url, {"status": "achieved", "confirmed": "1"})
    assert response.url == plan_url(file)
    goal.refresh_from_db()
    assert goal.status == Goal.Status.ACHIEVED


def test_with_htmx_the_question_opens_inside_the_goal(client, accompanier, goal, step):
    client.force_login(accompanier)
    url = reverse("accompaniment:goal_status", args=[goal.pk])
    response = client.post(url, {"status": "achieved"}, **HTMX)
    assert response["HX-Retarget"] == f"#goal-{goal.pk}-confirm"
    assert "<html" not in response.text and 'name="confirmed"' in response.text
    goal.refresh_from_db()
    assert goal.status == Goal.Status.TO_START


def test_a_goal_whose_steps_are_done_is_achieved_at_once(client, accompanier, goal):
    StepFactory(goal=goal, done=True)
    client.force_login(accompanier)
    client.post(reverse("accompaniment:goal_status", args=[goal.pk]), {"status": "achieved"})
    goal.refresh_from_db()
    assert goal.status == Goal.Status.ACHIEVED


def test_ticking_a_step_of_a_goal_to_start_moves_the_goal_in_progress(client, accompanier, step):
    client.force_login(accompanier)
    client.post(reverse("accompaniment:step_toggle", args=[step.pk]), {"done": "1"})
    step.goal.refresh_from_db()
    assert step.goal.status == Goal.Status.IN_PROGRESS
    change = step.goal.changes.get()
    assert (change.from_status, change.to_status, change.by) == (
        "to_start",
        "in_progress",
        accompanier,
    )


def test_unticking_a_step_leaves_the_goal_in_progress(client, accompanier, goal):
    goal.change_status(Goal.Status.IN_PROGRESS, by=accompanier)
    step = StepFactory(goal=goal, done=True)
    client.force_login(accompanier)
    client.post(reverse("accompaniment:step_toggle", args=[step.pk]), {"done": "0"})
    goal.refresh_from_db()
    assert goal.status == Goal.Status.IN_PROGRESS
