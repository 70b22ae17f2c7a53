import factory

from soli_dome.users.models import User

PASSWORD = "un-mot-de-passe-solide"


class UserFactory(factory.django.DjangoModelFactory):
    email = factory.Sequence(lambda n: f"personne{n}@example.org")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    password = factory.django.Password(PASSWORD)

    class Meta:
        model = User
        skip_postgeneration_save = True

    class Params:
        coordinator = factory.Trait(role=User.Role.COORDINATOR)
        accompanier = factory.Trait(role=User.Role.ACCOMPANIER)
        beneficiary = factory.Trait(role=User.Role.BENEFICIARY)
