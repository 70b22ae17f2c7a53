"""A small programme whose every figure is counted by hand, over January–March 2026.

People (public at the end of March 2026; A, B with ``follower``, C, D with ``other``):

    A young,  Clermont-Ferrand, entered 10/12/2025, still followed, lives alone
    B young,  Clermont-Ferrand, entered 05/02/2026, left 20/03/2026 (moved)
    C senior, Cournon-d'Auvergne, entered 15/01/2026, still followed
    D senior, outside the métropole, entered 01/03/2026, left 02/03/2026 (goals reached)
    E young, first contact only (entered 01/02/2026)
    F young, left before the period (31/12/2025)
"""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from accompaniment.models import Participation, Referral, Registration, Session, Support, Workshop
from accompaniment.reporting.statistics import MonthPeriod
from beneficiaries.models import Beneficiary, Commune
from partners.models import Category
from tests.accompaniment.factories import (
    ReferralFactory,
    RegistrationFactory,
    SessionFactory,
    SupportFactory,
    WorkshopFactory,
)
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.partners.factories import PartnerFactory
from tests.users.factories import UserFactory

PERIOD = MonthPeriod(datetime.date(2026, 1, 1), datetime.date(2026, 3, 1))
QUERY = {"start": "2026-01", "end": "2026-03"}
YOUNG, SENIOR = datetime.date(2006, 6, 1), datetime.date(1950, 6, 1)


def at(year, month, day, hour=10):
    day = datetime.date(year, month, day)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture
