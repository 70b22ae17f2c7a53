import time

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from soli_dome.users.adapters import MAIL_NOT_SENT_MESSAGE, MailNotSent
from soli_dome.users.signals import HAS_TOTP, LAST_SEEN_AT, LOGGED_IN_AT


class ContentSecurityPolicyMiddleware:
    """A strict Content-Security-Policy: every asset is served by the platform itself, and no
    inline script runs. Map tiles, when configured, are the only outside images. The Django
    admin gets the same policy, except that it may use inline style attributes (its widgets
    write some); its scripts are files, so no inline script runs there either."""

    def __init__(self, get_response):
        self.get_response = get_response
        img_sources = " ".join(["'self'", "data:", *settings.CSP_EXTRA_IMG_SOURCES])
        directives = {
            "default-src": "'self'",
            "script-src": "'self'",
            "style-src": "'self'",
            "img-src": img_sources,
            "font-src": "'self'",
            "connect-src": "'self'",
            "object-src": "'none'",
            "base-uri": "'self'",
            "form-action": "'self'",
            "frame-ancestors": "'none'",
        }
        self.policy = self.join(directives)
        self.admin_policy = self.join({**directives, "style-src": "'self' 'unsafe-inline'"})

    @staticmethod
    def join(directives: dict[str, str]) -> str:
        return "; ".join(f"{name} {value}" for name, value in directives.items())

    def __call__(self, request):
        response = self.get_response(request)
        is_admin = request.path_info.startswith("/admin/")
        policy = self.admin_policy if is_admin else self.policy
        response.headers.setdefault("Content-Security-Policy", policy)
        return response


class NoStoreForAuthenticatedMiddleware:
    """Nothing a logged-in person sees (pages, downloads, exports) stays in the browser's
    cache: on a shared computer, the next person must not find it after logout."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response.headers["Cache-Control"] = "no-store, private"
        return response


class SessionLimitsMiddleware:
    """Signs out a session past its absolute limit (``SESSION_COOKIE_AGE`` from login), or a
    staff member's session idle for ``STAFF_SESSION_IDLE_TIMEOUT``; the page then asks them to
    log in again. The last activity is written at most once a minute, not on every request."""

    SEEN_RESOLUTION = 60  # seconds

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            session = request.session
            now = time.time()
            logged_in_at = session.setdefault(LOGGED_IN_AT, now)
            last_seen_at = session.get(LAST_SEEN_AT, now)
            too_old = now - logged_in_at > settings.SESSION_COOKIE_AGE
            idle = user.is_staff_member and now - last_seen_at > settings.STAFF_SESSION_IDLE_TIMEOUT
            if too_old or idle:
                logout(request)
                messages.info(
                    request,
                    _("Votre session a pris fin après une période d'inactivité.")
                    if idle and not too_old
                    else _("Votre session a pris fin. Connectez-vous à nouveau."),
                )
            elif now - last_seen_at > self.SEEN_RESOLUTION or LAST_SEEN_AT not in session:
                session[LAST_SEEN_AT] = now
        return self.get_response(request)


class SecondFactorRequiredMiddleware:
    """A person whose role is in ``MFA_REQUIRED_ROLES`` and who has no TOTP device is sent to
    its activation from every page, except the account pages (where they activate it or log
    out), static files and the health check."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and user.role in settings.MFA_REQUIRED_ROLES
            and not self.is_exempt(request.path_info)
            and not has_totp(request)
        ):
            messages.warning(
                request,
                _(
                    "Votre rôle donne accès à des dossiers personnels : activez la double "
                    "authentification pour continuer."
                ),
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)

    @staticmethod
    def is_exempt(path: str) -> bool:
        exempt = (reverse("account_login").rsplit("login/", 1)[0], settings.STATIC_URL)
        return path.startswith(exempt) or path in {reverse("healthz"), reverse("set_language")}


def has_totp(request) -> bool:
    """Whether the logged-in person has a TOTP device; remembered in the session once true
    (a device removed clears it, see ``soli_dome.users.signals``)."""
    if request.session.get(HAS_TOTP):
        return True
    found = Authenticator.objects.filter(
        user_id=request.user.pk, type=Authenticator.Type.TOTP
    ).exists()
    if found:
        request.session[HAS_TOTP] = True
    return found


class MailNotSentMiddleware:
    """A page whose e-mail the mail server refused (a sign-in code, a password link) comes
    back with a plain message instead of an error page; the person can ask again."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, MailNotSent):
            return None
        messages.error(request, MAIL_NOT_SENT_MESSAGE)
        return redirect(request.get_full_path())
