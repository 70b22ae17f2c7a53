import datetime

import factory
from django.utils import timezone

from partners.models import (
    Category,
    Closure,
    Contact,
    Partner,
    PartnershipEvent,
    ServiceTag,
)


class PartnerFactory(factory.django.DjangoModelFactory):
    """A listing checked today, in the first category (the data migration loads them)."""

    name = factory.Sequence(lambda n: f"Acteur n°{n}")
    address = factory.Sequence(lambda n: f"{n} rue du Port")
    postal_code = "63000"
    commune = None
    last_checked_on = factory.LazyFunction(timezone.localdate)
    partnership_status = Partner.PartnershipStatus.ACTIVE

    class Meta:
        model = Partner
        skip_postgeneration_save = True

    class Params:
        archived = factory.Trait(is_archived=True)
        never_checked = factory.Trait(last_checked_on=None)

    @factory.post_generation
    def categories(self, create, categories, **kwargs):
        if create:
            self.categories.set(categories or [Category.objects.order_by("position").first()])

    @factory.post_generation
    def services(self, create, services, **kwargs):
        if create and services:
            self.services.set(services)


class ContactFactory(factory.django.DjangoModelFactory):
    partner = factory.SubFactory(PartnerFactory)
    name = factory.Faker("name", locale="fr_FR")
    role = "Coordinatrice"
    email = factory.Sequence(lambda n: f"contact{n}@example.org")

    class Meta:
        model = Contact


class ClosureFactory(factory.django.DjangoModelFactory):
    """A closure going on today, for a week."""

    partner = factory.SubFactory(PartnerFactory)
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=1))
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=6))
    reason = "Congés"

    class Meta:
        model = Closure


class PartnershipEventFactory(factory.django.DjangoModelFactory):
    partner = factory.SubFactory(PartnerFactory)
    kind = PartnershipEvent.Kind.MEETING
    summary = "Rencontre de présentation du programme."

    class Meta:
        model = PartnershipEvent


def service(name):
    return ServiceTag.objects.get(name=name)


def category(name):
    return Category.objects.get(name=name)
