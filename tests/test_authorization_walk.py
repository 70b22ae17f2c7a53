"""The authorization walk: every URL pattern of the platform, taken from the resolver, opened by
six people — anonymous, two beneficiaries (each with their own file), two accompaniers (each
following one of them), the coordinator — with their own objects' ids and with the other
side's.

For each pattern (one test per pattern, named after it), the walk checks:

- a role the row allows gets ``get`` (200 unless told) on GET with its own objects;
- when the row is ``scoped`` (its ids name one person's objects), a beneficiary or an
  accompanier of the other side gets a 404 on GET and POST with the other side's ids;
- a role the row does not allow gets a 404 (``refused``), or for anonymous visitors a redirect
  to the login page, on GET and POST;
- and nothing in the database changed after a refused POST (a checksum of every table on
  PostgreSQL, see ``tests.access.fingerprint``).

The data (``tests/access.py``) is built once for the module and each test runs in a savepoint,
so a page that acts on GET cannot spoil the next one. The whole walk takes 60 to 80 s.

Adding a page: add one row to ``ROWS`` below, keyed by the pattern's name
(``namespace:url_name``). A pattern missing from the table fails
``test_every_url_pattern_has_a_row`` with the row to paste; edit ``may`` (who may open it),
``kwargs`` (how to build the URL's arguments from one side of ``World``: ``on("goal")`` for
``{"pk": side.goal.pk}``, ``shared("partner")`` for an object every staff member sees),
``scoped`` (the ids belong to one person: the other side gets a 404), ``get`` (the status of an
allowed GET: 405 for POST-only actions, 302 for pages that send elsewhere; a dict by role where
roles differ) and ``form=True`` when the page is a form posting to itself (then
``tests/test_forms_generated_input.py`` submits it with generated values as ``form_role``).
A known defect is marked ``xfail="why"``: the test then passes while the defect is there and
fails once it is fixed, so the mark is removed with the fix.

The Django admin's pages are generated per registered model: every ``admin:`` pattern that is
not listed gets ``ADMIN_PAGE`` (superusers with a second factor only: a signed-out visitor is sent
to the login page, every other role gets 404).
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.access import (
    ACCOMPANIER_1,
    ACCOMPANIER_2,
    ANONYMOUS,
    BENEFICIARY_1,
    BENEFICIARY_2,
    COORDINATOR,
    ROLES,
    SIDE_OF,
    Clients,
    PageForm,
    World,
    changed_tables,
    fingerprint,
    page_forms,
    world_for_module,
)

EVERYONE = frozenset(ROLES)
SIGNED_IN = EVERYONE - {ANONYMOUS}
BENEFICIARIES = frozenset({BENEFICIARY_1, BENEFICIARY_2})
ACCOMPANIERS = frozenset({ACCOMPANIER_1, ACCOMPANIER_2})
STAFF = ACCOMPANIERS | {COORDINATOR}
COORDINATORS = frozenset({COORDINATOR})
NOBODY = frozenset()
LOGIN = "login"  # a redirect to a login page (allauth's, or the admin's)

Kwargs = Callable[[World, int], dict]


def no_kwargs(world: World, side: int) -> dict:
    return {}


def on(attribute: str, name: str = "pk") -> Kwargs:
    """The URL names one side's object: ``{"pk": side.<attribute>.pk}``."""
    return lambda world, side: {name: getattr(world.side(side), attribute).pk}


def token(attribute: str) -> Kwargs:
    return lambda world, side: {"token": getattr(world.side(side), attribute).token}


def shared(attribute: str) -> Kwargs:
    """An object every staff member sees (the directory, themes, the outbox)."""
    return lambda world, side: {"pk": getattr(world, attribute).pk}


def fixed(**kwargs) -> Kwargs:
    return lambda world, side: kwargs


@dataclass(frozen=True)
class Row:
    may: frozenset
    kwargs: Kwargs = no_kwargs
    get: int | dict = 200
    scoped: bool = False
    refused: int | str = 404
    # What a staff member who sees the object but is not its owner gets (``scoped`` rows):
    # 403 where colleagues see it (a workshop), the default 404 where they do not.
    colleague: int = 404
    form: bool = False
    form_role: str = ""
    xfail: str = ""
    post_data: dict = field(default_factory=dict)

    def expected_get(self, role: str) -> int:
        return self.get.get(role, 200) if isinstance(self.get, dict) else self.get


