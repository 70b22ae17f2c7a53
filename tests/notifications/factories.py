import datetime

import factory
from django.utils import timezone

from beneficiaries.models import Consent
from soli_dome.notifications.models import Notification
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.users.factories import UserFactory


class NotificationFactory(factory.django.DjangoModelFactory):
    kind = Notification.Kind.SESSION_REMINDER
    channel = Notification.Channel.SMS
    # A staff member: the send-time checks of beneficiaries' reminders are tested with them.
    recipient = factory.SubFactory(UserFactory, accompanier=True)
    address = factory.Sequence(lambda n: f"+336{n:08d}")
    body = "Soli'dome : rappel de votre rendez-vous le 12/03 a 14:30."
    due_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(minutes=1))
    idempotency_key = factory.Sequence(lambda n: f"test:{n}")

    class Meta:
        model = Notification

    class Params:
        email = factory.Trait(
            channel=Notification.Channel.EMAIL,
            address=factory.Sequence(lambda n: f"personne{n}@example.org"),
            subject="Soli'dôme : rappel de votre rendez-vous",
        )
        failed = factory.Trait(status=Notification.Status.FAILED, last_error="HTTP 400: numéro")
        sent = factory.Trait(
            status=Notification.Status.SENT, sent_at=factory.LazyFunction(timezone.now)
        )


def reachable(beneficiary=None, **kwargs):
    """A beneficiary who consented to reminders (by SMS unless told otherwise)."""
    beneficiary = beneficiary or BeneficiaryFactory(**kwargs)
    Consent.objects.create(
        beneficiary=beneficiary,
        kind=Consent.Kind.REMINDERS,
        recorded_by=UserFactory(accompanier=True),
    )
    return beneficiary
