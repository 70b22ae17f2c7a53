"""Every form of the platform, submitted with what people (and robots) really type: NUL bytes
(PostgreSQL refuses them), 100,000-character strings, emoji, right-to-left text, negative and
huge numbers, impossible and far dates (year 1, 9999, 31/02), HTML and JavaScript.

The forms are the rows of the authorization walk's table marked ``form=True`` (the walk fails
when a page with a form submitting to itself is not marked). Each form is read from its page,
as the role the row names (``form_role``), filled with plausible values (``baseline``), then:

- a sweep puts each nasty value in every field at once;
- hypothesis changes one to four fields of the plausible values, so that the rest of the form
  is valid and the nasty value reaches the model and the database.

Every page the table lists is also opened with nasty values in the query-string parameters
pages read (``?page=``, ``?date=``, ``?q=``…).

No answer may be a 5xx; a refused submission (anything but a redirect) must leave the database
as it was. Each submission runs in a savepoint rolled back after it. About 60 to 90 s on PostgreSQL
(run it there: NUL bytes only fail there).
"""

import datetime

import pytest
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.access import SIDE_OF, Clients, PageForm, changed_tables, fingerprint, world_for_module
from tests.test_authorization_walk import ROWS, form_role, own_forms

NASTY_VALUES = [
    "\x00",
    "Marie\x00Curie",
    "x" * 100_000,
    "😀🥕🏳️‍🌈" * 20,
    "\u202eمرحبا بكم في سولي دوم",
    "שלום\u200f",
    "-1",
    "-99999999999999999999999999",
    "99999999999999999999999999",
    "1e308",
    "NaN",
    "0001-01-01",
    "9999-12-31",
    "9999-12-31T23:59",
    "31/02/2024",
    "2024-02-31",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "' OR 1=1 --",
    " ",
]
NASTY = st.one_of(
    st.sampled_from(NASTY_VALUES),
    st.text(max_size=30),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.dates().map(lambda day: day.strftime("%d/%m/%Y")),
)
# Put in every field at once: a select, a search or a date that reaches the database unchecked.
SWEEP = [
    "Marie\x00Curie",
    "x" * 100_000,
    "😀🥕 \u202eمرحبا",
    "-99999999999999999999999999",
    "0001-01-01",
    "9999-12-31",
    "31/02/2024",
]
FORM_NAMES = sorted(name for name, row in ROWS.items() if row.form)
# Fields the platform fills itself (the CSRF token, the page's own state).
UNTOUCHED = {"csrfmiddlewaretoken"}


# Fields whose plausible value depends on their name more than on their type.
BY_NAME = {
    "phone": "06 12 34 56 78",
    "postal_code": "63000",
    "siret": "",
    "birth_date": "2005-03-01",
    "email": "personne.test@example.org",
    "new_phone": "06 12 34 56 78",
}


def plausible(name: str, kind: str) -> str:
    for key, value in BY_NAME.items():
        if name == key or name.endswith(f"-{key}"):
            return value
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    return {
        "email": "personne.test@example.org",
        "tel": "06 12 34 56 78",
        "url": "https://example.org/",
        "number": "1",
        "date": tomorrow.isoformat(),
        "datetime-local": f"{tomorrow.isoformat()}T10:00",
        "time": "10:00",
        "password": "un-mot-de-passe-tres-solide",
    }.get(kind, "Texte ordinaire")


def baseline(form: PageForm) -> dict:
    """What a person would plausibly submit: the page's values, the first choice of every list
    left empty, and an ordinary value in every empty field."""
    data = {}
    for name, found in form.fields.items():
        chosen = [value for value in found.chosen if value]
        options = [option for option in found.options if option]
        if found.kind in {"radio", "checkbox"}:
            # A lone checkbox is a yes/no left as shown; in a list, the first is ticked.
            picked = chosen or (options[:1] if len(options) > 1 or found.kind == "radio" else [])
            if picked:
                data[name] = picked
        elif found.kind == "select":
            data[name] = chosen or options[:1] or [""]
        elif found.kind == "hidden" or found.value.strip():
            data[name] = found.value.strip("\n") if found.kind == "textarea" else found.value
        elif found.kind != "file":
            data[name] = plausible(name, found.kind)
    return data


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


class Submitter:
    """Submits one page's form, each time in a savepoint rolled back afterwards."""

    def __init__(self, name: str, world, clients: Clients):
        row = ROWS[name]
        self.role = form_role(row)
        self.clients = clients
        self.url = reverse(name, kwargs=row.kwargs(world, SIDE_OF[self.role]))
        self.forms = own_forms(clients[self.role].get(self.url), self.url)
        assert self.forms, f"{self.url}: no form for {self.role}"

    def fields(self, form: PageForm) -> list[str]:
        return sorted(name for name in form.fields if name not in UNTOUCHED)

    def submit(self, form: PageForm, changes: dict) -> None:
        data = {**baseline(form), **changes}
        client = self.clients[self.role]
        cache.clear()  # allauth's rate limits would answer 429 before the form is read
        with transaction.atomic():
            before = fingerprint()
            if form.method == "post":
                response = client.post(self.url, data)
            else:
                response = client.get(self.url, data)
            shown = {name: str(value)[:40] for name, value in changes.items()}
            assert response.status_code < 500, (self.url, shown)
            if response.status_code != 302 and form.method == "post":
                assert changed_tables(before, fingerprint()) == [], (
                    f"{self.url} refused {shown} ({response.status_code}) but saved something"
                )
            transaction.set_rollback(True)
        self.clients.relog()


@pytest.mark.parametrize("name", FORM_NAMES)
def test_form_answers_generated_input_without_error(name, world, clients):
    submitter = Submitter(name, world, clients)
    for form in submitter.forms:
        for value in SWEEP:
            submitter.submit(form, dict.fromkeys(submitter.fields(form), value))

    @settings(
        max_examples=6,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(data=st.data())
    def submit_generated(data):
        form = data.draw(st.sampled_from(submitter.forms))
        fields = submitter.fields(form)
        if not fields:
            return
        changes = data.draw(st.dictionaries(st.sampled_from(fields), NASTY, min_size=1, max_size=4))
        submitter.submit(form, changes)

    submit_generated()


# The query-string parameters pages read (filters, pages, days, periods), all given at once.
QUERY_PARAMETERS = [
    *("q", "page", "date", "start", "end", "accompanier", "status", "commune", "sort"),
    *("kind", "category", "service", "public", "next", "owner", "table"),
]
QUERY_VALUES = ["\x00", "9999-12-31", "0001-01-01", "99999999999999999999", "x" * 5000]
PAGE_NAMES = sorted(name for name, row in ROWS.items() if form_role(row) and row.get != 405)


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_page_answers_generated_query_strings_without_error(name, world, clients):
    row = ROWS[name]
    role = form_role(row)
    url = reverse(name, kwargs=row.kwargs(world, SIDE_OF[role]))
    for value in QUERY_VALUES:
        response = clients[role].get(url, dict.fromkeys(QUERY_PARAMETERS, value))
        assert response.status_code < 500, (url, value[:20])
        clients.relog()
