import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from accompaniment.models import (
    FoodInsecurityAssessment,
    Goal,
    Moment,
    Note,
    Participation,
    PracticesCheckIn,
    Referral,
    Registration,
    Session,
    Step,
    Support,
    Theme,
    Workshop,
)
from accompaniment.models.assessments import FIES_FIELDS
from accompaniment.models.referrals import new_token
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.users.factories import UserFactory


class ThemeFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Thème {n}")

    class Meta:
        model = Theme
        django_get_or_create = ["name"]


class GoalFactory(factory.django.DjangoModelFactory):
    beneficiary = factory.SubFactory(BeneficiaryFactory)
    theme = factory.SubFactory(ThemeFactory)
    title = factory.Sequence(lambda n: f"Objectif {n}")
    created_by = factory.SubFactory(UserFactory, accompanier=True)

    class Meta:
        model = Goal

    class Params:
        achieved = factory.Trait(
            status=Goal.Status.ACHIEVED, closed_on=factory.LazyFunction(timezone.localdate)
        )


class StepFactory(factory.django.DjangoModelFactory):
    goal = factory.SubFactory(GoalFactory)
    title = factory.Sequence(lambda n: f"Action {n}")

    class Meta:
        model = Step

    class Params:
        done = factory.Trait(is_done=True, done_on=factory.LazyFunction(timezone.localdate))


class SessionFactory(factory.django.DjangoModelFactory):
    """A session; ``participants=[beneficiary, …]`` adds them as expected participants."""

    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=2))
    accompanier = factory.SubFactory(UserFactory, accompanier=True)
    place = "Local Soli'dôme, Clermont-Ferrand"

    class Meta:
        model = Session
        skip_postgeneration_save = True

    class Params:
        held = factory.Trait(
            status=Session.Status.HELD,
            starts_at=factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=2)),
        )
        cancelled = factory.Trait(status=Session.Status.CANCELLED)

    @factory.post_generation
    def participants(self, create, beneficiaries, **kwargs):
        if create and beneficiaries:
            attendance = (
                Participation.Attendance.PRESENT
                if self.status == Session.Status.HELD
                else Participation.Attendance.EXPECTED
            )
            for beneficiary in beneficiaries:
                Participation.objects.create(
                    session=self, beneficiary=beneficiary, attendance=attendance
                )


class WorkshopFactory(factory.django.DjangoModelFactory):
    title = factory.Sequence(lambda n: f"Atelier cuisine {n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7))
    place = "Cuisine partagée, Clermont-Ferrand"
    capacity = 8
    organiser = factory.SubFactory(UserFactory, accompanier=True)

    class Meta:
        model = Workshop


class RegistrationFactory(factory.django.DjangoModelFactory):
    workshop = factory.SubFactory(WorkshopFactory)
    beneficiary = factory.SubFactory(BeneficiaryFactory)
    status = Registration.Status.REGISTERED

    class Meta:
        model = Registration


class NoteFactory(factory.django.DjangoModelFactory):
    beneficiary = factory.SubFactory(BeneficiaryFactory)
    author = factory.SubFactory(UserFactory, accompanier=True)
    text = "Appel pour préparer le prochain rendez-vous."

    class Meta:
        model = Note


class SupportFactory(factory.django.DjangoModelFactory):
    """A food basket; ``doume=True`` makes it a Doume social bonus on 40 € converted."""

    beneficiary = factory.SubFactory(BeneficiaryFactory)
    kind = Support.Kind.FOOD_BASKET
    amount = Decimal(10)
    recorded_by = factory.SubFactory(UserFactory, accompanier=True)

    class Meta:
        model = Support

    class Params:
        doume = factory.Trait(
            kind=Support.Kind.DOUME_BONUS, euros_converted=Decimal(40), amount=None
        )


class ReferralFactory(factory.django.DjangoModelFactory):
    """A referral sent to a partner three days ago, waiting for an answer."""

    beneficiary = factory.SubFactory(BeneficiaryFactory)
    partner = factory.SubFactory("tests.partners.factories.PartnerFactory")
    created_by = factory.SubFactory(UserFactory, accompanier=True)
    message = "Besoin d'un accès à l'épicerie solidaire."
    token = factory.LazyFunction(new_token)
    sent_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=3))
    expires_at = factory.LazyAttribute(
        lambda referral: referral.sent_at + datetime.timedelta(days=30)
    )

    class Meta:
        model = Referral


class FoodInsecurityAssessmentFactory(factory.django.DjangoModelFactory):
    """A FIES questionnaire; ``score=n`` answers "yes" to the first ``n`` questions."""

    beneficiary = factory.SubFactory(BeneficiaryFactory)
    moment = Moment.ENTRY
    recorded_by = factory.SubFactory(UserFactory, accompanier=True)

    class Meta:
        model = FoodInsecurityAssessment

    @classmethod
    def _create(cls, model_class, *args, score=None, **kwargs):
        if score is not None:
            kwargs.update({name: index < score for index, name in enumerate(FIES_FIELDS)})
        return super()._create(model_class, *args, **kwargs)


class PracticesCheckInFactory(factory.django.DjangoModelFactory):
    beneficiary = factory.SubFactory(BeneficiaryFactory)
    moment = Moment.ENTRY
    recorded_by = factory.SubFactory(UserFactory, accompanier=True)
    home_cooking = 2
    fresh_seasonal = 2
    local_products = 1
    skipped_meals = 4
    cooking_confidence = 2
    doume_use = 1

    class Meta:
        model = PracticesCheckIn
