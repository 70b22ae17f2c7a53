"""Every main page in a bounded number of queries: at most ``BUDGET``, and the same number
when the programme holds ten times more of everything (files, sessions, goals, referrals,
supports, partners, workshops, messages, journal entries)."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accompaniment.models import DataExport, Moment
from accompaniment.models.calendar import CalendarFeed
from partners.models import Category
from soli_dome.audit.models import AuditEntry, record
from tests.accompaniment.factories import (
    FoodInsecurityAssessmentFactory,
    GoalFactory,
    NoteFactory,
    PracticesCheckInFactory,
    ReferralFactory,
    RegistrationFactory,
    SessionFactory,
    StepFactory,
    SupportFactory,
    WorkshopFactory,
)
from tests.accompaniment.test_choosers import form_pages as chooser_form_pages
from tests.notifications.factories import NotificationFactory
from tests.partners.factories import PartnerFactory, PartnershipEventFactory

pytestmark = pytest.mark.django_db

BUDGET = 15
# "My data" shows everything the programme keeps about the person: one query per kind of data,
# whatever the quantity of each.
OWN_BUDGETS = {
    "beneficiary: portal data": 26,
    "beneficiary: portal data, printed": 26,
    "beneficiary: portal data, ZIP": 26,
}
# The statistics and the funder report: one grouped query per table of figures, whatever the
# size of the programme.
OWN_BUDGETS |= {"coordinator: statistics": 22, "coordinator: funder report": 22}
HTMX = {"HTTP_HX_REQUEST": "true"}


def at(days, hour=10):
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def add_programme(count, *, accompanier, coordinator, person, beneficiary_of):
    """``count`` more of everything, around ``accompanier`` and the file ``person``."""
    for index in range(count):
        partner = PartnerFactory(
            latitude=Decimal("45.77"), longitude=Decimal("3.08"), may_be_recommended=True
        )
        PartnershipEventFactory(partner=partner)
        others = [person, *(beneficiary_of(accompanier, last_name="Martin") for _ in range(2))]
        for beneficiary in others:
            SessionFactory(accompanier=accompanier, participants=[beneficiary], held=True)
            SessionFactory(
                accompanier=accompanier, participants=[beneficiary], starts_at=at(1 + index % 5)
            )
            SessionFactory(
                accompanier=accompanier, participants=[beneficiary], starts_at=at(-2 - index)
            )
            goal = GoalFactory(beneficiary=beneficiary, target_date=at(3).date())
            StepFactory(goal=goal, due_date=at(2).date())
            ReferralFactory(beneficiary=beneficiary, partner=partner, created_by=accompanier)
            SupportFactory(beneficiary=beneficiary, doume=index % 2 == 0, recorded_by=accompanier)
            FoodInsecurityAssessmentFactory(
                beneficiary=beneficiary, moment=Moment.DURING, score=index % 9
            )
            PracticesCheckInFactory(beneficiary=beneficiary, moment=Moment.DURING)
            DataExport.objects.create(
                kind="aides", file_format="csv", requested_by=accompanier, row_count=1
            )
            NoteFactory(beneficiary=beneficiary, author=accompanier)
            NotificationFactory(recipient=beneficiary)
            record(actor=coordinator, action=AuditEntry.Action.READ, target=beneficiary)
        workshop = WorkshopFactory(organiser=accompanier, host=partner, starts_at=at(3 + index))
        RegistrationFactory(workshop=workshop, beneficiary=person)


def form_pages(person, session, workshop):
    """The forms that choose a partner or a person among all of them, and the choosers'
    endpoints."""
    return {
        **chooser_form_pages(person=person, workshop=workshop, session=session),
        "partner chooser": reverse("partners:partner_chooser") + "?q=epicerie",
        "people chooser": reverse("beneficiaries:beneficiary_chooser") + "?q=martin",
    }


def pages(person, feed, session, workshop):
    forms = form_pages(person, session, workshop)
    addresses = reverse("accompaniment:portal_addresses")
    file_pages = {
        "file page": person.get_absolute_url(),
        "latest events": reverse("accompaniment:timeline_recent", args=[person.pk]),
        "file outcomes": reverse("accompaniment:file_outcomes", args=[person.pk]),
        "file history": reverse("accompaniment:plan_timeline", args=[person.pk]),
        "file journal": reverse("beneficiaries:beneficiary_access_log", args=[person.pk]),
    }
    return {
        "accompanier": {
            "dashboard": reverse("accompaniment:dashboard"),
            "beneficiary list": reverse("beneficiaries:beneficiary_list"),
            "beneficiary list, searched": reverse("beneficiaries:beneficiary_list") + "?q=martin",
            **{name: url for name, url in file_pages.items() if name != "file journal"},
            "session list": reverse("accompaniment:session_list"),
            "session list, page 2": reverse("accompaniment:session_list") + "?page=2",
            "calendar week": reverse("accompaniment:calendar_week"),
            "calendar month": reverse("accompaniment:calendar_month"),
            "workshops": reverse("accompaniment:workshop_list"),
            "partner search": reverse("partners:partner_list") + "?q=epicerie",
            "partner map": reverse("partners:partner_map"),
            "partner markers": reverse("partners:partner_markers"),
            "exports": reverse("accompaniment:export_list"),
            **forms,
        },
        "coordinator": {
            "dashboard": reverse("accompaniment:dashboard"),
            "beneficiary list, filtered": reverse("beneficiaries:beneficiary_list")
            + "?status=active",
            "file journal": file_pages["file journal"],
            "follow-up": reverse("beneficiaries:follow_up"),
            "network view": reverse("accompaniment:network_overview"),
            "statistics": reverse("accompaniment:statistics"),
            "funder report": reverse("accompaniment:statistics_report"),
            "outbox page": reverse("notifications:notification_list"),
            "access journal": reverse("audit:journal"),
            "access journal, one file": reverse("audit:journal") + f"?dossier={person.pk}",
            "session list, programme": reverse("accompaniment:session_list") + "?accompanier=",
            "end of retention": reverse("accompaniment:retention_list"),
            "outcome statistics": reverse("accompaniment:statistics_outcomes"),
            "exports journal": reverse("accompaniment:export_list"),
            "research export": reverse("accompaniment:research_export"),
            **{f"{name}, programme": forms[name] for name in ("session form", "workshop sign-up")},
            "people chooser, programme": forms["people chooser"],
        },
        "beneficiary": {
            "portal home": reverse("accompaniment:portal_home"),
            "portal plan": reverse("accompaniment:portal_plan"),
            "portal appointments": reverse("accompaniment:portal_appointments"),
            "portal workshops": reverse("accompaniment:portal_workshops"),
            "portal addresses": addresses,
            "portal addresses, page 2": addresses + "?page=2",
            "portal addresses, filtered": f"{addresses}?category={Category.objects.first().pk}"
            f"&commune={person.commune_id}",
            "portal data": reverse("accompaniment:portal_data"),
            "portal data, printed": reverse("accompaniment:portal_data_print"),
            "portal data, ZIP": reverse("accompaniment:portal_data_zip"),
            "portal who sees my file": reverse("accompaniment:portal_file_access"),
            "portal calendar link": reverse("accompaniment:portal_calendar"),
            "portal check-in": reverse("accompaniment:portal_check_in"),
        },
        "anonymous": {
            "calendar feed": reverse("accompaniment:calendar_feed", args=[feed.token]),
            "person's calendar feed": reverse(
                "accompaniment:portal_calendar_feed",
                args=[CalendarFeed.objects.get_or_create(user=person.user)[0].token],
            ),
        },
    }


def count_queries(clients, urls):
    counts = {}
    for role, role_pages in urls.items():
        for name, url in role_pages.items():
            clients[role].get(url, **HTMX)  # caches warmed (content types, sessions)
            with CaptureQueriesContext(connection) as captured:
                response = clients[role].get(url, **HTMX)
            assert response.status_code == 200, (role, name, response.status_code)
            counts[f"{role}: {name}"] = len(captured)
    return counts


def test_main_pages_stay_within_the_budget_with_ten_times_more_data(
    client_factory, accompanier, coordinator, beneficiary_of
):
    person = beneficiary_of(accompanier, with_account=True, last_name="Martin")
    feed = CalendarFeed.objects.create(user=accompanier)
    clients = {role: client_factory() for role in ("accompanier", "coordinator", "beneficiary")}
    clients["accompanier"].force_login(accompanier)
    clients["coordinator"].force_login(coordinator)
    clients["beneficiary"].force_login(person.user)
    clients["anonymous"] = client_factory()
    session = SessionFactory(accompanier=accompanier, participants=[person])
    workshop = WorkshopFactory(organiser=accompanier, starts_at=at(20))
    urls = pages(person, feed, session, workshop)

    people = {"accompanier": accompanier, "coordinator": coordinator, "person": person}
    add_programme(1, **people, beneficiary_of=beneficiary_of)
    few = count_queries(clients, urls)
    add_programme(9, **people, beneficiary_of=beneficiary_of)
    many = count_queries(clients, urls)

    over_budget = {
        page: count for page, count in many.items() if count > OWN_BUDGETS.get(page, BUDGET)
    }
    grown = {page: (few[page], many[page]) for page in few if few[page] != many[page]}
    assert (over_budget, grown) == ({}, {})


@pytest.fixture
def client_factory():
    from django.test import Client

    return Client
