"""The container health check (Dockerfile HEALTHCHECK, docker-compose.yml): GET /healthz/.

/healthz/ is exempt from the HTTPS redirect. Django still checks the Host header against
ALLOWED_HOSTS, so the probe sends the first allowed host ("*" or ".example.org" are handled).
Exits 0 when the platform answers 200, 1 otherwise.
"""

import os
import sys
import urllib.error
import urllib.request

url = os.environ.get("HEALTHCHECK_URL", "http://127.0.0.1:8000/healthz/")
host = (os.environ.get("ALLOWED_HOSTS") or "localhost").split(",")[0].strip().lstrip("*.")
request = urllib.request.Request(url, headers={"Host": host or "localhost"})  # noqa: S310
try:
    with urllib.request.urlopen(request, timeout=8) as response:  # noqa: S310 - fixed local URL
        sys.exit(0 if response.status == 200 else 1)
except (OSError, urllib.error.URLError):
    sys.exit(1)
