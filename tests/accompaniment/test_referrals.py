"""Referrals to a partner: the consent rule, creation, the staff pages and the timeline."""

import pytest
from django.core import mail
from django.urls import reverse

from accompaniment.models import Referral
from beneficiaries.models import Consent
from soli_dome.audit.models import AuditEntry
from tests.accompaniment.factories import ThemeFactory
from tests.partners.factories import ContactFactory, PartnerFactory
from tests.utils import recent_events

pytestmark = pytest.mark.django_db


def give_consent(beneficiary, by, is_given=True):
    Consent.objects.create(
        beneficiary=beneficiary,
        kind=Consent.Kind.PARTNER_SHARING,
        is_given=is_given,
        recorded_by=by,
    )


def make_referral(beneficiary, by, **kwargs):
    from django.utils import timezone

    from accompaniment.models.referrals import new_token

    now = timezone.now()
    defaults = {
        "partner": PartnerFactory(email="accueil@partenaire.example"),
        "theme": ThemeFactory(),
        "message": "Besoin d'un colis cette semaine.",
        "token": new_token(),
        "sent_at": now,
        "expires_at": now + timezone.timedelta(days=30),
    }
    defaults.update(kwargs)
    return Referral.objects.create(beneficiary=beneficiary, created_by=by, **defaults)


def post_referral(client, beneficiary, partner, theme, **extra):
    data = {
        "partner": partner.pk,
        "theme": theme.pk,
        "message": "Besoin d'un colis cette semaine.",
        "shared_fields": ["phone"],
        **extra,
    }
    return client.post(reverse("accompaniment:referral_create", args=[beneficiary.pk]), data)


def test_referral_without_consent_is_refused_with_message_next_to_the_field(
    client, accompanier, beneficiary_of
):
    beneficiary = beneficiary_of(accompanier)
    client.force_login(accompanier)
    response = post_referral(client, beneficiary, PartnerFactory(), ThemeFactory())
    assert response.status_code == 200
    assert "shared_fields" in response.context["form"].errors
    assert "pas donné son accord" in response.content.decode()
    assert not Referral.objects.exists()


def test_refused_consent_also_blocks_the_referral(client, accompanier, beneficiary_of):
    beneficiary = beneficiary_of(accompanier)
    give_consent(beneficiary, accompanier, is_given=False)
    client.force_login(accompanier)
    post_referral(client, beneficiary, PartnerFactory(), ThemeFactory())
    assert not Referral.objects.exists()


def test_accompanier_without_consent_cannot_override(client, accompanier, beneficiary_of):
    beneficiary = beneficiary_of(accompanier)
    client.force_login(accompanier)
    response = post_referral(
        client,
        beneficiary,
        PartnerFactory(),
        ThemeFactory(),
        consent_override_reason="Urgence alimentaire",
    )
    assert response.status_code == 200
    assert not Referral.objects.exists()


def test_coordinator_override_needs_a_reason(client, coordinator, accompanier, beneficiary_of):
    beneficiary = beneficiary_of(accompanier)
    client.force_login(coordinator)
    response = post_referral(client, beneficiary, PartnerFactory(), ThemeFactory())
    assert "consent_override_reason" in response.context["form"].errors
    assert not Referral.objects.exists()


def test_coordinator_override_with_a_reason_works(client, coordinator, accompanier, beneficiary_of):
    beneficiary = beneficiary_of(accompanier)
    client.force_login(coordinator)
    response = post_referral(
        client,
        beneficiary,
        PartnerFactory(),
        ThemeFactory(),
        consent_override_reason="Sans logement ce soir, accord oral donné au téléphone.",
    )
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert referral.consent_override_reason.startswith("Sans logement")
    assert referral.status == Referral.Status.SENT


def test_referral_with_consent_is_sent_and_mailed_to_the_partner(
    client, accompanier, beneficiary_of, django_capture_on_commit_callbacks
):
    # A surname no other person of the test carries, so that finding it in the
    # e-mail can only mean the beneficiary's name leaked.
    beneficiary = beneficiary_of(accompanier, last_name="Quintanilha-Brevet")
    give_consent(beneficiary, accompanier)
    partner = PartnerFactory(email="accueil@partenaire.example")
    ContactFactory(partner=partner, name="Alice", email="alice@partenaire.example")
    client.force_login(accompanier)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_referral(client, beneficiary, partner, ThemeFactory())
    referral = Referral.objects.get()
    assert response.url == referral.get_absolute_url()
    assert referral.shared_fields == ["phone"]
    assert referral.created_by == accompanier
    assert referral.token and referral.expires_at > referral.sent_at
    # One message per address, each through the outbox (retried on its own).
    assert sorted(m.to[0] for m in mail.outbox) == [
        "accueil@partenaire.example",
        "alice@partenaire.example",
    ]
    for message in mail.outbox:
        assert referral.public_url() in message.body
        assert beneficiary.last_name not in message.body
    assert AuditEntry.objects.filter(object_id=beneficiary.pk, event__startswith="referral")


