import datetime

import factory
from django.utils import timezone

from beneficiaries.models import Assignment, Beneficiary, Commune
from tests.users.factories import UserFactory


class BeneficiaryFactory(factory.django.DjangoModelFactory):
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    birth_date = factory.LazyFunction(
        lambda: timezone.localdate() - datetime.timedelta(days=20 * 365)
    )
    phone = factory.Sequence(lambda n: f"+336{n:08d}")
    # In the programme for a while: a never-contacted file counts as late (see
    # ``without_contact_condition``); tests of new files set ``entry_date`` themselves.
    entry_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=90))
    status = Beneficiary.Status.ACTIVE
    commune = factory.LazyFunction(lambda: Commune.objects.get(insee_code="63113"))

    class Meta:
        model = Beneficiary
        skip_postgeneration_save = True

    class Params:
        with_account = factory.Trait(user=factory.SubFactory(UserFactory, beneficiary=True))

    @factory.post_generation
    def accompanied_by(self, create, accompanier, **kwargs):
        if create and accompanier is not None:
            Assignment.objects.create(beneficiary=self, accompanier=accompanier, is_primary=True)
