import factory

from renkei.places.models import Contact, Expertise, Need, Organisation, Place, Theme
from renkei.places.reading import reading_of


class PlaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Place

    name_en = factory.Sequence(lambda n: f"Town {n}")
    name_ja = ""
    name_ja_reading = factory.LazyAttribute(lambda place: reading_of(place.name_ja))  # as the services make it
    slug = factory.Sequence(lambda n: f"town-{n}")
    country = "JP"
    level = "city"
    population = 100_000
    latitude = 35.0
    longitude = 135.0
    summary = factory.LazyFunction(lambda: {"en": "A town.", "ja": "町です。"})
    is_published = True


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name_en = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")
    org_type = "10"
    country = "JP"


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    name = factory.Sequence(lambda n: f"Person {n}")
    title = "Director"
    email = factory.Sequence(lambda n: f"person{n}@city.example.jp")
    phone = "+81 3 0000 0000"
    public_consent = True


def theme(code: str | None = None) -> Theme:
    """A theme from the shipped taxonomy (loaded by migration into every test database)."""
    qs = Theme.objects.all()
    return qs.get(code=code) if code else qs.order_by("position").last()


class NeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Need

    place = factory.SubFactory(PlaceFactory)
    theme = factory.LazyFunction(theme)
    priority = 3
    description = factory.LazyFunction(lambda: {"en": "We need help."})


class ExpertiseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Expertise

    place = factory.SubFactory(PlaceFactory)
    theme = factory.LazyFunction(theme)
    maturity = 4
    description = factory.LazyFunction(lambda: {"en": "We can help."})