def programme(db):
    follower = UserFactory(accompanier=True, first_name="Gaspard", last_name="Lenoir")
    other = UserFactory(accompanier=True, first_name="Berthe", last_name="Chantemesse")
    clermont = Commune.objects.get(insee_code="63113")
    cournon = Commune.objects.get(insee_code="63124")
    S, R = Beneficiary.Status, Beneficiary.ExitReason

    def person(first, last, birth, commune, entry, accompanier, **more):
        return BeneficiaryFactory(
            first_name=first,
            last_name=last,
            birth_date=birth,
            commune=commune,
            entry_date=entry,
            accompanied_by=accompanier,
            **more,
        )

    a = person(
        "Anatole",
        "Quenouille",
        YOUNG,
        clermont,
        datetime.date(2025, 12, 10),
        follower,
        household=Beneficiary.Household.ALONE,
    )
    b = person(
        "Bérénice",
        "Framboisier",
        YOUNG,
        clermont,
        datetime.date(2026, 2, 5),
        follower,
        status=S.CLOSED,
        exit_date=datetime.date(2026, 3, 20),
        exit_reason=R.MOVED,
    )
    c = person("Casimir", "Tournesol", SENIOR, cournon, datetime.date(2026, 1, 15), other)
    d = person(
        "Dorothée",
        "Pimprenelle",
        SENIOR,
        None,
        datetime.date(2026, 3, 1),
        other,
        status=S.CLOSED,
        exit_date=datetime.date(2026, 3, 2),
        exit_reason=R.GOALS_REACHED,
    )
    e = person(
        "Eulalie",
        "Saperlipopette",
        YOUNG,
        clermont,
        datetime.date(2026, 2, 1),
        follower,
        status=S.PROSPECT,
    )
    person(
        "Fulbert",
        "Grenadine",
        YOUNG,
        clermont,
        datetime.date(2025, 1, 1),
        follower,
        status=S.CLOSED,
        exit_date=datetime.date(2025, 12, 31),
        exit_reason=R.OTHER,
    )

    M = Session.Modality
    SessionFactory(
        held=True,
        starts_at=at(2026, 1, 12),
        modality=M.IN_PERSON,
        duration_minutes=60,
        accompanier=follower,
        participants=[a],
    )
    SessionFactory(
        held=True,
        starts_at=at(2026, 2, 3),
        modality=M.PHONE,
        duration_minutes=30,
        accompanier=other,
        participants=[c],
    )
    SessionFactory(
        held=True,
        starts_at=at(2026, 2, 20),
        modality=M.IN_PERSON,
        duration_minutes=90,
        accompanier=follower,
        participants=[a, b],
    )
    SessionFactory(cancelled=True, starts_at=at(2026, 3, 5), accompanier=follower, participants=[a])
    SessionFactory(
        held=True,
        starts_at=at(2026, 3, 1, 9),
        modality=M.VIDEO,
        duration_minutes=40,
        accompanier=other,
        participants=[d],
    )
    SessionFactory(held=True, starts_at=at(2025, 12, 15), accompanier=follower, participants=[a])

    # A workshop in February: two places taken, one on the waiting list; A came, C did not.
    workshop = WorkshopFactory(
        starts_at=at(2026, 2, 10, 14), status=Workshop.Status.HELD, organiser=follower
    )
    RegistrationFactory(workshop=workshop, beneficiary=a)
    RegistrationFactory(workshop=workshop, beneficiary=b, status=Registration.Status.WAITING)
    RegistrationFactory(workshop=workshop, beneficiary=c)
    RegistrationFactory(workshop=workshop, beneficiary=e, status=Registration.Status.CANCELLED)
    session = SessionFactory(
        held=True,
        starts_at=workshop.starts_at,
        workshop=workshop,
        kind=Session.Kind.COLLECTIVE,
        modality=M.OUTING,
        duration_minutes=120,
        accompanier=follower,
    )
    Participation.objects.create(
        session=session, beneficiary=a, attendance=Participation.Attendance.PRESENT
    )
    Participation.objects.create(
        session=session, beneficiary=c, attendance=Participation.Attendance.ABSENT
    )
    cancelled = WorkshopFactory(
        starts_at=at(2026, 3, 10), status=Workshop.Status.CANCELLED, organiser=follower
    )
    RegistrationFactory(workshop=cancelled, beneficiary=d)

    first, second = Category.objects.order_by("position")[:2]
    one_kind = PartnerFactory(categories=[first])
    two_kinds = PartnerFactory(categories=[first, second])
    St = Referral.Status
    ReferralFactory(beneficiary=a, partner=one_kind, sent_at=at(2026, 1, 20), status=St.ACCEPTED)
    ReferralFactory(
        beneficiary=b,
        partner=two_kinds,
        sent_at=at(2026, 2, 8),
        status=St.REFUSED,
        refusal_reason="Plus de place.",
    )
    ReferralFactory(beneficiary=c, partner=two_kinds, sent_at=at(2026, 3, 2), status=St.SENT)
    ReferralFactory(beneficiary=a, partner=one_kind, sent_at=at(2025, 11, 2), status=St.DONE)
    Referral.objects.create(
        direction=Referral.Direction.INBOUND,
        beneficiary=d,
        partner=one_kind,
        status=St.DONE,
        sent_at=at(2026, 3, 1),
        created_by=other,
    )

    SupportFactory(
        beneficiary=a,
        doume=True,
        euros_converted=Decimal(40),
        given_on=datetime.date(2026, 1, 5),
        bonus_rate=Decimal(15),
    )
    SupportFactory(
        beneficiary=c,
        doume=True,
        euros_converted=Decimal(20),
        given_on=datetime.date(2026, 2, 5),
        bonus_rate=Decimal(15),
    )
    SupportFactory(beneficiary=b, amount=Decimal(10), given_on=datetime.date(2026, 2, 6))
    SupportFactory(
        beneficiary=d,
        kind=Support.Kind.VOUCHER,
        amount=Decimal(25),
        given_on=datetime.date(2026, 3, 1),
    )
    SupportFactory(
        beneficiary=a, doume=True, euros_converted=Decimal(100), given_on=datetime.date(2025, 12, 5)
    )
    return {
        "follower": follower,
        "other": other,
        "people": [a, b, c, d, e],
        "categories": (first, second),
        "clermont": clermont,
    }
