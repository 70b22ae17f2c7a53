"""Reminders and expiry of the referrals without an answer."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from accompaniment.models import Referral
from accompaniment.services.referrals import process_referral_deadlines
from accompaniment.tasks import process_referral_deadlines as deadlines_task
from soli_dome.notifications import outbox
from tests.accompaniment.test_referrals import make_referral

pytestmark = pytest.mark.django_db


def sent_days_ago(beneficiary, by, days, **kwargs):
    sent_at = timezone.now() - datetime.timedelta(days=days)
    return make_referral(
        beneficiary,
        by,
        sent_at=sent_at,
        expires_at=sent_at + datetime.timedelta(days=30),
        **kwargs,
    )


def test_no_reminder_before_ten_days(accompanier, beneficiary_of):
    sent_days_ago(beneficiary_of(accompanier), accompanier, 9)
    assert process_referral_deadlines() == (0, 0)
    assert mail.outbox == []


def test_one_reminder_after_ten_days(accompanier, beneficiary_of):
    referral = sent_days_ago(beneficiary_of(accompanier), accompanier, 10)
    assert process_referral_deadlines() == (0, 1)
    outbox.dispatch()
    (message,) = mail.outbox
    assert message.to == ["accueil@partenaire.example"]
    assert referral.public_url() in message.body
    assert "rappel" in message.subject
    referral.refresh_from_db()
    assert referral.reminded_at is not None


def test_reminder_is_never_sent_twice(accompanier, beneficiary_of):
    sent_days_ago(beneficiary_of(accompanier), accompanier, 12)
    process_referral_deadlines()
    process_referral_deadlines(now=timezone.now() + datetime.timedelta(days=5))
    outbox.dispatch()
    assert len(mail.outbox) == 1


def test_answered_referral_gets_no_reminder(accompanier, beneficiary_of):
    referral = sent_days_ago(beneficiary_of(accompanier), accompanier, 12)
    referral.answer(status=Referral.Status.ACCEPTED)
    process_referral_deadlines()
    assert mail.outbox == []


def test_expiry_after_thirty_days(accompanier, beneficiary_of):
    referral = sent_days_ago(beneficiary_of(accompanier), accompanier, 30)
    young = sent_days_ago(beneficiary_of(accompanier), accompanier, 29)
    expired, _reminded = process_referral_deadlines()
    assert expired == 1
    referral.refresh_from_db()
    young.refresh_from_db()
    assert referral.status == Referral.Status.EXPIRED
    assert referral.closed_at is not None
    assert young.status == Referral.Status.SENT


def test_expired_referral_gets_no_reminder(accompanier, beneficiary_of):
    sent_days_ago(beneficiary_of(accompanier), accompanier, 31)
    process_referral_deadlines()
    assert mail.outbox == []


def test_reminder_delay_comes_from_settings(settings, accompanier, beneficiary_of):
    settings.REFERRAL_REMINDER_DAYS = 3
    sent_days_ago(beneficiary_of(accompanier), accompanier, 4)
    assert process_referral_deadlines() == (0, 1)


def test_task_runs_the_deadlines(accompanier, beneficiary_of):
    referral = sent_days_ago(beneficiary_of(accompanier), accompanier, 31)
    deadlines_task.delay()
    referral.refresh_from_db()
    assert referral.status == Referral.Status.EXPIRED


def test_task_is_scheduled_daily(settings):
    (entry,) = [
        entry
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == "accompaniment.process_referral_deadlines"
    ]
    assert entry["schedule"] == 24 * 60 * 60