FILE = on("beneficiary")
ALLAUTH_SIGNED_IN_ELSEWHERE = {role: 302 for role in SIGNED_IN}
# The second factor's pages of someone who has not set one up yet.
NO_TOTP_YET = 404

ROWS = {
    # Home, health, language
    "users:home": Row(SIGNED_IN, get=302),
    "healthz": Row(EVERYONE),
    "set_language": Row(EVERYONE, get=302),
    # Accounts (allauth): logged-in people are sent on from the pages for logging in
    "account_login": Row(EVERYONE, get=ALLAUTH_SIGNED_IN_ELSEWHERE, form=True, form_role=ANONYMOUS),
    "account_logout": Row(EVERYONE, get={ANONYMOUS: 302}, form=True, form_role=ACCOMPANIER_1),
    "account_inactive": Row(EVERYONE),
    "account_signup": Row(EVERYONE, get=ALLAUTH_SIGNED_IN_ELSEWHERE),
    "account_reauthenticate": Row(SIGNED_IN, form=True),
    "account_request_reauthentication_code": Row(SIGNED_IN, get=302),
    "account_confirm_reauthentication_code": Row(SIGNED_IN, get=302),
    "account_email": Row(SIGNED_IN, form=True),
    "account_email_verification_sent": Row(EVERYONE),
    "account_change_password": Row(SIGNED_IN, form=True),
    "account_set_password": Row(SIGNED_IN, get=302),
    "account_reset_password": Row(EVERYONE, form=True),
    "account_confirm_login_code": Row(EVERYONE, get=302),
    "account_confirm_email": Row(EVERYONE, kwargs=fixed(key="nope")),
    "account_reset_password_from_key_done": Row(EVERYONE),
    "account_reset_password_from_key": Row(EVERYONE, kwargs=fixed(uidb36="1", key="x-y")),
    "account_reset_password_done": Row(EVERYONE),
    "account_request_login_code": Row(EVERYONE, get=ALLAUTH_SIGNED_IN_ELSEWHERE, form=True),
    "mfa_index": Row(SIGNED_IN),
    "mfa_authenticate": Row(EVERYONE, get=302),
    "mfa_reauthenticate": Row(SIGNED_IN, get=302),
    "mfa_activate_totp": Row(SIGNED_IN, get=302),
    "mfa_deactivate_totp": Row(SIGNED_IN, get=NO_TOTP_YET),
    "mfa_view_recovery_codes": Row(SIGNED_IN, get=NO_TOTP_YET),
    "mfa_generate_recovery_codes": Row(SIGNED_IN, get=302),
    "mfa_download_recovery_codes": Row(SIGNED_IN, get=NO_TOTP_YET),
    # Beneficiary files
    "beneficiaries:beneficiary_list": Row(STAFF, form=True),
    "beneficiaries:beneficiary_create": Row(STAFF, form=True),
    "beneficiaries:beneficiary_detail": Row(STAFF, FILE, scoped=True),
    "beneficiaries:beneficiary_update": Row(STAFF, FILE, scoped=True, form=True),
    "beneficiaries:beneficiary_access_log": Row(COORDINATORS, FILE),
    "beneficiaries:beneficiary_consents": Row(STAFF, FILE, scoped=True, form=True),
    "beneficiaries:beneficiary_status": Row(STAFF, FILE, get=405, scoped=True),
    "beneficiaries:beneficiary_assignments": Row(COORDINATORS, FILE, form=True),
    "beneficiaries:assignment_delete": Row(COORDINATORS, on("assignment"), get=405),
    "beneficiaries:follow_up": Row(COORDINATORS, form=True),
    "beneficiaries:portal_invite": Row(STAFF, FILE, get=405, scoped=True),
    "beneficiaries:invitation_accept": Row(EVERYONE, token("invitation"), form=True),
    "beneficiaries:contact_change_decide": Row(STAFF, on("contact_change"), get=405, scoped=True),
    "beneficiaries:deletion_request_handled": Row(COORDINATORS, on("deletion_request"), get=405),
    # Choosers: the matches a form's combobox asks for, among what the user may see
    "beneficiaries:beneficiary_chooser": Row(STAFF),
    "partners:partner_chooser": Row(STAFF),
    "beneficiaries:access_request_handled": Row(COORDINATORS, on("access_request"), get=405),
    # Questionnaires (FIES, food practices): on the file, and the person's check-in
    "accompaniment:file_outcomes": Row(STAFF, FILE, scoped=True),
    "accompaniment:assessment_create": Row(
        STAFF,
        lambda world, side: {"pk": world.side(side).beneficiary.pk, "instrument": "fies"},
        scoped=True,
        form=True,
    ),
    "accompaniment:assessment_update": Row(
        STAFF,
        lambda world, side: {"pk": world.side(side).assessment.pk, "instrument": "fies"},
        scoped=True,
        form=True,
    ),
    "accompaniment:portal_check_in": Row(BENEFICIARIES, form=True),
    # Statistics, the funder report, outcomes: coordinators
    "accompaniment:statistics": Row(COORDINATORS, form=True),
    "accompaniment:statistics_report": Row(COORDINATORS),
    "accompaniment:statistics_report_xlsx": Row(COORDINATORS),
    "accompaniment:statistics_outcomes": Row(COORDINATORS),
    # Exports: staff export what they may see; research exports are the coordinators'
    "accompaniment:export_list": Row(STAFF),
    "accompaniment:export_create": Row(STAFF, fixed(slug="seances"), get=405),
    "accompaniment:export_detail": Row(STAFF, on("export"), scoped=True),
    "accompaniment:export_download": Row(STAFF, fixed(token="unknown"), get=404),
    "accompaniment:research_export": Row(COORDINATORS, form=True),
    # Retention: the files at the end of their two years, anonymisation on request
    "accompaniment:retention_list": Row(STAFF),
    "accompaniment:deletion_request_anonymise": Row(
        COORDINATORS, on("deletion_request"), form=True
    ),
    # Partner directory
    "partners:partner_list": Row(STAFF, form=True),
    "partners:partner_create": Row(COORDINATORS, form=True),
    "partners:partner_map": Row(STAFF, form=True),
    "partners:partner_markers": Row(STAFF),
    "partners:partner_review_list": Row(COORDINATORS),
    "partners:category_list": Row(COORDINATORS, form=True),
    "partners:partner_import": Row(COORDINATORS, form=True),
    # The access journal: coordinators read and export it
    "audit:journal": Row(COORDINATORS, form=True),
    "audit:journal_export": Row(COORDINATORS),
    "partners:partner_import_preview": Row(COORDINATORS, fixed(token="unknown.csv"), get=404),
    "partners:partner_import_confirm": Row(COORDINATORS, fixed(token="unknown.csv"), get=405),
    "partners:import_job_detail": Row(COORDINATORS, shared("import_job")),
    "partners:partner_import_template": Row(COORDINATORS, fixed(extension="csv")),
    "partners:partner_export": Row(COORDINATORS, fixed(extension="csv")),
    "partners:partner_export_data_inclusion": Row(COORDINATORS, fixed(kind="structures")),
    "partners:partner_detail": Row(STAFF, shared("partner")),
    "partners:partner_update": Row(COORDINATORS, shared("partner"), form=True),
    "partners:partner_archive": Row(COORDINATORS, shared("partner"), get=405),
    "partners:partner_unarchive": Row(COORDINATORS, shared("partner"), get=405),
    "partners:partner_mark_checked": Row(COORDINATORS, shared("partner"), get=405),
    "partners:contact_create": Row(COORDINATORS, shared("partner"), form=True),
    "partners:contact_delete": Row(COORDINATORS, shared("contact"), get=405),
    "partners:closure_create": Row(COORDINATORS, shared("partner"), form=True),
    "partners:closure_delete": Row(COORDINATORS, shared("closure"), get=405),
    "partners:partnership_event_create": Row(COORDINATORS, shared("partner"), form=True),
    # Outbox
    "notifications:notification_list": Row(COORDINATORS, form=True),
    "notifications:notification_send_again": Row(COORDINATORS, on("notification"), get=405),
    "notifications:sms_budget": Row(COORDINATORS, form=True),
    "notifications:notification_release_held": Row(COORDINATORS, get=405),
    # Calendar
    "accompaniment:calendar_week": Row(STAFF),
    "accompaniment:calendar_month": Row(STAFF),
    "accompaniment:calendar_subscription": Row(STAFF),
    "accompaniment:calendar_subscription_change": Row(STAFF, get=405),
    "accompaniment:calendar_feed": Row(EVERYONE, token("feed")),
    # Files: closing, plan, history, notes, referrals, reminders, supports
    "accompaniment:file_close": Row(STAFF, FILE, scoped=True, form=True),
    "accompaniment:dashboard": Row(STAFF),
    "accompaniment:staff_preferences": Row(STAFF, form=True),
    "accompaniment:network_overview": Row(COORDINATORS, form=True),
    "accompaniment:network_export": Row(COORDINATORS, fixed(table="categories")),
    "accompaniment:plan_detail": Row(STAFF, FILE, scoped=True, get=302),
    "accompaniment:plan_print": Row(STAFF, FILE, scoped=True),
    "accompaniment:plan_timeline": Row(STAFF, FILE, scoped=True),
    "accompaniment:timeline_recent": Row(STAFF, FILE, scoped=True, get=302),
    "accompaniment:goal_create": Row(STAFF, FILE, scoped=True, form=True),
    "accompaniment:note_create": Row(STAFF, FILE, scoped=True, form=True),
    "accompaniment:goal_update": Row(STAFF, on("goal"), scoped=True, form=True),
    "accompaniment:goal_status": Row(STAFF, on("goal"), get=405, scoped=True),
    "accompaniment:goal_move": Row(STAFF, on("goal"), get=405, scoped=True),
    "accompaniment:step_create": Row(STAFF, on("goal"), scoped=True, form=True),
    "accompaniment:step_update": Row(STAFF, on("step"), scoped=True, form=True),
    "accompaniment:step_toggle": Row(STAFF, on("step"), get=405, scoped=True),
    "accompaniment:step_move": Row(STAFF, on("step"), get=405, scoped=True),
    "accompaniment:step_delete": Row(STAFF, on("step"), get=405, scoped=True),
    "accompaniment:referral_create": Row(STAFF, FILE, scoped=True, form=True),
    "accompaniment:referral_inbound_create": Row(STAFF, FILE, scoped=True, form=True),
    "accompaniment:referral_answer": Row(EVERYONE, token("referral"), form=True),
    "accompaniment:referral_detail": Row(STAFF, on("referral"), scoped=True),
    "accompaniment:reminder_pause": Row(STAFF, FILE, scoped=True, form=True),
    "accompaniment:support_create": Row(STAFF, FILE, scoped=True, form=True),
    "accompaniment:support_update": Row(STAFF, on("support"), scoped=True, form=True),
    "accompaniment:support_delete": Row(STAFF, on("support"), scoped=True, form=True),
    # Sessions
    "accompaniment:session_list": Row(STAFF),
    "accompaniment:session_create": Row(STAFF, form=True),
    "accompaniment:session_create_for": Row(STAFF, FILE, scoped=True, form=True),
    "accompaniment:session_detail": Row(STAFF, on("session"), scoped=True),
    "accompaniment:session_update": Row(STAFF, on("session"), scoped=True, form=True),
    "accompaniment:session_record": Row(STAFF, on("past_session"), scoped=True, form=True),
    "accompaniment:session_cancel": Row(STAFF, on("session"), scoped=True, form=True),
    "accompaniment:session_missed": Row(STAFF, on("session"), get=405, scoped=True),
    # Themes
    "accompaniment:theme_list": Row(COORDINATORS, form=True),
    "accompaniment:theme_toggle": Row(COORDINATORS, shared("theme"), get=405),
    # Workshops: every staff member sees them all and signs their own people up
    "accompaniment:workshop_list": Row(STAFF),
    "accompaniment:workshop_create": Row(STAFF, form=True),
    "accompaniment:workshop_detail": Row(STAFF, on("workshop")),
    "accompaniment:workshop_update": Row(
        STAFF,
        on("workshop"),
        scoped=True,
        colleague=403,
        form=True,
    ),
    "accompaniment:workshop_cancel": Row(
        STAFF,
        on("workshop"),
        scoped=True,
        colleague=403,
        form=True,
    ),
    "accompaniment:workshop_register": Row(STAFF, on("workshop"), get=405),
    "accompaniment:registration_cancel": Row(STAFF, on("registration"), scoped=True, form=True),
    "accompaniment:workshop_sheet": Row(STAFF, on("workshop")),
    "accompaniment:workshop_attendance": Row(STAFF, on("past_workshop"), form=True),
    "accompaniment:workshop_steps": Row(STAFF, on("workshop"), get=302),
    # The beneficiary's portal
    "accompaniment:portal_home": Row(BENEFICIARIES),
    "accompaniment:portal_plan": Row(BENEFICIARIES),
    "accompaniment:portal_plan_print": Row(BENEFICIARIES),
    "accompaniment:portal_step_toggle": Row(BENEFICIARIES, on("step"), get=405, scoped=True),
    "accompaniment:portal_step_add": Row(BENEFICIARIES, on("goal"), get=405, scoped=True),
    "accompaniment:portal_appointments": Row(BENEFICIARIES),
    "accompaniment:portal_appointment_ics": Row(
        BENEFICIARIES,
        lambda world, side: {"kind": "session", "pk": world.side(side).session.pk},
        scoped=True,
    ),
    "accompaniment:portal_workshops": Row(BENEFICIARIES),
    "accompaniment:portal_workshop_register": Row(BENEFICIARIES, on("workshop"), get=405),
    "accompaniment:portal_workshop_unregister": Row(
        BENEFICIARIES, on("workshop"), scoped=True, form=True
    ),
    "accompaniment:portal_addresses": Row(BENEFICIARIES, form=True),
    "accompaniment:portal_file_access": Row(BENEFICIARIES),
    "accompaniment:portal_consent_withdraw": Row(
        BENEFICIARIES, on("consent"), get=405, scoped=True
    ),
    "accompaniment:portal_preferences": Row(BENEFICIARIES, form=True),
    "accompaniment:portal_contact_change": Row(BENEFICIARIES, get=405),
    "accompaniment:portal_data": Row(BENEFICIARIES),
    "accompaniment:portal_data_download": Row(BENEFICIARIES),
    "accompaniment:portal_deletion_request": Row(BENEFICIARIES, get=405),
    "accompaniment:portal_consent_give": Row(BENEFICIARIES, on("consent"), get=405, scoped=True),
    "accompaniment:portal_data_print": Row(BENEFICIARIES),
    "accompaniment:portal_data_zip": Row(BENEFICIARIES),
    "accompaniment:portal_access_request": Row(BENEFICIARIES, get=405),
    "accompaniment:portal_calendar": Row(BENEFICIARIES),
    "accompaniment:portal_calendar_change": Row(BENEFICIARIES, get=405),
    "accompaniment:portal_calendar_feed": Row(EVERYONE, token("personal_feed")),
}
ADMIN_ARGUMENTS = {
    "object_id": "1",
    "content_type_id": "1",
    "id": "1",
    "app_label": "users",
    "url": "x/",
}
ADMIN_PAGE = Row(NOBODY, lambda world, side: {})


