"""Every page each role reaches from its navigation is valid HTML for the W3C Nu HTML checker
(npm package ``vnu-jar``, run with the machine's Java): 0 errors.

The pages come from the seeded demo programme, crawled with the Django test client from each
role's home page: every link of a page is followed, each kind of page (URL route) once per
role, down to detail and form pages. The checker runs once over all of them: a JVM start is
slow. Without the checker (``npm ci --ignore-scripts``) or Java, the test is skipped on a
laptop and fails in CI.
"""

import io
import json
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import Resolver404, resolve

from soli_dome.users.models import User
from tests.conftest import skip_or_fail

pytestmark = pytest.mark.django_db

VNU_JAR = Path(
    os.environ.get("VNU_JAR", settings.BASE_DIR / "node_modules/vnu-jar/build/dist/vnu.jar")
)
ROLES = {
    "coordinator": "coordination@example.org",
    "accompanier": "accompagnateur1@example.org",
    "beneficiary": "beneficiaire1@example.org",
    "anonymous": None,
}
ANONYMOUS_START = ["/compte/login/", "/compte/login/code/", "/compte/password/reset/"]
# Pages that are not the platform's own, or that act when opened.
SKIPPED_PREFIXES = ("/admin/", "/static/", "/compte/logout/")
MAX_PAGES_PER_ROLE = 150


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.links.append(href)


def _route(path):
    """The kind of page behind ``path`` (its URL pattern), or None for another site's."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return f"{match.namespace}:{match.url_name}"


def crawl(client, start):
    """The HTML of each kind of page reachable from ``start``, by URL."""
    pages, seen_routes, queue = {}, set(), list(start)
    while queue and len(pages) < MAX_PAGES_PER_ROLE:
        url = queue.pop(0)
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or not parts.path.startswith("/"):
            continue
        if parts.path.startswith(SKIPPED_PREFIXES):
            continue
        route = _route(parts.path)
        if route is None or route in seen_routes:
            continue
        seen_routes.add(route)
        response = client.get(url, follow=True)
        if response.streaming:  # a download (CSV, XLSX): read to its end, which closes it
            response.getvalue()
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        pages[url] = html
        links = _Links()
        links.feed(html)
        queue.extend(link for link in links.links if not link.startswith("#"))
    return pages


@pytest.fixture
def nu_checker():
    java = shutil.which("java")
    if java is None:
        skip_or_fail("needs a Java runtime for the Nu HTML checker (Debian: default-jre-headless)")
    if not VNU_JAR.is_file():
        skip_or_fail(f"needs the Nu HTML checker at {VNU_JAR}: run `npm ci --ignore-scripts`")
    return [java, "-Xss4m", "-jar", str(VNU_JAR)]


def test_every_page_of_every_role_is_valid_html(nu_checker, client, settings, tmp_path):
    settings.DEBUG = True  # seed_demo refuses to run otherwise
    call_command("seed_demo", stdout=io.StringIO())
    files = {}
    for role, email in ROLES.items():
        client.logout()
        if email:
            client.force_login(User.objects.get(email=email))
            start = ["/"]
        else:
            start = ANONYMOUS_START
        for url, html in crawl(client, start).items():
            name = f"{role}-{len(files):03d}.html"
            (tmp_path / name).write_text(html, encoding="utf-8")
            files[name] = f"{role} {url}"
    assert len(files) > 40  # the crawl reached the pages, not only the home pages

    result = subprocess.run(  # noqa: S603 - the checker, on files this test wrote
        [*nu_checker, "--format", "json", "--errors-only", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    errors = [
        f"{files.get(re.sub(r'^.*/', '', message.get('url', '')), message.get('url'))}"
        f" line {message.get('lastLine', '?')}: {message['message']}"
        f" — {message.get('extract', '').strip()[:120]}"
        for message in messages
        if message["type"] == "error" or message.get("subType") == "fatal"
    ]
    if errors:  # listed in full: an assertion's diff would cut them
        pytest.fail(f"{len(errors)} errors on {len(files)} pages:\n" + "\n".join(errors))