def test_archived_partner_cannot_be_chosen(client, accompanier, beneficiary_of):
    beneficiary = beneficiary_of(accompanier)
    give_consent(beneficiary, accompanier)
    client.force_login(accompanier)
    response = post_referral(client, beneficiary, PartnerFactory(archived=True), ThemeFactory())
    assert "partner" in response.context["form"].errors


def test_partner_without_email_gets_no_mail_but_the_link_is_shown(
    client, accompanier, beneficiary_of, django_capture_on_commit_callbacks
):
    beneficiary = beneficiary_of(accompanier)
    give_consent(beneficiary, accompanier)
    client.force_login(accompanier)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_referral(client, beneficiary, PartnerFactory(email=""), ThemeFactory())
    referral = Referral.objects.get()
    assert mail.outbox == []
    page = client.get(response.url).content.decode()
    assert referral.public_url() in page
    assert referral.public_url().startswith("http")


def test_sender_sees_the_refusal_reason_on_the_file(client, accompanier, beneficiary_of):
    beneficiary = beneficiary_of(accompanier)
    referral = make_referral(beneficiary, accompanier)
    assert referral.answer(status=Referral.Status.REFUSED, text="Plus de place ce mois-ci")
    client.force_login(accompanier)
    page = recent_events(client, beneficiary).content.decode()
    assert "Plus de place ce mois-ci" in page
    assert "Refusée" in page
    detail = client.get(referral.get_absolute_url()).content.decode()
    assert "Plus de place ce mois-ci" in detail


def test_inbound_referral_is_recorded_as_done_without_a_link(client, accompanier, beneficiary_of):
    beneficiary = beneficiary_of(accompanier)
    partner = PartnerFactory(name="Mission locale")
    client.force_login(accompanier)
    response = client.post(
        reverse("accompaniment:referral_inbound_create", args=[beneficiary.pk]),
        {"partner": partner.pk, "referred_on": "2026-01-15", "theme": "", "message": ""},
    )
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.direction == Referral.Direction.INBOUND
    assert referral.status == Referral.Status.DONE
    assert referral.token == ""
    page = recent_events(client, beneficiary).content.decode()
    assert "Orienté·e vers le programme par Mission locale" in page


def test_beneficiary_page_has_the_referral_button(client, accompanier, beneficiary_of):
    beneficiary = beneficiary_of(accompanier)
    client.force_login(accompanier)
    page = client.get(beneficiary.get_absolute_url()).content.decode()
    assert reverse("accompaniment:referral_create", args=[beneficiary.pk]) in page


@pytest.mark.parametrize("view", ["referral_create", "referral_inbound_create"])
def test_a_closed_file_offers_no_referral_and_refuses_one(
    client, accompanier, beneficiary_of, view
):
    beneficiary = beneficiary_of(accompanier)
    beneficiary.close(on=beneficiary.entry_date, reason="moved")
    client.force_login(accompanier)
    page = client.get(beneficiary.get_absolute_url()).content.decode()
    assert "Orienter vers un partenaire" not in page
    url = reverse(f"accompaniment:{view}", args=[beneficiary.pk])
    response = client.post(url, {"partner": PartnerFactory().pk}, follow=True)
    assert response.redirect_chain[-1][0] == beneficiary.get_absolute_url()
    assert "Ce dossier est clos" in response.content.decode()
    assert not Referral.objects.exists()


# Access matrix on the staff pages -----------------------------------------------------------


def staff_urls(beneficiary, referral):
    return [
        reverse("accompaniment:referral_create", args=[beneficiary.pk]),
        reverse("accompaniment:referral_inbound_create", args=[beneficiary.pk]),
        reverse("accompaniment:referral_detail", args=[referral.pk]),
    ]


@pytest.mark.parametrize("persona", ["accompanier", "coordinator"])
def test_staff_following_the_file_get_200(client, request, accompanier, beneficiary_of, persona):
    beneficiary = beneficiary_of(accompanier)
    referral = make_referral(beneficiary, accompanier)
    client.force_login(request.getfixturevalue(persona))
    for url in staff_urls(beneficiary, referral):
        assert client.get(url).status_code == 200, url


def test_other_accompanier_gets_404(client, accompanier, other_accompanier, beneficiary_of):
    beneficiary = beneficiary_of(accompanier)
    referral = make_referral(beneficiary, accompanier)
    client.force_login(other_accompanier)
    for url in staff_urls(beneficiary, referral):
        assert client.get(url).status_code == 404, url


