"""The labelled set for judging search quality (relevance.py) and its metrics."""

import pytest

from renkei.knowledge.tests import relevance


def test_metrics_by_hand():
    labels = {"a": 2, "b": 1, "c": 1}
    assert relevance.ndcg(["a", "b", "c"], labels) == pytest.approx(1.0)
    assert relevance.ndcg([], labels) == 0.0
    # b first, a second: (1 + 3/log2 3 + 1/2) / (3 + 1/log2 3 + 1/2)
    assert relevance.ndcg(["b", "a", "c"], labels) == pytest.approx((1 + 3 / 1.58496 + 0.5) / (3 + 1 / 1.58496 + 0.5),
                                                                     rel=1e-4)
    assert relevance.recall(["x", "c"], labels) == pytest.approx(1 / 3)
    assert relevance.reciprocal_rank(["x", "y", "b"], labels) == pytest.approx(1 / 3)
    assert relevance.reciprocal_rank(["x"], labels) == 0.0


def test_the_labels_name_products_of_the_corpus():
    relevance.check_labels()
    assert 40 <= len(relevance.CORPUS) <= 60
    assert 25 <= len(relevance.QUERIES) <= 40
    languages = {d.languages for d in relevance.CORPUS}
    assert {frozenset({"en"}), frozenset({"ja"}), frozenset({"en", "ja"})} <= languages
