"""Two sign-ups at the same moment never exceed a workshop's capacity (PostgreSQL row locks)."""

import threading

import pytest
from django.db import connection

from accompaniment.models import Registration
from accompaniment.services.workshops import register, unregister
from tests.accompaniment.factories import RegistrationFactory, WorkshopFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_rows"),
    pytest.mark.services,
]


def run_together(*calls):
    """Run the calls in threads released at the same instant; each uses its own connection."""
    barrier = threading.Barrier(len(calls))
    errors = []

    def run(call):
        try:
            barrier.wait()
            call()
        except Exception as error:  # reported to the test below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


def test_simultaneous_sign_ups_for_the_last_place(requires_postgresql, accompanier, beneficiary_of):
    workshop = WorkshopFactory(capacity=3)
    for _ in range(2):
        RegistrationFactory(workshop=workshop, beneficiary=beneficiary_of(accompanier))
    people = [beneficiary_of(accompanier) for _ in range(6)]

    run_together(
        *[lambda b=b: register(workshop=workshop, beneficiary=b, by=accompanier) for b in people]
    )

    statuses = list(workshop.registrations.values_list("status", flat=True))
    assert statuses.count(Registration.Status.REGISTERED) == 3
    assert statuses.count(Registration.Status.WAITING) == 5


def test_simultaneous_unregistrations_promote_each_waiting_person_once(
    requires_postgresql, accompanier, beneficiary_of
):
    workshop = WorkshopFactory(capacity=2)
    leaving = [
        RegistrationFactory(workshop=workshop, beneficiary=beneficiary_of(accompanier))
        for _ in range(2)
    ]
    for _ in range(3):
        RegistrationFactory(
            workshop=workshop,
            beneficiary=beneficiary_of(accompanier),
            status=Registration.Status.WAITING,
        )

    run_together(*[lambda r=r: unregister(registration=r, by=accompanier) for r in leaving])

    statuses = list(workshop.registrations.values_list("status", flat=True))
    assert statuses == [
        Registration.Status.CANCELLED,
        Registration.Status.CANCELLED,
        Registration.Status.REGISTERED,
        Registration.Status.REGISTERED,
        Registration.Status.WAITING,
    ]
