from allauth.account.adapter import DefaultAccountAdapter
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from .language import remember_language
from .permissions import CLOSED_FILE_MESSAGE, has_closed_file


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
