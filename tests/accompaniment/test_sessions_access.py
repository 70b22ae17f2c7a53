"""Who may open each session page: the accompaniers of the file and the coordinators; anyone
else gets a 404 that does not confirm the session exists."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accompaniment.models import Session
from tests.accompaniment.factories import SessionFactory
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db

SESSION_PAGES = [
    "accompaniment:session_detail",
    "accompaniment:session_update",
    "accompaniment:session_record",
    "accompaniment:session_cancel",
]


@pytest.fixture
def file(accompanier, beneficiary_of):
    return beneficiary_of(accompanier)


@pytest.fixture
def session(accompanier, file):
    """A planned session that started an hour ago: every action is open on it."""
    started = timezone.now() - datetime.timedelta(hours=1)
    return SessionFactory(accompanier=accompanier, participants=[file], starts_at=started)


def session_urls(session, file):
    return [reverse(name, args=[session.pk]) for name in SESSION_PAGES] + [
        reverse("accompaniment:session_create_for", args=[file.pk]),
        reverse("accompaniment:session_list") + f"?beneficiaire={file.pk}",
    ]


def test_assigned_accompanier_opens_every_session_page(client, accompanier, session, file):
    client.force_login(accompanier)
    for url in session_urls(session, file):
        assert client.get(url).status_code == 200, url


def test_a_second_accompanier_of_the_file_opens_the_sessions(client, session, file):
    colleague = UserFactory(accompanier=True)
    file.assignments.create(accompanier=colleague, is_primary=False)
    client.force_login(colleague)
    for url in session_urls(session, file):
        assert client.get(url).status_code == 200, url


def test_coordinator_opens_every_session_page(client, coordinator, session, file):
    client.force_login(coordinator)
    for url in session_urls(session, file):
        assert client.get(url).status_code == 200, url


def test_other_accompanier_gets_404(client, other_accompanier, session, file):
    client.force_login(other_accompanier)
    for url in session_urls(session, file):
        assert client.get(url).status_code == 404, url
    assert (
        client.post(reverse("accompaniment:session_missed", args=[session.pk])).status_code == 404
    )
    cancel = reverse("accompaniment:session_cancel", args=[session.pk])
    assert client.post(cancel, {"reason": "Intrusion"}).status_code == 404
    assert Session.objects.get().status == Session.Status.PLANNED


def test_beneficiary_gets_404(client, accompanier, session, file):
    own = BeneficiaryFactory(accompanied_by=accompanier, with_account=True)
    SessionFactory(accompanier=accompanier, participants=[own])
    client.force_login(own.user)
    for url in [*session_urls(session, file), reverse("accompaniment:session_list")]:
        assert client.get(url).status_code == 404, url
    own_session = own.participations.get().session
    assert client.get(own_session.get_absolute_url()).status_code == 404


def test_anonymous_is_sent_to_login(client, session, file):
    for url in [*session_urls(session, file), reverse("accompaniment:session_create")]:
        response = client.get(url)
        assert response.status_code == 302 and "/compte/login/" in response.url, url


def test_staff_open_the_sessions_page_and_the_collective_form(client, accompanier, coordinator):
    for user in (accompanier, coordinator):
        client.force_login(user)
        assert client.get(reverse("accompaniment:session_list")).status_code == 200
        assert client.get(reverse("accompaniment:session_create")).status_code == 200


def test_the_leader_keeps_access_to_a_session_with_a_file_no_longer_theirs(
    client, other_accompanier, beneficiary_of
):
    file = beneficiary_of(other_accompanier)
    session = SessionFactory(accompanier=UserFactory(accompanier=True), participants=[file])
    client.force_login(session.accompanier)
    assert client.get(session.get_absolute_url()).status_code == 200
