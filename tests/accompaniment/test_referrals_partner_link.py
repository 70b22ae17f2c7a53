"""The partner's page, reached through the secret link without an account."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accompaniment.models import Referral
from tests.accompaniment.factories import NoteFactory, SessionFactory
from tests.accompaniment.test_referrals import make_referral

pytestmark = pytest.mark.django_db


@pytest.fixture
def referral(accompanier, beneficiary_of):
    beneficiary = beneficiary_of(
        accompanier,
        first_name="Nadia",
        last_name="Zerbib",
        phone="+33612345678",
        email="nadia@example.org",
    )
    return make_referral(beneficiary, accompanier, shared_fields=["commune"])


def link(referral):
    return reverse("accompaniment:referral_answer", args=[referral.token])


def test_link_works_without_login(client, referral):
    response = client.get(link(referral))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Nadia" in page
    assert str(referral.theme) in page
    assert "un colis cette semaine" in page
    assert referral.created_by.email in page
    assert "Clermont-Ferrand" in page  # the shared commune


def test_link_shows_only_the_shared_fields(client, referral):
    page = client.get(link(referral)).content.decode()
    assert "Zerbib" not in page
    assert "ZERBIB" not in page
    assert "06 12 34 56 78" not in page
    assert "12 34 56 78" not in page
    assert "nadia@example.org" not in page


def test_link_shows_the_fields_chosen_by_the_sender(client, referral):
    referral.shared_fields = ["last_name", "phone"]
    referral.save()
    page = client.get(link(referral)).content.decode()
    assert "Zerbib" in page
    assert "12 34 56 78" in page
    assert "Clermont-Ferrand" not in page


def test_link_never_shows_private_notes(client, referral, accompanier):
    beneficiary = referral.beneficiary
    NoteFactory(beneficiary=beneficiary, text="Note confidentielle de l'équipe")
    SessionFactory(
        accompanier=accompanier, participants=[beneficiary], private_notes="Secret de séance"
    )
    page = client.get(link(referral)).content.decode()
    assert "Note confidentielle" not in page
    assert "Secret de séance" not in page


def test_partner_accepts(client, referral):
    response = client.post(link(referral), {"action": "accept", "text": "On l'appelle lundi"})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == Referral.Status.ACCEPTED
    assert referral.answered_at is not None
    assert referral.partner_answer == "On l'appelle lundi"


def test_accepted_referral_can_then_be_marked_done(client, referral):
    client.post(link(referral), {"action": "accept"})
    client.post(link(referral), {"action": "done", "text": "Colis remis"})
    referral.refresh_from_db()
    assert referral.status == Referral.Status.DONE
    assert referral.closed_at is not None


def test_refusal_needs_a_reason(client, referral):
    response = client.post(link(referral), {"action": "refuse", "text": ""})
    assert response.status_code == 200
    assert "text" in response.context["form"].errors
    referral.refresh_from_db()
    assert referral.status == Referral.Status.SENT


def test_partner_refuses_with_a_reason(client, referral):
    client.post(link(referral), {"action": "refuse", "text": "Hors de notre secteur"})
    referral.refresh_from_db()
    assert referral.status == Referral.Status.REFUSED
    assert referral.refusal_reason == "Hors de notre secteur"


@pytest.mark.parametrize(
    "answer", [{"action": "done"}, {"action": "refuse", "text": "Complet"}], ids=["done", "refused"]
)
def test_link_cannot_be_used_after_the_last_answer(client, referral, answer):
    client.post(link(referral), answer)
    assert client.get(link(referral)).status_code == 410
    response = client.post(link(referral), {"action": "accept"})
    assert response.status_code == 410
    assert "plus actif" in response.content.decode()
    referral.refresh_from_db()
    assert referral.status != Referral.Status.ACCEPTED


def test_accepting_twice_is_refused(client, referral):
    client.post(link(referral), {"action": "accept", "text": "Première réponse"})
    client.post(link(referral), {"action": "accept", "text": "Seconde réponse"})
    referral.refresh_from_db()
    assert referral.partner_answer == "Première réponse"


def test_link_expires(client, referral):
    referral.expires_at = timezone.now() - datetime.timedelta(minutes=1)
    referral.save()
    assert client.get(link(referral)).status_code == 410
    client.post(link(referral), {"action": "accept"})
    referral.refresh_from_db()
    assert referral.status == Referral.Status.SENT


def test_unknown_token_gets_410(client, db):
    response = client.get(reverse("accompaniment:referral_answer", args=["nope"]))
    assert response.status_code == 410


def test_inbound_referral_has_no_link(client, accompanier, beneficiary_of):
    inbound = make_referral(
        beneficiary_of(accompanier),
        accompanier,
        direction=Referral.Direction.INBOUND,
        status=Referral.Status.DONE,
        token="",
        expires_at=None,
    )
    assert not inbound.link_is_active()
    response = client.get(reverse("accompaniment:referral_answer", args=["x"]))
    assert response.status_code == 410
