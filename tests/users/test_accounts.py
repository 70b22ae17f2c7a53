import pytest
from django.urls import reverse

from tests.users.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def login(client, user):
    return client.post(
        reverse("account_login"), {"login": user.email, "password": PASSWORD}, follow=True
    )


def test_login_page_is_in_french_by_default(client):
    response = client.get(reverse("account_login"))
    assert '<html lang="fr">' in response.text and "Connexion" in response.text


def test_login_page_switches_to_english(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/compte/login/"})
    response = client.get(reverse("account_login"))
    assert '<html lang="en">' in response.text and "Log in" in response.text


@pytest.mark.parametrize(
    ("role", "landing"),
    [
        ("coordinator", "accompaniment:dashboard"),
        ("accompanier", "accompaniment:dashboard"),
    ],
)
def test_staff_land_on_their_dashboard(client, role, landing):
    response = login(client, UserFactory(**{role: True}))
    assert response.redirect_chain[-1][0] == reverse(landing)


def test_beneficiary_lands_on_their_own_page(client, beneficiary_user):
    response = login(client, beneficiary_user)
    assert response.redirect_chain[-1][0] == reverse("accompaniment:portal_home")


def test_signup_is_closed(client):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "nouveau@example.org",
            "password1": "Xy7!long-pass",
            "password2": "Xy7!long-pass",
        },
    )
    assert "Xy7" not in response.text and not response.wsgi_request.user.is_authenticated


def test_wrong_password_is_refused_with_a_message(client):
    user = UserFactory(accompanier=True)
    response = client.post(reverse("account_login"), {"login": user.email, "password": "faux"})
    assert "alert-danger" in response.text and not response.wsgi_request.user.is_authenticated


def test_password_reset_sends_an_email(client, mailoutbox):
    user = UserFactory(accompanier=True)
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    client.post(reverse("account_reset_password"), {"email": user.email})
    assert [message.to for message in mailoutbox] == [[user.email]]


PRIVATE_PAGES = [
    "users:home",
    "accompaniment:dashboard",
    "accompaniment:portal_home",
    "beneficiaries:beneficiary_list",
]


@pytest.mark.parametrize("url_name", PRIVATE_PAGES)
def test_anonymous_visitor_is_sent_to_login(client, url_name):
    url = reverse(url_name)
    response = client.get(url)
    assert response.status_code == 302 and response.url == f"{reverse('account_login')}?next={url}"


def test_anonymous_visitor_is_sent_to_login_from_a_file(client, beneficiary_of, accompanier):
    url = beneficiary_of(accompanier).get_absolute_url()
    assert client.get(url).url.startswith(reverse("account_login"))
