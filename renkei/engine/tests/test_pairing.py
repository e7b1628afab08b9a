"""Cohort pairing: optimality, capacities, stability, and the cohort API."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from renkei.engine.api import own_gain, pair, pair_cohort
from renkei.engine.index import MatchIndex
from renkei.engine.pairing import pair_greedy, pair_optimal, pair_stable, total
from renkei.engine.tests.fixtures import SMALL_WORLD, small_space
from renkei.engine.types import EngineError, UnknownPlace, Weights


def matrices(max_side=6):
    return st.tuples(st.integers(1, max_side), st.integers(1, max_side), st.integers(0, 10_000)).map(
        lambda t: np.round(np.random.default_rng(t[2]).random((t[0], t[1])), 2))  # rounding makes ties


def loads(pairs):
    a, b = {}, {}
    for p in pairs:
        a[p.a] = a.get(p.a, 0) + 1
        b[p.b] = b.get(p.b, 0) + 1
    return a, b


def brute_force(scores, k_a, k_b):
    """Best total over every set of pairs within the capacities (tiny matrices only)."""
    m, p = scores.shape
    cells = [(a, b) for a in range(m) for b in range(p)]
    best = 0.0
    for bits in range(1 << len(cells)):
        chosen = [cells[i] for i in range(len(cells)) if bits >> i & 1]
        la, lb = {}, {}
        for a, b in chosen:
            la[a] = la.get(a, 0) + 1
            lb[b] = lb.get(b, 0) + 1
        if all(v <= k_a for v in la.values()) and all(v <= k_b for v in lb.values()):
            best = max(best, sum(scores[a, b] for a, b in chosen))
    return best


@settings(max_examples=80, deadline=None)
@given(matrices(), st.integers(1, 3), st.integers(1, 3))
def test_optimal_pairing_is_never_worse_than_greedy_and_respects_capacity(scores, k_a, k_b):
    optimal = pair_optimal(scores, (k_a, k_b))
    greedy = pair_greedy(scores, (k_a, k_b))
    assert total(optimal) >= total(greedy) - 1e-9
    for pairs in (optimal, greedy):
        la, lb = loads(pairs)
        assert max(la.values()) <= k_a and max(lb.values()) <= k_b
        assert len({(p.a, p.b) for p in pairs}) == len(pairs)  # never the same pair twice
        chosen = {(p.a, p.b) for p in pairs}
        for a, b in np.ndindex(scores.shape):  # maximal: no unused pair between two places with room
            assert (a, b) in chosen or la.get(a, 0) == k_a or lb.get(b, 0) == k_b


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 3), st.integers(1, 3), st.integers(1, 2), st.integers(1, 3), st.integers(0, 10_000))
def test_optimal_pairing_is_optimal(m, n, k_a, k_b, seed):
    scores = np.random.default_rng(seed).random((m, n))
    assert total(pair_optimal(scores, (k_a, k_b))) == pytest.approx(brute_force(scores, k_a, k_b), abs=1e-7)


def test_b_matching_on_a_larger_matrix_matches_the_full_linear_programme():
    from scipy.optimize import linprog
    from scipy.sparse import csr_matrix

    rng = np.random.default_rng(5)
    scores = rng.random((40, 30)) ** 3
    m, n = scores.shape
    rows, cols = np.divmod(np.arange(m * n), n)
    a_ub = csr_matrix((np.ones(2 * m * n), (np.concatenate([rows, m + cols]), np.tile(np.arange(m * n), 2))))
    full = linprog(-scores.ravel(), A_ub=a_ub, b_ub=np.r_[np.full(m, 3), np.full(n, 2)], bounds=(0, 1),
                   method="highs")
    assert total(pair_optimal(scores, (3, 2))) == pytest.approx(-full.fun, abs=1e-6)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 6), st.integers(1, 6), st.integers(1, 3), st.integers(0, 10_000))
def test_stable_matching_has_no_blocking_pair(m, n, k, seed):
    rng = np.random.default_rng(seed)
    prefs_a, prefs_b = rng.random((m, n)), rng.random((m, n))
    pairs = pair_stable(prefs_a, prefs_b, k)
    partners_a = {a: [p.b for p in pairs if p.a == a] for a in range(m)}
    partners_b = {b: [p.a for p in pairs if p.b == b] for b in range(n)}
    assert all(len(v) <= k for v in partners_a.values()) and all(len(v) <= k for v in partners_b.values())
    for a, b in itertools.product(range(m), range(n)):
        if b in partners_a[a]:
            continue
        a_wants = len(partners_a[a]) < k or prefs_a[a, b] > min(prefs_a[a, x] for x in partners_a[a])
        b_wants = len(partners_b[b]) < k or prefs_b[a, b] > min(prefs_b[x, b] for x in partners_b[b])
        assert not (a_wants and b_wants)


def test_forbidden_pairs_are_never_chosen():
    scores = np.eye(3) + 0.01
    allowed = ~np.eye(3, dtype=bool)
    for pairs in (pair_optimal(scores, 1, allowed), pair_optimal(scores, 2, allowed), pair_greedy(scores, 1, allowed),
                  pair_stable(scores, scores, 1, allowed)):
        assert all(p.a != p.b for p in pairs)


def test_pair_cohort_with_the_index():
    index = MatchIndex(small_space(), SMALL_WORLD)
    japan, abroad = [1, 3, 5, 7], [2, 4, 6]
    result = pair_cohort(index, japan, abroad, weights="mutual")
    assert len(result.pairs) == 3 and result.unmatched_a and not result.unmatched_b
    assert result.total == pytest.approx(sum(p.score for p in result.pairs), abs=1e-3)
    assert result.total >= result.greedy_total - 1e-6
    kamaishi = next(p for p in result.pairs if p.a_id == 1)
    assert kamaishi.b_id == 2  # Kamaishi and Banda Aceh, both ways
    assert kamaishi.explanation[0].text_en.startswith("Banda Aceh's expertise")
    assert any("Kamaishi's expertise" in e.text_en for e in kamaishi.explanation)
    block = index.score_matrix([index.row[i] for i in japan], [index.row[i] for i in abroad], "mutual")
    assert kamaishi.score == pytest.approx(float(block[0, 0]), abs=1e-4)
    stable = pair_cohort(index, japan, abroad, weights="mutual", method="stable")
    assert len(stable.pairs) == 3 and stable.method == "stable"
    k2 = pair_cohort(index, japan, abroad, weights="mutual", capacity=(1, 2))
    assert len(k2.pairs) == 4 and not k2.unmatched_a


def test_a_place_in_both_groups_is_never_paired_with_itself():
    index = MatchIndex(small_space(), SMALL_WORLD)
    for method in ("optimal", "stable"):
        result = pair_cohort(index, [1, 2, 3], [1, 2, 3], weights="peer", method=method)
        assert all(p.a_id != p.b_id for p in result.pairs)


def test_pairing_errors():
    index = MatchIndex(small_space(), SMALL_WORLD)
    with pytest.raises(EngineError, match="group_a is empty"):
        pair_cohort(index, [], [1])
    with pytest.raises(UnknownPlace):
        pair_cohort(index, [1], [404])
    with pytest.raises(EngineError, match="method"):
        pair_cohort(index, [1], [2], method="random")
    with pytest.raises(EngineError, match="capacity"):
        pair_cohort(index, [1], [2], capacity=0)


def test_pair_with_a_score_function():
    def score(a, b):
        return 1.0 if (a + b) % 2 else 0.1

    result = pair([1, 2], [3, 4], score)
    assert {(p.a_id, p.b_id) for p in result.pairs} == {(1, 4), (2, 3)}
    assert result.total == pytest.approx(2.0)
    assert pair([1, 2], [3, 4], score, method="stable").total == pytest.approx(2.0)


def test_own_gain_moves_two_sided_weights_to_the_expertise_fit():
    assert own_gain(Weights(mutual=0.6, reverse=0.1, peer=0.3)) == Weights(expertise=0.7, peer=0.3)
    assert own_gain(Weights(expertise=0.25, reverse=0.25, text=0.2, offer_text=0.3)) == Weights(expertise=0.5,
                                                                                                  text=0.5)
