"""Issue 11, point 3: the login library's e-mails (sign-in code, password reset) are ours —
plain words, the programme's name, HTML and text, never a host name — and a mail server that
refuses them is said kindly on the page, not answered with a 500."""

import re
import socket

import pytest
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db

CODE = re.compile(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", re.MULTILINE)


@pytest.fixture
def refusing_mail_server(settings):
    """SMTP to a 127.0.0.1 port nobody listens on: every connection is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2
    return settings


def ask_for_a_code(client, email):
    return client.post(reverse("account_request_login_code"), {"email": email}, follow=True)


def test_the_sign_in_code_e_mail_is_ours_in_text_and_html(client, beneficiary_user, mailoutbox):
    ask_for_a_code(client, beneficiary_user.email)
    (message,) = mailoutbox
    html = message.alternatives[0][0]
    assert CODE.search(message.body) and CODE.search(re.sub(r"<[^>]+>", "\n", html))
    assert "Soli'dôme" in message.subject and "Soli'dôme" in message.body
    for text in (message.subject, message.body, html):
        assert "testserver" not in text and "example.com" not in text
        assert "Hello from" not in text
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"


def test_the_sign_in_code_e_mail_reads_in_english_too(client, beneficiary_user, mailoutbox):
    with translation.override("en"):
        client.post(
            reverse("account_request_login_code"),
            {"email": beneficiary_user.email},
            HTTP_ACCEPT_LANGUAGE="en",
        )
    (message,) = mailoutbox
    assert "Your code" in message.body and "Votre code" not in message.body


def test_a_refused_mail_server_is_said_on_the_page_and_the_code_can_be_asked_again(
    client, beneficiary_user, refusing_mail_server, mailoutbox
):
    response = ask_for_a_code(client, beneficiary_user.email)
    assert response.status_code == 200
    assert "n'a pas pu partir" in response.text.replace("&#x27;", "'")
    assert response.redirect_chain[-1][0] == reverse("account_request_login_code")
    refusing_mail_server.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    ask_for_a_code(client, beneficiary_user.email)
    (message,) = mailoutbox
    code = CODE.search(message.body).group(1)
    response = client.post(reverse("account_confirm_login_code"), {"code": code}, follow=True)
    assert response.wsgi_request.user == beneficiary_user


def test_a_refused_mail_server_on_password_reset_is_said_on_the_page(
    client, beneficiary_user, refusing_mail_server
):
    response = client.post(
        reverse("account_reset_password"), {"email": beneficiary_user.email}, follow=True
    )
    assert response.status_code == 200
    assert "n'a pas pu partir" in response.text.replace("&#x27;", "'")


def test_the_password_reset_e_mail_is_ours_with_a_link_on_the_public_address(
    client, beneficiary_user, mailoutbox, settings
):
    client.post(reverse("account_reset_password"), {"email": beneficiary_user.email})
    (message,) = mailoutbox
    assert "Soli'dôme" in message.body and "testserver" not in message.body
    assert f"{settings.SITE_URL}/compte/password/reset/key/" in message.body
    assert message.alternatives and message.extra_headers["Auto-Submitted"] == "auto-generated"
