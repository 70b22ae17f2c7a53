from django.shortcuts import redirect

from .permissions import Scope, scope_of

_HOME_BY_SCOPE = {
    Scope.WHOLE_PROGRAMME: "accompaniment:dashboard",
    Scope.ASSIGNED_FILES: "accompaniment:dashboard",
    Scope.OWN_FILE: "accompaniment:portal_home",
}


def home(request):
    """Where a person lands after login: staff on their dashboard, a beneficiary on their own
    page, a technical administrator on the administration."""
    destination = _HOME_BY_SCOPE.get(scope_of(request.user))
    if destination:
        return redirect(destination)
    if request.user.is_staff:
        return redirect("admin:index")
    return redirect("account_logout")
