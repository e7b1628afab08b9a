"""Shared fixtures: the demo data with its partnerships."""

import pytest


@pytest.fixture
def demo(partnerships_demo):
    """The demo places, programmes and partnerships (``partnerships_demo`` in the top-level conftest)."""
