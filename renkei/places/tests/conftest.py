"""Fixtures the places tests share (those of every app are in the top-level conftest)."""

import pytest


@pytest.fixture
def boss(staff_client, superuser):
    """The superuser who works in the admin, signed in to the test client."""
    return superuser
