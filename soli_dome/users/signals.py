"""What happens to sessions when a person logs in or changes their second factor."""

import time

from django.contrib.auth import update_session_auth_hash

# Session keys of SessionLimitsMiddleware: when the person logged in, when last seen (epoch s).
LOGGED_IN_AT = "solidome_logged_in_at"
LAST_SEEN_AT = "solidome_last_seen_at"
# Set once a TOTP device was found, so that the second-factor requirement costs no query.
HAS_TOTP = "solidome_has_totp"


def start_session_clock(sender, request, user, **kwargs) -> None:
    if request is None or not hasattr(request, "session"):
        return
    now = time.time()
    request.session[LOGGED_IN_AT] = now
    request.session[LAST_SEEN_AT] = now


def sign_out_other_sessions(sender, request, user, **kwargs) -> None:
    """A second factor added, removed or reset: the other sessions end, this one stays."""
    user.renew_session_stamp()
    request.session.pop(HAS_TOTP, None)
    update_session_auth_hash(request, user)
