"""Search quality on the labelled set (relevance.py), with the real multilingual encoder: hybrid
ranking must do at least as well as full text alone and the embedding alone, stay above a floor,
and find the products of cross-lingual queries. Figures: docs/benchmarks.md."""

import json

import pytest

from renkei.knowledge.tests import relevance
from renkei.knowledge.tests.factories import committed

pytestmark = pytest.mark.django_db(transaction=False)

# Measured on both backends (docs/benchmarks.md) minus a margin; a drop below means a regression.
HYBRID_FLOOR = 0.80


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


def test_hybrid_ranking_beats_either_signal_alone(real_encoder, anonymous):
    relevance.load_corpus(lambda data: committed(_create, data))
    scores = relevance.evaluate(relevance.search_ranker(anonymous))
    figures = {mode: s.as_dict() for mode, s in scores.items()}
    print(json.dumps(figures))
    hybrid = scores["hybrid"].ndcg
    assert hybrid >= scores["fulltext"].ndcg, figures
    assert hybrid >= scores["semantic"].ndcg, figures
    assert hybrid >= HYBRID_FLOOR, figures
    missed = {q.text: [s for s in relevance.other_language_targets(q) if s not in scores["hybrid"].rankings[q.text]]
              for q in relevance.QUERIES if q.crosslingual}
    assert not any(missed.values()), {q: m for q, m in missed.items() if m}


def _create(data):
    from renkei.accounts.permissions import SYSTEM
    from renkei.knowledge import services

    return services.product_create(actor=SYSTEM, data=data)
