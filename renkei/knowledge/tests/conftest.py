import pytest

from renkei.knowledge.search import catalogue


@pytest.fixture(autouse=True)
def hashing_encoder(settings):
    """The model-free encoder, unless a test asks for the real one; a fresh catalogue each test."""
    settings.RENKEI_EMBEDDER = "hashing"
    catalogue.forget()
    yield
    catalogue.forget()


@pytest.fixture
def real_encoder(settings):
    settings.RENKEI_EMBEDDER = "usem"
    catalogue.forget()
    yield
    catalogue.forget()
