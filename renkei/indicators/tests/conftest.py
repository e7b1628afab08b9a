"""Shared fixtures: a few places with values of two shipped indicators."""

import pytest

from renkei.accounts.permissions import SYSTEM
from renkei.indicators import services
from renkei.indicators.models import Indicator
from renkei.places.tests.factories import PlaceFactory


@pytest.fixture
def pm25(db):
    """11.6.2, fine particulate matter (µg/m³, lower is better)."""
    return Indicator.objects.get(code="11.6.2")


@pytest.fixture
def transport(db):
    """11.2.1, access to public transport (percent, higher is better, by sex, age, disability)."""
    return Indicator.objects.get(code="11.2.1")


def record(place, indicator, year, value, **extra):
    return services.value_record(actor=SYSTEM, data={
        "place": place.slug, "indicator": indicator.code, "year": year, "value": value,
        "source": extra.pop("source", "City statistics"), **extra})


@pytest.fixture
def peers(db, place, pm25, transport):
    """Testville and six peers with PM2.5 values; Testville alone lacks a transport value."""
    towns = [PlaceFactory(slug=f"peer-{n}", name_en=f"Peer {n}") for n in range(6)]
    for town, value in zip(towns, [8.0, 10.0, 12.0, 12.0, 15.0, 20.0], strict=True):
        record(town, pm25, 2022, value)
        record(town, transport, 2022, 50.0 + value)
    record(place, pm25, 2021, 30.0)
    record(place, pm25, 2022, 12.0)
    return towns


@pytest.fixture
def indicators_demo(partnerships_demo):
    """The demo places, programmes and partnerships, with the demo's indicator values and peer groups."""
    from renkei.indicators.demo import indicators_demo_load

    indicators_demo_load()
