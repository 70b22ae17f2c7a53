import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.accompaniment.factories import GoalFactory, SessionFactory, StepFactory, WorkshopFactory
from tests.beneficiaries.factories import BeneficiaryFactory

pytestmark = pytest.mark.django_db


def soon(days=0, hours=0):
    return timezone.now() + datetime.timedelta(days=days, hours=hours)


def test_shows_the_sessions_of_the_week_i_lead(
    client, accompanier, other_accompanier, beneficiary_of
):
    mine = beneficiary_of(accompanier, first_name="Mienne")
    theirs = beneficiary_of(other_accompanier, first_name="Autre")
    today = timezone.localdate()
    later_today = timezone.make_aware(datetime.datetime.combine(today, datetime.time(23, 0)))
    SessionFactory(accompanier=accompanier, participants=[mine], starts_at=later_today)
    SessionFactory(accompanier=other_accompanier, participants=[theirs], starts_at=later_today)
    client.force_login(accompanier)
    sessions = client.get(reverse("accompaniment:dashboard")).context["week_sessions"]
    assert [s.participations.get().beneficiary.first_name for s in sessions] == ["Mienne"]


def test_lists_goals_and_steps_due_soon(client, accompanier, beneficiary_of):
    file = beneficiary_of(accompanier)
    in_three_days = timezone.localdate() + datetime.timedelta(days=3)
    goal = GoalFactory(beneficiary=file, title="Cuisiner trois fois", target_date=in_three_days)
    StepFactory(goal=goal, title="Acheter une poêle", due_date=in_three_days)
    GoalFactory(
        beneficiary=file,
        title="Lointain",
        target_date=in_three_days.replace(year=in_three_days.year + 1),
    )
    client.force_login(accompanier)
    response = client.get(reverse("accompaniment:dashboard"))
    due = [g.title for g in response.context["goals_due"]] + [
        s.title for s in response.context["steps_due"]
    ]
    assert due == ["Cuisiner trois fois", "Acheter une poêle"]


def test_lists_coming_workshops(client, accompanier):
    WorkshopFactory(title="Marché de Jaude", starts_at=soon(days=3))
    client.force_login(accompanier)
    assert "Marché de Jaude" in client.get(reverse("accompaniment:dashboard")).text


def test_coordinator_looks_through_one_accompaniers_eyes(
    client, coordinator, accompanier, other_accompanier, beneficiary_of
):
    old = timezone.localdate() - datetime.timedelta(days=100)
    beneficiary_of(accompanier, first_name="Suivie", last_contact_on=old)
    beneficiary_of(other_accompanier, first_name="Ailleurs", last_contact_on=old)
    client.force_login(coordinator)
    response = client.get(reverse("accompaniment:dashboard"), {"accompanier": accompanier.pk})
    assert [b.first_name for b in response.context["without_contact"]] == ["Suivie"]


def test_dashboard_queries_do_not_grow_with_the_data(client, accompanier):
    client.force_login(accompanier)
    counts = []
    for batch in (5, 50):
        for _ in range(batch):
            file = BeneficiaryFactory(accompanied_by=accompanier, last_contact_on=None)
            goal = GoalFactory(beneficiary=file, target_date=timezone.localdate())
            StepFactory(goal=goal, due_date=timezone.localdate())
            SessionFactory(accompanier=accompanier, participants=[file], starts_at=soon(hours=1))
        WorkshopFactory.create_batch(batch, starts_at=soon(days=2))
        with CaptureQueriesContext(connection) as captured:
            client.get(reverse("accompaniment:dashboard"))
        counts.append(len(captured))
    assert counts[0] == counts[1]
