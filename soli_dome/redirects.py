"""Where to go back to after a form: the ``next`` parameter, when it is safe."""

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request: HttpRequest, fallback: str) -> str:
    """The ``next`` of the form (POST) or of the address (GET) when it is a path or URL of
    this site, ``fallback`` otherwise ("true", "-1", "//evil.example", "javascript:…")."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    is_safe = (
        candidate.startswith("/")
        and candidate.isprintable()  # no NUL, tab or line break for the Location header
        and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    )
    return candidate if is_safe else fallback
