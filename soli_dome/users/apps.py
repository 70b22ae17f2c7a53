from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UsersConfig(AppConfig):
    name = "soli_dome.users"
    label = "users"
    verbose_name = _("Comptes et rôles")

    def ready(self):
        from allauth.mfa import signals as mfa_signals
        from django.contrib.auth.signals import user_logged_in

        from . import signals

        user_logged_in.connect(signals.start_session_clock, dispatch_uid="session_clock")
        for signal in (
            mfa_signals.authenticator_added,
            mfa_signals.authenticator_removed,
            mfa_signals.authenticator_reset,
        ):
            signal.connect(signals.sign_out_other_sessions, dispatch_uid="mfa_sessions")
