"""Accounts: second factor required by role, links to it, no-store on what a logged-in person
sees, session limits, sessions signed out on credential changes, password rules."""

import datetime
import time

import pytest
from django.urls import reverse

from soli_dome.users.signals import LAST_SEEN_AT, LOGGED_IN_AT
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.partners.factories import PartnerFactory
from tests.users.factories import PASSWORD, UserFactory, totp_code, with_totp

pytestmark = pytest.mark.django_db


def log_in(client, user):
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return response


def activate_totp(client) -> int:
    """Activates a TOTP device from its page, as a person does (password asked again)."""
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    client.get(reverse("mfa_activate_totp"))
    code = totp_code(client.session["mfa.totp.secret"])
    return client.post(reverse("mfa_activate_totp"), {"code": code}).status_code


# Second factor required by role ------------------------------------------------------------


@pytest.fixture
def mfa_for_coordinators(settings):
    settings.MFA_REQUIRED_ROLES = ["coordinator"]


@pytest.mark.usefixtures("mfa_for_coordinators")
@pytest.mark.parametrize(
    "url_name", ["accompaniment:dashboard", "beneficiaries:beneficiary_list", "users:home"]
)
def test_a_coordinator_without_a_second_factor_is_sent_to_its_activation(
    client, coordinator, url_name
):
    log_in(client, coordinator)
    response = client.get(reverse(url_name), follow=True)
    # The activation first asks for the password again (allauth's reauthentication).
    assert response.redirect_chain[0][0] == reverse("mfa_activate_totp")
    assert "activez la double authentification" in response.text


@pytest.mark.usefixtures("mfa_for_coordinators")
def test_the_coordinator_may_still_reach_the_account_pages_and_log_out(client, coordinator):
    client.force_login(coordinator)
    assert client.get(reverse("mfa_index")).status_code == 200
    assert client.get(reverse("account_change_password")).status_code == 200
    assert client.get(reverse("healthz")).status_code == 200
    client.post(reverse("account_logout"))
    assert "_auth_user_id" not in client.session


@pytest.mark.usefixtures("mfa_for_coordinators")
def test_once_the_second_factor_is_active_the_coordinator_works_normally(client, coordinator):
    log_in(client, coordinator)
    assert activate_totp(client) == 302
    assert client.get(reverse("accompaniment:dashboard")).status_code == 200


@pytest.mark.usefixtures("mfa_for_coordinators")
def test_roles_outside_the_setting_are_not_asked_for_a_second_factor(client, accompanier):
    client.force_login(accompanier)
    assert client.get(reverse("accompaniment:dashboard")).status_code == 200


def test_the_demo_asks_no_one_for_a_second_factor(client, coordinator, settings):
    assert settings.MFA_REQUIRED_ROLES == []
    client.force_login(coordinator)
    assert client.get(reverse("accompaniment:dashboard")).status_code == 200


def test_my_account_links_to_the_second_factor_and_recovery_codes(client, accompanier):
    client.force_login(accompanier)
    page = client.get(reverse("accompaniment:dashboard")).text
    assert f'href="{reverse("account_change_password")}">Mon compte' in page
    page = client.get(reverse("account_change_password")).text
    assert f'href="{reverse("mfa_index")}"' in page
    assert "Codes de secours (après la double authentification)" in page

    with_totp(accompanier)
    for url_name in ("account_change_password", "mfa_index"):
        page = client.get(reverse(url_name)).text
        assert f'href="{reverse("mfa_view_recovery_codes")}"' in page


# Nothing stays in the browser's cache --------------------------------------------------------


def test_file_page_is_not_stored(client, accompanier, beneficiary_of):
    beneficiary = beneficiary_of(accompanier)
    client.force_login(accompanier)
    response = client.get(reverse("beneficiaries:beneficiary_detail", args=[beneficiary.pk]))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store, private"


@pytest.mark.parametrize(
    "url_name", ["accompaniment:portal_home", "accompaniment:portal_data_download"]
)
def test_portal_pages_and_the_data_download_are_not_stored(client, beneficiary_user, url_name):
    client.force_login(beneficiary_user)
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store, private"


@pytest.mark.parametrize(
    "url",
    [
        reverse("partners:partner_export", args=["csv"]),
        reverse("accompaniment:network_export", args=["categories"]),
    ],
)
def test_csv_exports_are_not_stored(client, coordinator, url):
    PartnerFactory()
    client.force_login(coordinator)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store, private"


# Session limits ------------------------------------------------------------------------------


def age_session(client, *, idle, since_login):
    session = client.session
    now = time.time()
    session[LAST_SEEN_AT] = now - idle
    session[LOGGED_IN_AT] = now - since_login
    session.save()