def walk_patterns(resolver=None, prefix="", namespace=""):
    """(name, route, pattern) for every URL pattern, nested includes followed."""
    for pattern in (resolver or get_resolver()).url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, [namespace, pattern.namespace or ""]))
            yield from walk_patterns(pattern, route, inner)
        elif isinstance(pattern, URLPattern):
            name = ":".join(filter(None, [namespace, pattern.name or route]))
            yield name, route, pattern


PATTERNS = sorted({name: route for name, route, _pattern in walk_patterns()}.items())


def row_for(name: str) -> Row | None:
    if name in ROWS:
        return ROWS[name]
    if name.startswith("admin:"):
        return ADMIN_PAGE
    return None


def url_of(name: str, route: str, kwargs: dict) -> str:
    if name.startswith("admin:") and name not in ROWS:
        # Some admin patterns have no name: the route is filled in by hand.
        path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: ADMIN_ARGUMENTS[m[1]], route)
        return "/" + path
    return reverse(name, kwargs=kwargs)


def test_every_url_pattern_has_a_row():
    missing = [name for name, _route in PATTERNS if row_for(name) is None]
    suggestions = "\n".join(f'    "{name}": Row(STAFF, FILE, scoped=True),' for name in missing)
    assert not missing, (
        "These URL patterns are not in the authorization walk's table; add a row to ROWS in "
        f"tests/test_authorization_walk.py (edit who may see them):\n{suggestions}"
    )


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with world_for_module(django_db_blocker) as world:
        yield world


