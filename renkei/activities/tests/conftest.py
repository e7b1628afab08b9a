"""Shared fixtures: the demo data with its activities."""

import pytest

from renkei.activities.demo import activities_demo_load
from renkei.activities.models import Activity
from renkei.partnerships.demo import partnerships_demo_load
from renkei.places.demo import demo_load
from renkei.programmes.demo import programmes_demo_load


@pytest.fixture
def demo():
    demo_load()
    programmes_demo_load()
    partnerships_demo_load()
    activities_demo_load()


@pytest.fixture
def deep_dive(demo):
    return Activity.objects.get(slug="toyama-technical-deep-dive-2016")


@pytest.fixture
def toyama_focal_point(demo):
    from renkei.accounts.models import Role
    from renkei.accounts.tests.factories import UserFactory
    from renkei.places.models import Place

    return UserFactory(username="toyama-fp", roles=[Role.FOCAL_POINT], places=[Place.objects.get(slug="toyama")])