def test_beneficiary_gets_404(client, accompanier, beneficiary_user):
    beneficiary = beneficiary_user.beneficiary_file
    referral = make_referral(beneficiary, accompanier)
    client.force_login(beneficiary_user)
    for url in staff_urls(beneficiary, referral):
        assert client.get(url).status_code == 404, url


def test_anonymous_is_sent_to_login(client, accompanier, beneficiary_of):
    beneficiary = beneficiary_of(accompanier)
    referral = make_referral(beneficiary, accompanier)
    for url in staff_urls(beneficiary, referral):
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("account_login") in response.url


def test_visible_to_follows_the_file(accompanier, other_accompanier, coordinator, beneficiary_of):
    referral = make_referral(beneficiary_of(accompanier), accompanier)
    assert list(Referral.objects.visible_to(accompanier)) == [referral]
    assert list(Referral.objects.visible_to(coordinator)) == [referral]
    assert not Referral.objects.visible_to(other_accompanier).exists()


def test_waiting_for_news_keeps_sent_outbound_referrals(accompanier, beneficiary_of):
    beneficiary = beneficiary_of(accompanier)
    waiting = make_referral(beneficiary, accompanier)
    answered = make_referral(beneficiary, accompanier)
    answered.answer(status=Referral.Status.ACCEPTED)
    assert list(Referral.objects.waiting_for_news()) == [waiting]


# Dashboard and partner page -------------------------------------------------------------------


def test_dashboard_lists_referrals_waiting_for_news(
    client, accompanier, other_accompanier, beneficiary_of
):
    mine = make_referral(beneficiary_of(accompanier, first_name="Suivie"), accompanier)
    make_referral(beneficiary_of(other_accompanier, first_name="Ailleurs"), other_accompanier)
    client.force_login(accompanier)
    response = client.get(reverse("accompaniment:dashboard"))
    assert list(response.context["referrals_waiting"]) == [mine]
    assert "Orientations sans réponse" in response.content.decode()


def test_partner_page_counts_all_and_lists_only_followed_people(
    client, accompanier, other_accompanier, beneficiary_of
):
    partner = PartnerFactory()
    make_referral(beneficiary_of(accompanier, first_name="Suivie"), accompanier, partner=partner)
    other = make_referral(
        beneficiary_of(other_accompanier, first_name="Ailleurs"), other_accompanier, partner=partner
    )
    other.answer(status=Referral.Status.ACCEPTED)
    client.force_login(accompanier)
    response = client.get(partner.get_absolute_url())
    page = response.content.decode()
    assert "Orientations reçues" in page
    assert "2 personnes orientées vers ce partenaire" in page
    assert "Suivie" in page
    assert "Ailleurs" not in page


def test_partner_page_queries_do_not_grow_with_referrals(client, coordinator, beneficiary_of):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    partner = PartnerFactory()
    client.force_login(coordinator)
    counts = []
    for batch in (2, 20):
        for _ in range(batch):
            beneficiary = beneficiary_of(coordinator)
            make_referral(beneficiary, coordinator, partner=partner)
        with CaptureQueriesContext(connection) as captured:
            client.get(partner.get_absolute_url())
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_dashboard_queries_do_not_grow_with_referrals(client, accompanier, beneficiary_of):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(accompanier)
    counts = []
    for batch in (2, 20):
        for _ in range(batch):
            make_referral(beneficiary_of(accompanier), accompanier)
        with CaptureQueriesContext(connection) as captured:
            client.get(reverse("accompaniment:dashboard"))
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_referral_form_tells_the_coordinator_the_consent_is_missing(
    client, coordinator, accompanier, beneficiary_of
):
    beneficiary = beneficiary_of(accompanier)
    client.force_login(coordinator)
    response = client.get(reverse("accompaniment:referral_create", args=[beneficiary.pk]))
    assert "consent_override_reason" in response.context["form"].fields
    assert "consentement de la personne" in response.content.decode()


def test_mail_failure_still_shows_the_link(
    client, accompanier, beneficiary_of, django_capture_on_commit_callbacks, settings
):
    import socket

    from soli_dome.notifications.models import Notification

    with socket.socket() as sock:  # a port nobody listens on: the mail server refuses
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    beneficiary = beneficiary_of(accompanier)
    give_consent(beneficiary, accompanier)
    client.force_login(accompanier)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_referral(
            client, beneficiary, PartnerFactory(email="a@b.example"), ThemeFactory()
        )
    assert response.status_code == 302
    assert Referral.objects.get().public_url() in client.get(response.url).content.decode()
    # Kept in the outbox, to be retried by the worker.
    (kept,) = Notification.objects.filter(kind=Notification.Kind.REFERRAL_EMAIL)
    assert (kept.status, kept.attempts) == (Notification.Status.PENDING, 1)
