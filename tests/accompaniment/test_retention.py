"""Retention on the CNIL clock: files two years without contact are anonymised, once."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import models
from django.db.models import Count, Sum
from django.urls import reverse
from django.utils import timezone

from accompaniment.digests import write_daily_notifications
from accompaniment.models import (
    ExitReview,
    Goal,
    Note,
    Participation,
    Referral,
    Session,
    Step,
    Support,
)
from accompaniment.services import plans as plan_services
from accompaniment.services import retention
from accompaniment.tasks import apply_retention
from beneficiaries.models import (
    AccessRequest,
    Beneficiary,
    ContactChangeRequest,
    DeletionRequest,
    years_ago,
)
from soli_dome.audit.models import AuditEntry
from soli_dome.notifications.models import Notification
from tests.accompaniment.factories import (
    GoalFactory,
    NoteFactory,
    ReferralFactory,
    RegistrationFactory,
    SessionFactory,
    StepFactory,
    SupportFactory,
)
from tests.beneficiaries.factories import BeneficiaryFactory

FIRST_NAME, LAST_NAME = "Zéphyrine", "Quillebœuf"
EMAIL, PHONE = "zephyrine.quilleboeuf@example.org", "+33611223344"
TRACES = [FIRST_NAME, LAST_NAME, EMAIL, "611223344", "6 11 22 33 44", "Appartement 12B"]


def today():
    return timezone.localdate()


def contacted(days_from_limit, **kwargs):
    """A file whose last contact is ``days_from_limit`` days after the two-year limit."""
    limit = years_ago(2, today())
    return BeneficiaryFactory(
        last_contact_on=limit + datetime.timedelta(days=days_from_limit),
        entry_date=limit - datetime.timedelta(days=400),
        **kwargs,
    )


def notify(recipient, address, body):
    return Notification.objects.create(
        kind=Notification.Kind.SESSION_REMINDER,
        channel=Notification.Channel.SMS,
        recipient=recipient,
        address=address,
        body=body,
        due_at=timezone.now() + datetime.timedelta(days=1),
        idempotency_key=f"test:{Notification.objects.count()}:{address}",
    )


@pytest.fixture
def full_file(accompanier):
    """A file past its two years with every kind of data, a portal account and messages."""
    person = contacted(
        -1,
        first_name=FIRST_NAME,
        last_name=LAST_NAME,
        email=EMAIL,
        phone=PHONE,
        gender=Beneficiary.Gender.WOMAN,
        birth_date=datetime.date(2004, 3, 14),
        with_account=True,
        accompanied_by=accompanier,
    )
    person.user.email, person.user.first_name = EMAIL, FIRST_NAME
    person.user.save()
    goal = GoalFactory(beneficiary=person, title=f"Cuisiner avec {FIRST_NAME}")
    StepFactory(goal=goal, title="Aller au marché Appartement 12B")
    removed = StepFactory(goal=goal, title=f"Appeler {LAST_NAME}")
    plan_services.delete_step(step=removed, by=accompanier)
    NoteFactory(beneficiary=person, text=f"{FIRST_NAME} a appelé.")
    SessionFactory(
        held=True,
        accompanier=accompanier,
        modality=Session.Modality.HOME_VISIT,
        place="Appartement 12B, rue des Gras",
        private_notes=f"Chez {FIRST_NAME}",
        shared_summary="Nous avons parlé du budget.",
        participants=[person],
    )
    ReferralFactory(beneficiary=person, message=f"Pour {FIRST_NAME} {LAST_NAME}")
    SupportFactory(beneficiary=person, amount=Decimal("12.50"), description=f"Pour {LAST_NAME}")
    ExitReview.objects.create(
        beneficiary=person,
        closed_on=today(),
        goals_outcome=ExitReview.GoalsOutcome.SOME,
        what_changed=f"{FIRST_NAME} cuisine.",
        written_by=accompanier,
    )
    ContactChangeRequest.objects.create(beneficiary=person, email="nouvelle@example.org")
    notify(person, PHONE, f"Bonjour {FIRST_NAME}, rendez-vous demain.")
    notify(accompanier, accompanier.email, f"Rendez-vous avec {FIRST_NAME} {LAST_NAME[0]}.")
    RegistrationFactory(beneficiary=person)
    return person


def statistics():
    """What the reports count: publics by birth year, communes, genders, attendance, amounts."""
    files = Beneficiary.objects.all()
    return {
        "years": sorted(files.values_list("birth_date__year", flat=True)),
        "communes": list(files.values("commune").annotate(n=Count("pk")).order_by("commune")),
        "genders": list(files.values("gender").annotate(n=Count("pk")).order_by("gender")),
        "attendance": list(
            Participation.objects.values("attendance").annotate(n=Count("pk")).order_by()
        ),
        "sessions": Session.objects.count(),
        "amounts": Support.objects.aggregate(total=Sum("amount"))["total"],
        "goals": list(Goal.objects.values("status").annotate(n=Count("pk")).order_by("status")),
        "steps_done": Step.objects.filter(is_done=True).count(),
        "referrals": list(Referral.objects.values("status").annotate(n=Count("pk")).order_by()),
    }


def rows_mentioning(text):
    """Every (table, column) of the database whose text holds ``text``."""
    found = []
    for model in apps.get_models():
        for field in model._meta.get_fields():
            # JSON too: the journal's parameters copy goal and step titles.
            is_text = field.concrete and isinstance(
                field, models.CharField | models.TextField | models.JSONField
            )
            if is_text and model.objects.filter(**{f"{field.name}__icontains": text}).exists():
                found.append(f"{model._meta.db_table}.{field.column}")
    return found


@pytest.mark.django_db
def test_the_clock_runs_from_the_last_contact_or_the_entry_date():
    not_yet = contacted(31)
    soon = contacted(29)
    over = contacted(-1)
    never = BeneficiaryFactory(
        last_contact_on=None, entry_date=years_ago(2, today()) - datetime.timedelta(days=5)
    )
    closed = contacted(-10, status=Beneficiary.Status.CLOSED, exit_date=today())
    due = {file.pk for file in retention.files_due()}
    assert due == {over.pk, never.pk, closed.pk}
    assert list(Beneficiary.objects.retention_ending_soon()) == [soon]
    assert not_yet.retention_ends_on() == today() + datetime.timedelta(days=31)


@pytest.mark.django_db
def test_a_new_contact_resets_the_clock():
    soon = contacted(29)
    soon.record_contact(today())
    assert not Beneficiary.objects.retention_ending_soon().exists()
    assert soon.retention_ends_on() == years_ago(-2, today())


@pytest.mark.django_db
def test_anonymisation_removes_every_trace_of_the_person(full_file, accompanier):
    other = contacted(200, first_name="Gaspard", email="gaspard@example.org")
    # Another person whose name starts like hers keeps her messages.
    namesake = notify(other, "+33699999999", f"Bonjour {FIRST_NAME} {LAST_NAME}ville, à demain.")
    other_note = NoteFactory(beneficiary=other, text="Gaspard va bien.")
    before = statistics()
    old_token = Referral.objects.get(beneficiary=full_file).token

    assert retention.apply_retention() == [full_file.pk]

    assert list(Notification.objects.all()) == [namesake]
    namesake.delete()  # it holds her name as part of another word, on purpose
    for trace in TRACES:
        assert rows_mentioning(trace) == [], trace
    assert statistics() == before
    file = Beneficiary.objects.get(pk=full_file.pk)
    assert (file.first_name, file.last_name, file.phone, file.email) == ("", "", "", "")
    assert file.birth_date == datetime.date(2004, 7, 1)
    assert file.gender == Beneficiary.Gender.WOMAN and file.commune is not None
    assert file.status == Beneficiary.Status.CLOSED and file.is_anonymised
    assert str(file) == f"Dossier anonymisé n° {file.pk}"
    assert not Note.objects.filter(beneficiary=file).exclude(text="").exists()
    session = Session.objects.get(participations__beneficiary=file)
    assert (session.place, session.private_notes, session.shared_summary) == ("", "", "")
    assert session.status == Session.Status.HELD and session.duration_minutes == 60
    assert Support.objects.get(beneficiary=file).amount == Decimal("12.50")
    assert not ContactChangeRequest.objects.filter(beneficiary=file).exists()
    referral = Referral.objects.get(beneficiary=file)
    assert referral.expires_at <= timezone.now() and referral.token != old_token
    # The portal account is closed and its messages gone; other people's stay.
    file.user.refresh_from_db()
    assert not file.user.is_active and not file.user.has_usable_password()
    other.refresh_from_db()
    assert other.first_name == "Gaspard" and other.email == "gaspard@example.org"
    other_note.refresh_from_db()
    assert other_note.text == "Gaspard va bien."
    entry = AuditEntry.objects.about(file).get(event="file.anonymised_at_retention_end")
    assert entry.actor is None


@pytest.mark.django_db
def test_a_second_run_changes_nothing(full_file):
    retention.apply_retention()
    snapshot = Beneficiary.objects.values().get(pk=full_file.pk)
    journal = AuditEntry.objects.count()
    assert retention.apply_retention() == []
    assert retention.anonymise(beneficiary_id=full_file.pk, by=None, reason="again") is False
    assert Beneficiary.objects.values().get(pk=full_file.pk) == snapshot
    assert AuditEntry.objects.count() == journal


@pytest.mark.django_db
def test_the_dry_run_lists_and_changes_nothing(full_file):
    out = StringIO()
    call_command("apply_retention", "--dry-run", stdout=out)
    assert f"#{full_file.pk}" in out.getvalue()
    assert FIRST_NAME not in out.getvalue()
    full_file.refresh_from_db()
    assert full_file.first_name == FIRST_NAME and not full_file.is_anonymised
    call_command("apply_retention", stdout=StringIO())
    full_file.refresh_from_db()
    assert full_file.is_anonymised


@pytest.mark.django_db
def test_the_beat_job_is_scheduled_and_anonymises(settings, full_file):
    assert settings.CELERY_BEAT_SCHEDULE["accompaniment-retention"]["task"] == (
        "accompaniment.apply_retention"
    )
    apply_retention.delay()
    full_file.refresh_from_db()
    assert full_file.is_anonymised


@pytest.mark.django_db
def test_files_ending_soon_are_listed_for_coordinators_with_what_will_happen(
    client, coordinator, accompanier
):
    soon = contacted(29, accompanied_by=accompanier)
    contacted(31)
    client.force_login(coordinator)
    response = client.get(reverse("accompaniment:retention_list"))
    assert response.status_code == 200
    assert list(response.context["page"]) == [soon]
    assert "anonymisé" in response.content.decode()
    dashboard = client.get(reverse("accompaniment:dashboard")).content.decode()
    assert reverse("accompaniment:retention_list") in dashboard


@pytest.mark.django_db
def test_an_accompanier_sees_only_their_files_ending_soon(client, accompanier, other_accompanier):
    mine = contacted(10, accompanied_by=accompanier)
    contacted(10, accompanied_by=other_accompanier)
    client.force_login(accompanier)
    response = client.get(reverse("accompaniment:retention_list"))
    assert list(response.context["page"]) == [mine]


@pytest.mark.django_db
def test_retention_page_is_not_for_beneficiaries(client, beneficiary_user):
    client.force_login(beneficiary_user)
    assert client.get(reverse("accompaniment:retention_list")).status_code == 404


@pytest.mark.django_db
def test_a_deletion_request_is_carried_out_now_with_a_reason(client, coordinator, full_file):
    full_file.last_contact_on = today()
    full_file.save()
    deletion = DeletionRequest.objects.create(beneficiary=full_file)
    client.force_login(coordinator)
    dashboard = client.get(reverse("accompaniment:dashboard")).content.decode()
    url = reverse("accompaniment:deletion_request_anonymise", args=[deletion.pk])
    assert url in dashboard
    assert client.post(url, {"reason": ""}).status_code == 422
    response = client.post(url, {"reason": "Demande de la personne, vérifiée"})
    assert response.status_code == 302
    full_file.refresh_from_db()
    assert full_file.is_anonymised
    deletion.refresh_from_db()
    assert deletion.handled_by == coordinator
    entry = AuditEntry.objects.about(full_file).get(event="file.anonymised")
    assert entry.actor == coordinator and "vérifiée" in entry.params["reason"]


@pytest.mark.django_db
def test_only_coordinators_anonymise(client, accompanier, full_file):
    deletion = DeletionRequest.objects.create(beneficiary=full_file)
    client.force_login(accompanier)
    url = reverse("accompaniment:deletion_request_anonymise", args=[deletion.pk])
    assert client.post(url, {"reason": "x"}).status_code == 404
    full_file.refresh_from_db()
    assert not full_file.is_anonymised


@pytest.mark.django_db
def test_an_access_request_shows_its_one_month_due_date(client, coordinator, accompanier):
    person = BeneficiaryFactory(accompanied_by=accompanier)
    request = AccessRequest.objects.create(beneficiary=person)
    request.created_at = datetime.datetime(2026, 1, 31, 10, tzinfo=datetime.UTC)
    request.save()
    assert request.due_on == datetime.date(2026, 2, 28)
    client.force_login(coordinator)
    page = client.get(reverse("accompaniment:dashboard")).content.decode()
    assert "28/02/2026" in page


@pytest.mark.django_db
def test_the_accompaniers_digest_tells_of_files_ending_soon(accompanier, other_accompanier):
    contacted(29, accompanied_by=accompanier, status=Beneficiary.Status.CLOSED, exit_date=today())
    contacted(
        29, accompanied_by=other_accompanier, status=Beneficiary.Status.CLOSED, exit_date=today()
    )
    write_daily_notifications(today())
    digest = Notification.objects.get(
        kind=Notification.Kind.ACCOMPANIER_DIGEST, recipient_id=accompanier.pk
    )
    assert "1 dossier sera anonymisé dans les 30 jours" in digest.body
    assert reverse("accompaniment:retention_list") in digest.body


@pytest.mark.django_db
def test_the_demo_shows_a_file_ending_soon_and_requests_waiting(settings):
    settings.DEBUG = True  # seed_demo refuses to run otherwise
    call_command("seed_demo", stdout=StringIO())
    assert [str(file) for file in Beneficiary.objects.retention_ending_soon()] == [
        "Bernadette Roche"
    ]
    assert DeletionRequest.objects.pending().count() == 1
    assert AccessRequest.objects.pending().count() == 1
    assert retention.files_due() == []


@pytest.mark.django_db
def test_an_anonymised_file_still_opens_for_the_coordination(client, coordinator, full_file):
    retention.apply_retention()
    client.force_login(coordinator)
    for url in (
        full_file.get_absolute_url(),
        reverse("beneficiaries:beneficiary_list"),
        reverse("accompaniment:plan_print", args=[full_file.pk]),
        reverse("beneficiaries:beneficiary_access_log", args=[full_file.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert FIRST_NAME not in response.content.decode()


@pytest.mark.django_db
def test_an_anonymised_file_can_be_neither_filled_in_nor_reopened(client, coordinator, full_file):
    retention.apply_retention()
    client.force_login(coordinator)
    edit = reverse("beneficiaries:beneficiary_update", args=[full_file.pk])
    assert client.get(edit).status_code == 404
    client.post(
        reverse("beneficiaries:beneficiary_status", args=[full_file.pk]), {"action": "reopen"}
    )
    full_file.refresh_from_db()
    assert full_file.status == Beneficiary.Status.CLOSED
