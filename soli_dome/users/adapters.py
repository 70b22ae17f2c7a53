import logging
import smtplib
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from .language import remember_language
from .permissions import CLOSED_FILE_MESSAGE, has_closed_file

logger = logging.getLogger(__name__)

# What a mail server that is down or refuses raises (a refused connection is an OSError).
MAIL_SERVER_ERRORS = (smtplib.SMTPException, OSError)
MAIL_NOT_SENT_MESSAGE = _(
    "Le message n'a pas pu partir : le serveur d'e-mails ne répond pas. Réessayez dans "
    "quelques minutes. Si cela dure, appelez la personne qui vous accompagne."
)


class MailNotSent(Exception):
    """The mail server refused an e-mail the person waits for on the page (a sign-in code, a
    password link): ``soli_dome.middleware.MailNotSentMiddleware`` says so on the page. These
    are sent at once, not through the outbox: a code arriving late no longer works."""


class InvitationOnlyAccountAdapter(DefaultAccountAdapter):
    """Nobody signs up on their own: staff are invited by a coordinator, beneficiaries by their
    accompanier."""

    # allauth ships no French text for its login limit.
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "too_many_login_attempts": _(
            "Trop de tentatives de connexion manquées pour ce compte. Réessayez dans quelques "
            "minutes."
        ),
    }

    def render_mail(self, template_prefix, email, context, headers=None):
        # RFC 3834, as for the outbox's e-mails: no vacation auto-replies.
        headers = {**(headers or {}), "Auto-Submitted": "auto-generated"}
        return super().render_mail(template_prefix, email, context, headers=headers)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        try:
            super().send_mail(template_prefix, email, context)
        except MAIL_SERVER_ERRORS as error:
            logger.warning("Mail server refused %s: %s", template_prefix, error)
            raise MailNotSent(template_prefix) from error

    def get_reset_password_from_key_url(self, key: str) -> str:
        """The link on the platform's public address, whatever host the request named."""
        from allauth.account.internal import flows

        url = flows.password_reset.get_reset_password_from_key_url(self.request, key)
        return settings.SITE_URL + urlsplit(url).path

    def is_open_for_signup(self, request):
        return False

    def pre_login(self, request, user, **kwargs):
        """Every way in (password, one-time code, invitation link) passes here: a person whose
        file is closed is turned away kindly."""
        response = super().pre_login(request, user, **kwargs)
        if response is not None:
            return response
        if has_closed_file(user):
            from allauth.account.internal.stagekit import clear_login

            clear_login(request)
            messages.info(request, CLOSED_FILE_MESSAGE)
            return redirect("account_login")
        return None

    def post_login(self, request, user, **kwargs):
        """A beneficiary sees the site in the language they chose for their messages."""
        response = super().post_login(request, user, **kwargs)
        if user.is_beneficiary:
            remember_language(response, user.language)
        return response
