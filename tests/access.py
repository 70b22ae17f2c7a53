"""The programme the authorization walk and the generated-input test run against.

Two "sides", each a beneficiary with an account, followed by their own accompanier, with one of
everything hanging off the file (goal, step, session, note, support, referral, workshop
sign-up, consent, contact change, deletion request, portal invitation); plus what every staff
member shares (partners, themes, the outbox) and a coordinator. Built once per test module
(``world`` fixtures), inside a transaction rolled back at the module's end; each test runs in
a savepoint of it, so what one test changes is gone for the next.
"""

import contextlib
import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.apps import apps
from django.db import connection, transaction
from django.test import Client, override_settings
from django.utils import timezone

from accompaniment.models.calendar import CalendarFeed
from accompaniment.models.exports import DataExport
from beneficiaries.models import (
    AccessRequest,
    Consent,
    ContactChangeRequest,
    DeletionRequest,
    PortalInvitation,
)
from partners.models import ImportJob
from soli_dome.users.models import User
from tests.accompaniment.factories import (
    FoodInsecurityAssessmentFactory,
    GoalFactory,
    NoteFactory,
    ReferralFactory,
    RegistrationFactory,
    SessionFactory,
    StepFactory,
    SupportFactory,
    ThemeFactory,
    WorkshopFactory,
)
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.notifications.factories import NotificationFactory
from tests.partners.factories import ClosureFactory, ContactFactory, PartnerFactory
from tests.users.factories import UserFactory

ANONYMOUS = "anonymous"
BENEFICIARY_1, BENEFICIARY_2 = "beneficiary_1", "beneficiary_2"
ACCOMPANIER_1, ACCOMPANIER_2 = "accompanier_1", "accompanier_2"
COORDINATOR = "coordinator"
ROLES = (ANONYMOUS, BENEFICIARY_1, BENEFICIARY_2, ACCOMPANIER_1, ACCOMPANIER_2, COORDINATOR)
# The side whose objects a role calls its own; the coordinator sees both.
SIDE_OF = {
    ANONYMOUS: 1,
    BENEFICIARY_1: 1,
    ACCOMPANIER_1: 1,
    COORDINATOR: 1,
    BENEFICIARY_2: 2,
    ACCOMPANIER_2: 2,
}

# Rows the platform writes on any request, whoever asks: not what a refused request changed.
UNWATCHED_TABLES = {"django_session"}


@dataclass
class Side:
    """One person's file and everything around it."""

    accompanier: User
    user: User
    beneficiary: object
    assignment: object
    goal: object
    step: object
    session: object
    past_session: object
    past_workshop: object
    note: object
    support: object
    referral: object
    workshop: object
    registration: object
    consent: object
    sharing_consent: object
    contact_change: object
    deletion_request: object
    invitation: object
    feed: object
    personal_feed: object
    access_request: object
    assessment: object
    export: object
    notification: object


@dataclass
class World:
    sides: dict[int, Side]
    coordinator: User
    partner: object
    contact: object
    closure: object
    theme: object
    import_job: object
    users: dict[str, User] = field(default_factory=dict)

    def side(self, number: int) -> Side:
        return self.sides[number]


def _side(partner) -> Side:
    accompanier = UserFactory(accompanier=True)
    beneficiary = BeneficiaryFactory(accompanied_by=accompanier, with_account=True)
    goal = GoalFactory(beneficiary=beneficiary, created_by=accompanier)
    workshop = WorkshopFactory(organiser=accompanier, host=partner)
    past_workshop = WorkshopFactory(organiser=accompanier, starts_at=days_from_now(-1))
    RegistrationFactory(workshop=past_workshop, beneficiary=beneficiary)
    # Someone invited to the portal who has not opened it yet (the invitation page is public).
    invited = BeneficiaryFactory(accompanied_by=accompanier, with_account=True)
    return Side(
        accompanier=accompanier,
        user=beneficiary.user,
        beneficiary=beneficiary,
        assignment=beneficiary.assignments.get(),
        goal=goal,
        step=StepFactory(goal=goal),
        session=SessionFactory(accompanier=accompanier, participants=[beneficiary]),
        # Yesterday's, still to be recorded; a workshop whose attendance can be taken.
        past_session=SessionFactory(
            accompanier=accompanier, participants=[beneficiary], starts_at=days_from_now(-1)
        ),
        past_workshop=past_workshop,
        note=NoteFactory(beneficiary=beneficiary, author=accompanier),
        support=SupportFactory(beneficiary=beneficiary, recorded_by=accompanier),
        referral=ReferralFactory(beneficiary=beneficiary, partner=partner, created_by=accompanier),
        workshop=workshop,
        registration=RegistrationFactory(workshop=workshop, beneficiary=beneficiary),
        consent=Consent.objects.create(
            beneficiary=beneficiary, kind=Consent.Kind.REMINDERS, recorded_by=accompanier
        ),
        sharing_consent=Consent.objects.create(
            beneficiary=beneficiary, kind=Consent.Kind.PARTNER_SHARING, recorded_by=accompanier
        ),
        contact_change=ContactChangeRequest.objects.create(
            beneficiary=beneficiary, phone="+33612345678"
        ),
        deletion_request=DeletionRequest.objects.create(beneficiary=beneficiary),
        invitation=PortalInvitation.objects.create(
            beneficiary=invited, email=invited.user.email, sent_by=accompanier
        ),
        feed=CalendarFeed.objects.create(user=accompanier),
        personal_feed=CalendarFeed.objects.create(user=beneficiary.user),
        access_request=AccessRequest.objects.create(beneficiary=beneficiary),
        assessment=FoodInsecurityAssessmentFactory(
            beneficiary=beneficiary, recorded_by=accompanier, score=3
        ),
        export=DataExport.objects.create(
            kind="seances", file_format="csv", requested_by=accompanier, row_count=1
        ),
        notification=NotificationFactory(recipient=beneficiary),
    )


