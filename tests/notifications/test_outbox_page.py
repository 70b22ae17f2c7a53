import pytest
from django.urls import reverse

from soli_dome.audit.models import AuditEntry
from soli_dome.notifications.models import Notification, SmsBudget
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.notifications.factories import NotificationFactory

pytestmark = pytest.mark.django_db
LIST = reverse("notifications:notification_list")


def test_coordinators_reach_the_outbox_from_the_navigation(client, coordinator):
    client.force_login(coordinator)
    assert f'href="{LIST}"' in client.get(reverse("accompaniment:dashboard")).text


@pytest.mark.parametrize("persona", ["accompanier", "beneficiary_user"])
def test_other_roles_get_404(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(LIST).status_code == 404


def test_anonymous_visitors_are_sent_to_login(client):
    assert client.get(LIST)["Location"].startswith(reverse("account_login"))


def test_the_outbox_filters_by_status_kind_and_channel(client, coordinator):
    NotificationFactory(failed=True, body="Numéro refusé")
    NotificationFactory(failed=True, email=True, body="Adresse refusée")
    NotificationFactory(body="Pas encore parti")
    client.force_login(coordinator)
    page = client.get(LIST, {"statut": "failed", "canal": "sms", "type": "session_reminder"})
    assert [n.body for n in page.context["page"].object_list] == ["Numéro refusé"]


def test_the_error_of_a_failed_message_is_shown(client, coordinator):
    NotificationFactory(failed=True, last_error="HTTP 400: invalid recipient")
    client.force_login(coordinator)
    assert "HTTP 400: invalid recipient" in client.get(LIST).text


def test_send_again_puts_a_failed_message_back_in_the_queue(client, coordinator):
    notification = NotificationFactory(failed=True)
    client.force_login(coordinator)
    client.post(reverse("notifications:notification_send_again", args=[notification.pk]))
    notification.refresh_from_db()
    assert notification.status == Notification.Status.PENDING


def test_a_sent_message_cannot_be_sent_again(client, coordinator):
    notification = NotificationFactory(sent=True)
    client.force_login(coordinator)
    client.post(reverse("notifications:notification_send_again", args=[notification.pk]))
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT


def test_send_again_is_refused_to_accompaniers(client, accompanier):
    notification = NotificationFactory(failed=True)
    client.force_login(accompanier)
    url = reverse("notifications:notification_send_again", args=[notification.pk])
    assert client.post(url).status_code == 404


def test_the_months_sms_are_counted_against_the_budget_with_a_warning(client, coordinator):
    SmsBudget.objects.update_or_create(pk=1, defaults={"monthly_limit": 2})
    NotificationFactory.create_batch(2, sent=True)
    client.force_login(coordinator)
    assert "Le budget du mois est dépassé." in client.get(LIST).text


def test_coordinators_set_the_sms_budget(client, coordinator):
    client.force_login(coordinator)
    client.post(reverse("notifications:sms_budget"), {"monthly_limit": "800"})
    assert SmsBudget.current().monthly_limit == 800


def test_a_budget_that_is_not_a_number_is_explained(client, coordinator):
    client.force_login(coordinator)
    response = client.post(reverse("notifications:sms_budget"), {"monthly_limit": "beaucoup"})
    assert response.context["form"].errors["monthly_limit"]


def test_the_outbox_queries_do_not_grow_with_the_messages(
    client, coordinator, django_assert_max_num_queries
):
    def count_queries():
        with django_assert_max_num_queries(100) as captured:
            client.get(LIST)
        return len(captured)

    client.force_login(coordinator)
    NotificationFactory(recipient=BeneficiaryFactory())
    NotificationFactory(email=True)
    count_queries()  # the first visit fills caches (content types) and the budget row
    few = count_queries()
    NotificationFactory.create_batch(10, recipient=BeneficiaryFactory())
    NotificationFactory.create_batch(10, email=True)
    assert count_queries() == few


def test_showing_a_beneficiarys_messages_is_journaled_on_their_file(client, coordinator):
    person = BeneficiaryFactory()
    NotificationFactory(recipient=person)
    NotificationFactory(email=True)  # to a staff member: not a file
    client.force_login(coordinator)
    client.get(LIST)
    reads = AuditEntry.objects.filter(action=AuditEntry.Action.READ, actor=coordinator)
    assert list(reads.values_list("content_type__model", "object_id")) == [
        ("beneficiary", person.pk)
    ]


def test_the_outbox_journals_each_file_once_per_page(client, coordinator):
    person = BeneficiaryFactory()
    NotificationFactory.create_batch(3, recipient=person)
    client.force_login(coordinator)
    client.get(LIST)
    assert AuditEntry.objects.about(person).filter(action=AuditEntry.Action.READ).count() == 1
