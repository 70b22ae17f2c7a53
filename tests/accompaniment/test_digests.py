import datetime

import pytest
from django.core import mail
from django.utils import timezone

from accompaniment.digests import (
    catch_up_daily_notifications,
    coordinator_digest,
    write_daily_notifications,
)
from soli_dome.notifications import outbox
from soli_dome.notifications.models import Notification
from tests.accompaniment.factories import GoalFactory, SessionFactory, StepFactory
from tests.notifications.factories import NotificationFactory, reachable

pytestmark = pytest.mark.django_db
MONDAY = datetime.date(2026, 11, 30)


def today_at(hour):
    return timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time(hour)))


def test_an_accompanier_gets_todays_sessions_in_a_digest(accompanier, beneficiary_of):
    person = beneficiary_of(accompanier, first_name="Inès", last_name="Martin")
    SessionFactory(accompanier=accompanier, starts_at=today_at(23), participants=[person])
    write_daily_notifications()
    outbox.dispatch()
    assert "Inès M." in mail.outbox[0].body


def test_the_digest_counts_people_without_contact(accompanier, beneficiary_of):
    beneficiary_of(accompanier, last_contact_on=timezone.localdate() - datetime.timedelta(70))
    write_daily_notifications()
    digest = Notification.objects.get(kind=Notification.Kind.ACCOMPANIER_DIGEST)
    assert "1 personne sans contact depuis plus de 60 jours" in digest.body


def test_an_accompanier_with_nothing_to_do_gets_no_digest(accompanier):
    write_daily_notifications()
    assert not Notification.objects.exists()


def test_the_digest_is_written_once_a_day(accompanier, beneficiary_of):
    beneficiary_of(accompanier, last_contact_on=None)
    write_daily_notifications()
    write_daily_notifications()
    assert Notification.objects.count() == 1


def test_the_digest_is_in_the_accompaniers_language(accompanier, beneficiary_of):
    accompanier.language = "en"
    accompanier.save()
    beneficiary_of(accompanier, last_contact_on=None)
    write_daily_notifications()
    assert Notification.objects.get().language == "en"


def test_coordinators_get_the_weekly_digest_on_mondays(coordinator):
    NotificationFactory(failed=True)
    write_daily_notifications(today=MONDAY)
    digest = Notification.objects.get(kind=Notification.Kind.COORDINATOR_DIGEST)
    assert "1 message en échec cette semaine" in digest.body


def test_coordinators_get_no_digest_on_other_days(coordinator):
    write_daily_notifications(today=MONDAY + datetime.timedelta(days=1))
    assert not Notification.objects.filter(kind=Notification.Kind.COORDINATOR_DIGEST).exists()


def test_a_step_due_soon_is_nudged_for_people_who_asked(accompanier, beneficiary_of):
    person = reachable(beneficiary_of(accompanier, step_reminders=True))
    due = timezone.localdate() + datetime.timedelta(days=2)
    StepFactory(goal=GoalFactory(beneficiary=person), title="Faire la liste", due_date=due)
    write_daily_notifications()
    nudge = Notification.objects.get(kind=Notification.Kind.STEP_REMINDER)
    assert "Faire la liste" in nudge.body


def test_no_step_nudge_without_the_wish(accompanier, beneficiary_of):
    person = reachable(beneficiary_of(accompanier, step_reminders=False))
    due = timezone.localdate() + datetime.timedelta(days=2)
    StepFactory(goal=GoalFactory(beneficiary=person), due_date=due)
    write_daily_notifications()
    assert not Notification.objects.filter(kind=Notification.Kind.STEP_REMINDER).exists()


def test_a_digest_to_a_deactivated_account_is_not_sent(accompanier, beneficiary_of):
    beneficiary_of(accompanier, last_contact_on=None)
    write_daily_notifications()
    accompanier.is_active = False
    accompanier.save()
    outbox.dispatch()
    assert mail.outbox == []


def test_names_in_the_html_digest_are_escaped(accompanier, beneficiary_of):
    person = beneficiary_of(accompanier, first_name="<b>Inès</b>")
    SessionFactory(accompanier=accompanier, starts_at=today_at(23), participants=[person])
    write_daily_notifications()
    digest = Notification.objects.get(kind=Notification.Kind.ACCOMPANIER_DIGEST)
    assert "&lt;b&gt;Inès&lt;/b&gt;" in digest.html_body


def test_no_digest_is_written_before_the_morning(accompanier, beneficiary_of):
    beneficiary_of(accompanier, last_contact_on=None)
    catch_up_daily_notifications(today_at(6))
    assert not Notification.objects.exists()


def test_a_worker_down_at_seven_still_writes_the_days_digest_once(accompanier, beneficiary_of):
    beneficiary_of(accompanier, last_contact_on=None)
    catch_up_daily_notifications(today_at(10))
    catch_up_daily_notifications(today_at(11))
    assert Notification.objects.count() == 1


def test_the_coordinators_digest_works_on_the_29th_of_february(accompanier, beneficiary_of):
    beneficiary_of(accompanier, last_contact_on=datetime.date(2026, 3, 1))
    assert coordinator_digest(datetime.date(2028, 2, 29))["retention_due"] == 1
