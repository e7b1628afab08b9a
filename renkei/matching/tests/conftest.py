"""Shared fixtures: the fast embedder with an index built afresh, and the demo places."""

import pytest

from renkei.core.tests.snapshot import load_once
from renkei.matching.fetch import forget_index
from renkei.places.demo import demo_load
from renkei.places.models import Place


@pytest.fixture
def hashing_embedder(settings):
    """The fast hashing embedder; the per-process index is built afresh for the test and forgotten after."""
    settings.RENKEI_EMBEDDER = "hashing"
    forget_index()
    yield
    forget_index()


@pytest.fixture
def kamaishi(db):
    """The demo places; Kamaishi among them."""
    load_once("places", demo_load)
    return Place.objects.get(slug="kamaishi")
