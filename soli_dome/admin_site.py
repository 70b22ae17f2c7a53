"""The technical administration: for superusers with a second factor, entered through the
platform's own login (allauth's: second factor and login limits apply)."""

from allauth.mfa.models import Authenticator
from django.contrib.admin import AdminSite
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse

from soli_dome.redirects import safe_next


class SoliDomeAdminSite(AdminSite):
    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return (
            user.is_active
            and user.is_superuser
            and Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).exists()
        )

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        def view_for_administrators(request, *args, **kwargs):
            # Logged in but no administrator: as if there were no administration at all (a
            # redirect to the login page would send them back here, in a loop).
            if request.user.is_authenticated and not self.has_permission(request):
                raise Http404
            return inner(request, *args, **kwargs)

        view_for_administrators.admin_site = self
        return login_not_required(view_for_administrators)

    @login_not_required
    def login(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        """Django's own login form would take a password alone: the platform's asks for the
        second factor and counts failures."""
        if request.user.is_authenticated and not self.has_permission(request):
            raise Http404
        destination = safe_next(request, reverse("admin:index", current_app=self.name))
        return redirect_to_login(destination, reverse("account_login"))
