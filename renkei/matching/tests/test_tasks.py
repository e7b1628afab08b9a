"""Matching's background tasks: a place deleted after its embedding was queued ends the task quietly."""

import logging

import pytest

from renkei.core.tests.tasks import run_quietly
from renkei.matching import tasks
from renkei.matching.models import TextEmbedding
from renkei.places.models import Place
from renkei.places.tests.factories import NeedFactory

pytestmark = pytest.mark.django_db


def test_embedding_a_place_embeds_its_new_texts(place, hashing_embedder):
    NeedFactory(place=place, description={"en": "Reduce non-revenue water"})
    assert tasks.refresh_place_embeddings.call(place.pk) == 1
    assert TextEmbedding.objects.count() == 1


def test_embedding_a_place_deleted_before_the_task_ran_ends_quietly(place, hashing_embedder, caplog):
    NeedFactory(place=place, description={"en": "Reduce non-revenue water"})
    pk = place.pk
    Place.objects.filter(pk=pk).delete()
    assert run_quietly(caplog, "renkei.matching.tasks", lambda: tasks.refresh_place_embeddings.call(pk)) == (
        0, [(logging.INFO, f"refresh_place_embeddings: place {pk} no longer exists; nothing to embed")])
    assert TextEmbedding.objects.count() == 0
