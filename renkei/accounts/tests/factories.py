import factory

from renkei.accounts.models import PlaceRepresentation, RoleGrant, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "pw-Renkei-123")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or []:
            RoleGrant.objects.create(user=self, role=role)
        if extracted:
            self.save()

    @factory.post_generation
    def places(self, create, extracted, **kwargs):
        for place in extracted or []:
            PlaceRepresentation.objects.create(user=self, place=place)
