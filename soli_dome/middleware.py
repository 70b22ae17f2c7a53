from django.conf import settings


class ContentSecurityPolicyMiddleware:
    """A strict Content-Security-Policy: every asset is served by the platform itself, and no
    inline script runs. Map tiles, when configured, are the only outside images."""

    def __init__(self, get_response):
        self.get_response = get_response
        img_sources = " ".join(["'self'", "data:", *settings.CSP_EXTRA_IMG_SOURCES])
        self.policy = (
            "default-src 'self'; "
            "script-src 'self'; "
            "style-src 'self'; "
            f"img-src {img_sources}; "
            "font-src 'self'; "
            "connect-src 'self'; "
            "object-src 'none'; "
            "base-uri 'self'; "
            "form-action 'self'; "
            "frame-ancestors 'none'"
        )

    def __call__(self, request):
        response = self.get_response(request)
        # The Django admin ships inline scripts and styles of its own.
        if not request.path.startswith("/admin/"):
            response.headers.setdefault("Content-Security-Policy", self.policy)
        return response
