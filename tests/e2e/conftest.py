"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

Rules (design.md, section 4): never a downloaded browser, and every connection stays on this
machine. Without ``/usr/bin/chromium`` the tests are skipped, or fail when ``CI`` is set.
"""

import os
from pathlib import Path

import pytest

from tests.conftest import skip_or_fail

# Playwright's sync API runs an event loop in the test thread; Django would otherwise refuse
# the database work the tests do (seeding the demo) from that thread.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
AXE_SCRIPT = Path(__file__).parent / "assets" / "axe-4.14.1.min.js"
DEMO_PASSWORD = "solidome-demo"  # the documented demo password, not a secret
PHONE = {"width": 360, "height": 740}

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Chromium looks up no outside host; both EXCLUDE parts are needed.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
]


def _require_chromium():
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        skip_or_fail(f"browser tests need Debian's Chromium at {CHROMIUM} (apt install chromium)")


@pytest.fixture(scope="session", autouse=True)
def _chromium_installed():
    """Skip (or fail under CI) before Playwright tries to launch a missing browser."""
    _require_chromium()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    _require_chromium()
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": list(CHROMIUM_ARGS),
    }


@pytest.fixture(scope="session")
def base_url():
    """Tests build their URLs from ``live_server.url``.

    This replaces pytest-playwright's fallback ``base_url`` fixture (used when pytest-base-url
    is not installed): it is defined on a plugin instance, which pytest 9.2 reports with a
    PytestRemovedIn10Warning that ``filterwarnings = error`` turns into an error.
    """
    return None


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        # axe-core is injected as a script: the platform's strict CSP would block it.
        "bypass_csp": True,
        "locale": "fr-FR",
        "timezone_id": "Europe/Paris",
    }


@pytest.fixture(autouse=True)
def _fresh_content_types():
    """Live-server tests flush the database, and the flush recreates content types under new
    ids: a cache kept from earlier tests would point the audit journal at rows that are gone."""
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()


@pytest.fixture
def demo(live_server, transactional_db):
    """The demo programme, seeded in the database the live server reads.

    Each live-server test ends by flushing the database, so the rows loaded by migrations
    (the métropole's communes) may be gone: the journeys here do not depend on them.
    """
    from accompaniment.demo import seed_demo

    return seed_demo(password=DEMO_PASSWORD)


def login(page, live_server, email, password=DEMO_PASSWORD):
    """Sign in through the login form, as a person would."""
    page.goto(f"{live_server.url}/compte/login/")
    page.locator("input[name='login']").fill(email)
    page.locator("input[name='password']").fill(password)
    page.get_by_role("button", name="Se connecter").click()


def assert_no_serious_axe_violations(page):
    """Run axe-core on the current page; fail listing every serious or critical violation."""
    page.add_script_tag(path=str(AXE_SCRIPT))
    violations = page.evaluate("async () => (await axe.run(document)).violations")
    serious = [v for v in violations if v.get("impact") in {"serious", "critical"}]
    if serious:
        lines = [f"{len(serious)} serious/critical axe violation(s) on {page.url}:"]
        for violation in serious:
            lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
            for node in violation["nodes"]:
                lines.append(f"    at {', '.join(str(part) for part in node['target'])}")
                summary = (node.get("failureSummary") or "").replace("\n", " ").strip()
                if summary:
                    lines.append(f"       {summary}")
        pytest.fail("\n".join(lines), pytrace=False)