def test_staff_are_signed_out_after_thirty_idle_minutes(client, accompanier):
    client.force_login(accompanier)
    age_session(client, idle=31 * 60, since_login=31 * 60)
    response = client.get(reverse("accompaniment:dashboard"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("account_login"))
    assert "inactivité" in response.text


def test_staff_working_stay_signed_in(client, accompanier):
    client.force_login(accompanier)
    age_session(client, idle=29 * 60, since_login=3 * 60 * 60)
    assert client.get(reverse("accompaniment:dashboard")).status_code == 200
    assert time.time() - client.session[LAST_SEEN_AT] < 5  # the activity counts


def test_the_idle_timeout_is_a_setting(client, accompanier, settings):
    settings.STAFF_SESSION_IDLE_TIMEOUT = 5 * 60
    client.force_login(accompanier)
    age_session(client, idle=6 * 60, since_login=6 * 60)
    assert client.get(reverse("accompaniment:dashboard")).status_code == 302


def test_a_beneficiary_is_not_signed_out_for_inactivity(client, beneficiary_user):
    client.force_login(beneficiary_user)
    age_session(client, idle=2 * 60 * 60, since_login=2 * 60 * 60)
    assert client.get(reverse("accompaniment:portal_home")).status_code == 200


def test_every_session_ends_ten_hours_after_login(client, accompanier):
    client.force_login(accompanier)
    age_session(client, idle=60, since_login=10 * 60 * 60 + 60)
    response = client.get(reverse("accompaniment:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


# Other sessions signed out on a credential change --------------------------------------------


def test_changing_the_password_signs_out_the_other_sessions(client, accompanier, django_user_model):
    other = client.__class__()
    log_in(client, accompanier)
    log_in(other, accompanier)
    new_password = "une-phrase-neuve-et-longue"
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": new_password, "password2": new_password},
    )
    assert response.status_code == 302
    assert client.get(reverse("accompaniment:dashboard")).status_code == 200
    assert other.get(reverse("accompaniment:dashboard")).status_code == 302


# allauth signals a device change once committed: in a transaction-wrapped test that would be
# after the response, too late for the session; these run in autocommit, as in production.
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("reference_rows")
def test_activating_a_second_factor_signs_out_the_other_sessions(client, accompanier):
    other = client.__class__()
    log_in(client, accompanier)
    log_in(other, accompanier)
    assert activate_totp(client) == 302
    assert client.get(reverse("accompaniment:dashboard")).status_code == 200
    assert other.get(reverse("accompaniment:dashboard")).status_code == 302


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("reference_rows")
def test_removing_the_second_factor_signs_out_the_other_sessions(client, accompanier):
    secret = with_totp(accompanier)
    other = client.__class__()
    other.force_login(accompanier)  # a code is accepted once: the other session skips it
    log_in(client, accompanier)
    client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert client.get(reverse("accompaniment:dashboard")).status_code == 200
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    response = client.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 302
    assert client.get(reverse("accompaniment:dashboard")).status_code == 200
    assert other.get(reverse("accompaniment:dashboard")).status_code == 302


# Password rules ------------------------------------------------------------------------------


def change_password(client, new_password):
    return client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": new_password, "password2": new_password},
    )


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("solidome123456", "nom du programme"),
        ("Soli'dôme-2026!", "nom du programme"),
        ("court-1A!", "au minimum 12 caractères"),
        ("qwerty123456", "trop courant"),
    ],
)
def test_weak_passwords_are_refused_with_a_clear_message(client, password, message):
    user = UserFactory(accompanier=True, first_name="Zoé", last_name="Martin")
    client.force_login(user)
    response = change_password(client, password)
    assert response.status_code == 200
    assert message in response.text


def test_the_persons_name_is_refused(client):
    user = UserFactory(accompanier=True, first_name="Anaïs", last_name="Berthon")
    client.force_login(user)
    response = change_password(client, "anais-et-les-courgettes")
    assert "votre prénom ou votre nom" in response.text


def test_a_beneficiarys_first_name_and_birth_year_are_refused(client):
    beneficiary = BeneficiaryFactory(
        with_account=True, first_name="Killian", birth_date=datetime.date(2004, 5, 6)
    )
    client.force_login(beneficiary.user)
    assert "votre prénom ou votre nom" in change_password(client, "Killian2004!!xyz").text
    assert "année de naissance" in change_password(client, "mon-velo-bleu-2004").text


def test_a_good_passphrase_is_accepted(client, accompanier):
    client.force_login(accompanier)
    assert change_password(client, "courgettes-au-marche-de-jaude").status_code == 302