@pytest.fixture(scope="module")
def module_clients(world, django_db_blocker):
    with django_db_blocker.unblock():
        return Clients(world)


@pytest.fixture
def clients(module_clients, db):
    module_clients.relog()
    return module_clients


def is_login_redirect(response) -> bool:
    location = response.headers.get("Location", "")
    logins = (reverse(settings.LOGIN_URL), reverse("admin:login"))
    return response.status_code == 302 and location.startswith(logins)


def refusal_problems(row: Row, role: str, client, url: str) -> list[str]:
    """What went wrong when ``role``, who may not, opens ``url`` (GET, then POST)."""
    problems = []
    if role == ANONYMOUS:
        expected = LOGIN
    elif role in row.may:
        expected = row.colleague
    else:
        expected = row.refused
    for method in ("get", "post"):
        response = getattr(client, method)(url, row.post_data)
        status = response.status_code
        if expected == LOGIN:
            if not is_login_redirect(response):
                location = response.headers.get("Location", "")
                problems.append(f"{role} {method.upper()} {url}: {status} {location}")
        # A POST-only action may refuse the method before it looks the object up.
        elif status != expected and not (method == "get" and row.get == 405 == status):
            problems.append(f"{role} {method.upper()} {url}: {status}, not {expected}")
    return problems


