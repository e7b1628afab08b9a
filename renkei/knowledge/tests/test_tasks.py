"""The library's background tasks run some time after they were queued: a product or an index job
deleted meanwhile ends the task quietly (logged), and never leaves a search document behind."""

import logging

import pytest
from django.db import connection

from renkei.core.tests.tasks import run_quietly
from renkei.knowledge import tasks
from renkei.knowledge.models import IndexJob, Product, SearchDocument
from renkei.knowledge.search import indexing
from renkei.knowledge.tests.factories import product

pytestmark = pytest.mark.django_db


def test_indexing_a_product_deleted_before_the_task_ran_ends_quietly(caplog):
    gone = product(title="Water losses", slug="gone")
    pk = gone.pk
    Product.objects.filter(pk=pk).delete()
    assert run_quietly(caplog, "renkei.knowledge.tasks", lambda: tasks.index_product.call(pk)) == (
        0, [(logging.INFO, f"index_product: product {pk} no longer exists; nothing to index")])
    assert not SearchDocument.objects.filter(product_id=pk).exists()


def test_a_product_deleted_while_it_is_indexed_gets_no_document(monkeypatch):
    kept = product(title="Leak detection", slug="kept")
    gone = product(title="Water losses", slug="gone")
    SearchDocument.objects.all().delete()  # so both are embedded again
    model, embedder = indexing.encoder()

    class DeletingMeanwhile:
        """Embedding takes a while: the product is deleted (and committed) by someone else meanwhile."""

        dim = embedder.dim

        def encode(self, texts):
            Product.objects.filter(pk=gone.pk).delete()
            return embedder.encode(texts)

    monkeypatch.setattr(indexing, "encoder", lambda: (model, DeletingMeanwhile()))
    assert indexing.index_products([kept.pk, gone.pk]) == 1
    connection.check_constraints()  # what the commit checks: no document points at a missing product
    assert list(SearchDocument.objects.values_list("product_id", flat=True)) == [kept.pk]


def test_a_rebuild_whose_job_was_deleted_ends_quietly(caplog):
    job = IndexJob.objects.create()
    IndexJob.objects.filter(pk=job.pk).delete()
    with caplog.at_level(logging.INFO, logger="renkei.knowledge.tasks"):
        assert tasks.rebuild_index.call(job.pk) == 0
    assert f"rebuild_index: index job {job.pk} no longer exists; nothing to rebuild" in caplog.messages
