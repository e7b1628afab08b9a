"""Shared fixtures: the demo partnerships, published by JICA."""

import pytest

from renkei.accounts.permissions import SYSTEM
from renkei.iati.services import settings_update

IDENTIFIER = "XM-DAC-701-8"


@pytest.fixture
def demo(partnerships_demo):
    """The demo places, programmes and partnerships (``partnerships_demo`` in the top-level conftest)."""


@pytest.fixture
def publishing(db, demo):
    """JICA reports, with its IATI identifier and the site's address."""
    return settings_update(actor=SYSTEM, data={"reporting_organisation": "jica", "organisation_identifier": IDENTIFIER,
                                               "site_address": "https://renkei.example.org"})
