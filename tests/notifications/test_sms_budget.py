"""Past the month's SMS budget: warn only, hold the SMS, or send them by e-mail."""

import pytest
from django.core import mail
from django.urls import reverse

from soli_dome.notifications import outbox
from soli_dome.notifications.models import Notification, SmsBudget
from tests.notifications.factories import NotificationFactory, reachable

pytestmark = pytest.mark.django_db
LIST = reverse("notifications:notification_list")


def budget_used_up(over_limit):
    SmsBudget.objects.update_or_create(
        pk=1, defaults={"monthly_limit": 1, "over_limit": over_limit}
    )
    NotificationFactory(sent=True)


def test_warn_only_lets_the_sms_go_past_the_budget(sms_outbox):
    budget_used_up(SmsBudget.OverLimit.WARN)
    NotificationFactory()
    assert outbox.dispatch() == 1


def test_hold_keeps_the_sms_and_the_outbox_page_shows_them_with_a_release(
    client, coordinator, sms_outbox
):
    budget_used_up(SmsBudget.OverLimit.HOLD)
    held = NotificationFactory()
    assert outbox.dispatch() == 0
    held.refresh_from_db()
    assert held.status == Notification.Status.HELD and sms_outbox == []
    client.force_login(coordinator)
    page = client.get(LIST).text
    assert "1 SMS est retenu" in page
    assert reverse("notifications:notification_release_held") in page
    client.post(reverse("notifications:notification_release_held"))
    assert outbox.dispatch() == 1
    assert [m["key"] for m in sms_outbox] == [held.idempotency_key]


def test_raising_the_budget_lets_the_held_sms_go(client, coordinator, sms_outbox):
    budget_used_up(SmsBudget.OverLimit.HOLD)
    NotificationFactory()
    outbox.dispatch()
    client.force_login(coordinator)
    client.post(reverse("notifications:sms_budget"), {"monthly_limit": "800"})
    assert outbox.dispatch() == 1
    assert SmsBudget.current().over_limit == SmsBudget.OverLimit.HOLD


def test_fallback_sends_by_email_to_a_person_who_has_one_and_holds_the_others(sms_outbox):
    budget_used_up(SmsBudget.OverLimit.EMAIL)
    with_email = reachable(email="lea@example.org")
    without = reachable(email="")
    for person in (with_email, without):
        NotificationFactory(kind=Notification.Kind.APPOINTMENT_CANCELLED, recipient=person)
    outbox.dispatch()
    assert [message.to for message in mail.outbox] == [["lea@example.org"]]
    assert sms_outbox == []
    statuses = Notification.objects.for_recipient(without).values_list("status", flat=True)
    assert list(statuses) == [Notification.Status.HELD]


def test_only_coordinators_release_held_sms(client, accompanier):
    client.force_login(accompanier)
    assert client.post(reverse("notifications:notification_release_held")).status_code == 404
