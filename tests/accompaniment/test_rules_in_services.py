"""The business rules hold in the services, whatever page (or script) calls them: an
accompanier plans only their own sessions, a workshop is changed by its organiser or a
coordinator, a closed file takes no new referral."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accompaniment.forms.referrals import ReferralForm
from accompaniment.forms.sessions import SessionForm
from accompaniment.forms.workshops import WorkshopForm
from accompaniment.models import Referral, Session, Workshop
from accompaniment.services import referrals as referral_services
from accompaniment.services.plans import ClosedFileError
from accompaniment.services.sessions import create_session
from accompaniment.services.workshops import cancel_workshop, create_workshop, update_workshop
from tests.accompaniment.factories import ThemeFactory, WorkshopFactory
from tests.accompaniment.test_referrals import give_consent
from tests.accompaniment.test_sessions import session_data
from tests.partners.factories import PartnerFactory

pytestmark = pytest.mark.django_db


# Sessions --------------------------------------------------------------------------------


def planned_session_form(user, beneficiary, *, led_by):
    form = SessionForm(
        session_data(), instance=Session(accompanier=led_by), user=user, beneficiary=beneficiary
    )
    assert form.is_valid(), form.errors
    return form


def test_an_accompanier_cannot_plan_a_session_under_a_colleagues_name(
    accompanier, other_accompanier, beneficiary_of
):
    form = planned_session_form(accompanier, beneficiary_of(accompanier), led_by=other_accompanier)
    with pytest.raises(PermissionDenied):
        create_session(form=form, by=accompanier)
    assert not Session.objects.exists()


def test_an_accompanier_plans_their_own_sessions(accompanier, beneficiary_of):
    form = planned_session_form(accompanier, beneficiary_of(accompanier), led_by=accompanier)
    assert create_session(form=form, by=accompanier).accompanier == accompanier


def test_a_coordinator_plans_a_session_for_anyone(coordinator, accompanier, beneficiary_of):
    data = session_data(accompanier=accompanier.pk)
    form = SessionForm(
        data, instance=Session(), user=coordinator, beneficiary=beneficiary_of(accompanier)
    )
    assert form.is_valid(), form.errors
    assert create_session(form=form, by=coordinator).accompanier == accompanier


# Workshops --------------------------------------------------------------------------------


def workshop_data(workshop, **overrides):
    return {
        "title": workshop.title,
        "starts_at": workshop.starts_at.strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": workshop.duration_minutes,
        "place": workshop.place or "Cuisine du centre social",
        "capacity": workshop.capacity,
        "organiser": workshop.organiser_id,
        **overrides,
    }


@pytest.fixture
def workshop(accompanier):
    return WorkshopFactory(organiser=accompanier)


def test_a_colleague_cannot_change_or_cancel_a_workshop_in_the_service(workshop, other_accompanier):
    form = WorkshopForm(
        workshop_data(workshop, title="Autre"), instance=workshop, user=other_accompanier
    )
    assert form.is_valid(), form.errors
    with pytest.raises(PermissionDenied):
        update_workshop(form=form, by=other_accompanier)
    with pytest.raises(PermissionDenied):
        cancel_workshop(workshop=workshop, by=other_accompanier)
    workshop.refresh_from_db()
    assert workshop.title != "Autre" and workshop.status == Workshop.Status.OPEN


@pytest.mark.parametrize("name", ["accompaniment:workshop_update", "accompaniment:workshop_cancel"])
def test_a_colleague_is_refused_the_workshop_edit_and_cancel_pages(
    client, workshop, other_accompanier, name
):
    client.force_login(other_accompanier)
    url = reverse(name, args=[workshop.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, workshop_data(workshop, title="Autre")).status_code == 403
    workshop.refresh_from_db()
    assert workshop.title != "Autre" and workshop.status == Workshop.Status.OPEN


def test_a_colleague_sees_the_workshop_without_the_edit_buttons(
    client, workshop, other_accompanier
):
    client.force_login(other_accompanier)
    page = client.get(workshop.get_absolute_url()).text
    assert reverse("accompaniment:workshop_update", args=[workshop.pk]) not in page
    assert reverse("accompaniment:workshop_cancel", args=[workshop.pk]) not in page


def test_the_organiser_and_a_coordinator_change_a_workshop(workshop, accompanier, coordinator):
    for user in (accompanier, coordinator):
        form = WorkshopForm(workshop_data(workshop, title="Neuf"), instance=workshop, user=user)
        assert form.is_valid(), form.errors
        update_workshop(form=form, by=user)
    cancel_workshop(workshop=workshop, by=coordinator)
    workshop.refresh_from_db()
    assert workshop.status == Workshop.Status.CANCELLED


def test_an_accompanier_cannot_create_a_workshop_under_a_colleagues_name(
    accompanier, other_accompanier
):
    draft = WorkshopFactory.build(organiser=other_accompanier)
    form = WorkshopForm(workshop_data(draft), user=accompanier)
    assert not form.is_valid() and "organiser" in form.errors
    form = WorkshopForm(workshop_data(draft, organiser=accompanier.pk), user=accompanier)
    assert form.is_valid(), form.errors
    form.instance.organiser = other_accompanier  # as a script calling the service would
    with pytest.raises(PermissionDenied):
        create_workshop(form=form, by=accompanier)
    assert not Workshop.objects.exists()


# Referrals -------------------------------------------------------------------------------


def referral_form(beneficiary, user):
    partner = PartnerFactory(email="accueil@partenaire.example")
    data = {"partner": partner.pk, "theme": ThemeFactory().pk, "message": "Colis."}
    form = ReferralForm(data, beneficiary=beneficiary, user=user)
    assert form.is_valid(), form.errors
    return form


def test_a_closed_file_refuses_a_new_referral_in_the_service(accompanier, beneficiary_of):
    beneficiary = beneficiary_of(accompanier)
    give_consent(beneficiary, accompanier)
    form = referral_form(beneficiary, accompanier)
    beneficiary.close(on=beneficiary.entry_date, reason="moved")
    with pytest.raises(ClosedFileError):
        referral_services.create_referral(beneficiary=beneficiary, form=form, by=accompanier)
    assert not Referral.objects.exists()
    assert mail.outbox == []


def test_a_file_closed_while_the_referral_is_sent_says_so_in_the_form(
    client, accompanier, beneficiary_of, monkeypatch, django_capture_on_commit_callbacks
):
    from accompaniment.views import referrals as views

    beneficiary = beneficiary_of(accompanier)
    give_consent(beneficiary, accompanier)
    client.force_login(accompanier)
    # The file closes between the page's check and the service (another person closed it).
    monkeypatch.setattr(views, "file_is_open", lambda file: True)
    beneficiary.close(on=beneficiary.entry_date, reason="moved")
    partner = PartnerFactory(email="accueil@partenaire.example")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accompaniment:referral_create", args=[beneficiary.pk]),
            {"partner": partner.pk, "theme": ThemeFactory().pk, "message": "Colis."},
        )
    assert response.status_code == 200
    assert "Ce dossier est clos" in response.context["form"].non_field_errors()[0]
    assert not Referral.objects.exists()
    assert mail.outbox == []