def build_world() -> World:
    partner = PartnerFactory(may_be_recommended=True)
    coordinator = UserFactory(coordinator=True)
    world = World(
        sides={1: _side(partner), 2: _side(partner)},
        coordinator=coordinator,
        partner=partner,
        contact=ContactFactory(partner=partner),
        closure=ClosureFactory(partner=partner),
        theme=ThemeFactory(),
        import_job=ImportJob.objects.create(token="walk-import-job", created_by=coordinator),
    )
    world.users = {
        BENEFICIARY_1: world.side(1).user,
        BENEFICIARY_2: world.side(2).user,
        ACCOMPANIER_1: world.side(1).accompanier,
        ACCOMPANIER_2: world.side(2).accompanier,
        COORDINATOR: coordinator,
    }
    return world


@contextlib.contextmanager
def world_for_module(django_db_blocker) -> Iterator[World]:
    """``build_world()`` for a whole module, rolled back at its end."""
    # Hashing the factories' passwords the production way would cost seconds.
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast, transaction.atomic():
        world = build_world()
        yield world
        transaction.set_rollback(True)


class Clients(dict):
    """One test client per role, logged in once; logged in again if a page logged it out."""

    def __init__(self, world: World):
        super().__init__({ANONYMOUS: Client()})
        self.world = world
        for role in ROLES[1:]:
            self[role] = Client()
            self[role].force_login(world.users[role])

    def relog(self) -> None:
        if "_auth_user_id" in self[ANONYMOUS].session:  # an invitation link logs one in
            self[ANONYMOUS] = Client()
        for role in ROLES[1:]:
            if "_auth_user_id" not in self[role].session:
                self[role].force_login(self.world.users[role])


def watched_tables() -> list[str]:
    tables = {model._meta.db_table for model in apps.get_models()}
    return sorted(tables - UNWATCHED_TABLES)


def fingerprint() -> tuple:
    """What the database holds, in one query: on PostgreSQL a checksum of every row of every
    table, elsewhere each table's row count and highest primary key."""
    quote = connection.ops.quote_name
    if connection.vendor == "postgresql":
        parts = [
            f"SELECT '{table}', md5(coalesce(string_agg(md5(t::text), '' "  # noqa: S608
            f"ORDER BY md5(t::text)), '')) FROM {quote(table)} t"
            for table in watched_tables()
        ]
    else:
        parts = []
        for model in apps.get_models():
            table = model._meta.db_table
            if table in UNWATCHED_TABLES:
                continue
            pk = quote(model._meta.pk.column)
            parts.append(
                f"SELECT '{table}', count(*) || '/' || coalesce(max({pk}), '') "  # noqa: S608
                f"FROM {quote(table)}"
            )
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts))
        return tuple(sorted(cursor.fetchall()))


def changed_tables(before: tuple, after: tuple) -> list[str]:
    return sorted(
        {table for table, _sum in set(before) ^ set(after)},
    )


def days_from_now(days: int) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=days)


@dataclass
class FormField:
    name: str
    kind: str  # an <input>'s type, "select" or "textarea"
    value: str = ""
    options: list[str] = field(default_factory=list)
    chosen: list[str] = field(default_factory=list)


@dataclass
class PageForm:
    action: str
    method: str
    fields: dict[str, FormField] = field(default_factory=dict)


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[PageForm] = []
        self._select = self._textarea = None

    def _field(self, name: str, kind: str) -> FormField:
        fields = self.forms[-1].fields
        return fields.setdefault(name, FormField(name=name, kind=kind))

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            method = (attrs.get("method") or "get").lower()
            self.forms.append(PageForm(action=attrs.get("action") or "", method=method))
            return
        if not self.forms or not attrs.get("name"):
            if tag == "option" and self._select is not None:
                self._option(attrs)
            return
        name = attrs["name"]
        if tag == "input":
            kind = (attrs.get("type") or "text").lower()
            if kind in {"submit", "button", "image", "reset"}:
                return
            found = self._field(name, kind)
            if kind in {"radio", "checkbox"}:
                found.options.append(attrs.get("value", "on"))
                if "checked" in attrs:
                    found.chosen.append(attrs.get("value", "on"))
            else:
                found.value = attrs.get("value") or ""
        elif tag == "select":
            self._select = self._field(name, "select")
        elif tag == "textarea":
            self._textarea = self._field(name, "textarea")
        elif tag == "option" and self._select is not None:
            self._option(attrs)

    def _option(self, attrs):
        value = attrs.get("value") or ""
        self._select.options.append(value)
        if "selected" in attrs:
            self._select.chosen.append(value)

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data


def page_forms(html: str) -> list[PageForm]:
    parser = _FormParser()
    parser.feed(html)
    return parser.forms
