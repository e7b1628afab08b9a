"""Shared fixtures: the demo data with its activities."""

import pytest

from renkei.activities.models import Activity


@pytest.fixture
def demo(activities_demo):
    """The demo data with its activities (``activities_demo`` in the top-level conftest)."""


@pytest.fixture
def deep_dive(demo):
    return Activity.objects.get(slug="toyama-technical-deep-dive-2016")


@pytest.fixture
def toyama_focal_point(demo):
    from renkei.accounts.models import Role
    from renkei.accounts.tests.factories import UserFactory
    from renkei.places.models import Place

    return UserFactory(username="toyama-fp", roles=[Role.FOCAL_POINT], places=[Place.objects.get(slug="toyama")])