def walk_one(name: str, route: str, world: World, clients: Clients) -> list[str]:
    """Refused requests first, between two fingerprints of the database (one table checksum
    per request would triple the walk's time); then the allowed GETs, which may journal."""
    row = row_for(name)
    problems = []
    before = fingerprint()
    for role in ROLES:
        other_url = url_of(name, route, row.kwargs(world, 3 - SIDE_OF[role]))
        if role not in row.may or (row.scoped and role != COORDINATOR):
            problems += refusal_problems(row, role, clients[role], other_url)
            clients.relog()
    if changed := changed_tables(before, fingerprint()):
        problems.append(f"refused requests changed {changed}")
    for role in sorted(row.may, key=ROLES.index):
        url = url_of(name, route, row.kwargs(world, SIDE_OF[role]))
        response = clients[role].get(url)
        if response.status_code != row.expected_get(role):
            problems.append(
                f"{role} GET {url}: {response.status_code}, not {row.expected_get(role)}"
            )
        elif role == form_role(row) and (has_form := bool(own_forms(response, url))) != row.form:
            problems.append(
                f"{url}: a form submitting to itself is {has_form}, the row says {row.form}"
            )
        clients.relog()
    return problems


def form_role(row: Row) -> str:
    """Who submits the page's form in the generated-input test."""
    if row.form_role:
        return row.form_role
    for role in (ANONYMOUS, ACCOMPANIER_1, COORDINATOR, BENEFICIARY_1):
        if role in row.may:
            return role
    return ""


def own_forms(response, url: str) -> list[PageForm]:
    """The forms of an HTML page that submit to the page itself."""
    if "text/html" not in response.get("Content-Type", "") or response.status_code != 200:
        return []
    path = urlsplit(url).path
    return [
        form
        for form in page_forms(response.content.decode())
        if urlsplit(form.action).path in {"", path} and form.fields
    ]


def _params():
    for name, route in PATTERNS:
        row = row_for(name)
        marks = [pytest.mark.xfail(reason=row.xfail, strict=True)] if row and row.xfail else []
        yield pytest.param(name, route, id=name, marks=marks)


@pytest.mark.parametrize(("name", "route"), list(_params()))
def test_only_who_may_opens_the_page(name, route, world, clients):
    if row_for(name) is None:
        pytest.fail(f"{name} has no row: see test_every_url_pattern_has_a_row")
    problems = walk_one(name, route, world, clients)
    assert not problems, "\n".join(problems)
