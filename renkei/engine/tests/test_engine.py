"""Scores, ranking, filters and index maintenance: examples and properties (hypothesis)."""

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from renkei.engine.api import weights_for
from renkei.engine.embedding import HashingEmbedder
from renkei.engine.index import MatchIndex, harmonic
from renkei.engine.tests.fixtures import BANDA_ACEH, KAMAISHI, KITAKYUSHU, SMALL_WORLD, TOYAMA, T, small_space, taxonomy
from renkei.engine.themes import PARENT_CHILD, RELATED, SIBLINGS, ThemeSpace
from renkei.engine.types import (
    COMPONENTS,
    PRESETS,
    EngineError,
    Filters,
    PlaceProfile,
    Statement,
    ThemeNode,
    UnknownPlace,
    Weights,
    score_band,
    score_points,
)


def small_index(**kwargs) -> MatchIndex:
    return MatchIndex(small_space(), SMALL_WORLD, **kwargs)


# -- theme similarity ------------------------------------------------------------------------------
def test_theme_similarity_counts_related_themes():
    space, ids = taxonomy()
    s, i = space.similarity, space.index
    assert s[i[ids["tsunami-reconstruction"]], i[ids["tsunami-reconstruction"]]] == 1.0
    assert s[i[ids["disaster-risk"]], i[ids["tsunami-reconstruction"]]] == pytest.approx(PARENT_CHILD)
    assert s[i[ids["early-warning"]], i[ids["tsunami-reconstruction"]]] == pytest.approx(SIBLINGS)
    assert s[i[ids["compact-city"]], i[ids["public-transport"]]] == pytest.approx(RELATED)  # declared, cross-branch
    assert s[i[ids["solid-waste"]], i[ids["seismic-risk"]]] == 0.0
    assert np.allclose(s, s.T) and s.min() >= 0 and s.max() <= 1 and np.all(np.diag(s) == 1)


def test_deeper_trees_use_the_share_of_path():
    nodes = [ThemeNode(1, "root"), ThemeNode(2, "a", 1), ThemeNode(3, "b", 1), ThemeNode(4, "a1", 2),
             ThemeNode(5, "b1", 3), ThemeNode(6, "other")]
    space = ThemeSpace(nodes)
    s = space.similarity
    assert s[3, 4] == pytest.approx(0.9 * 2 * 1 / 6)  # cousins: 0.3
    assert s[0, 3] == pytest.approx(0.9 * 2 * 1 / 4)  # grandparent and grandchild: 0.45
    assert s[3, 1] == pytest.approx(0.9 * 2 * 2 / 5)  # parent and child one level down: 0.72
    assert s[5, :5].max() == 0.0
    assert space.relation(1, 4) == "branch" and space.relation(4, 6) == "none"


def test_tsunami_expertise_helps_a_disaster_risk_need():
    space, ids = taxonomy()
    needer = PlaceProfile(1, "Needer", "ID", needs=(Statement(ids["disaster-risk"], 5),))
    expert = PlaceProfile(2, "Expert", "JP", expertise=(Statement(ids["tsunami-reconstruction"], 5),))
    stranger = PlaceProfile(3, "Stranger", "JP", expertise=(Statement(ids["tourism"], 5),))
    index = MatchIndex(space, [needer, expert, stranger])
    fit = index.component("expertise", 0)
    assert fit[1] == pytest.approx(PARENT_CHILD) and fit[2] == 0.0
    result = index.rank(1, Weights(expertise=1), top=1)[0]
    assert result.place_id == 2
    assert result.explanation[0].params["relation"] == "parent_child"


# -- components ------------------------------------------------------------------------------------
def test_expertise_fit_is_priority_weighted_coverage():
    index = small_index()
    # Kamaishi's needs: population decline 5, ageing 4, revitalisation 5, post-disaster 3 (sum 17 → 3.4 / 5)
    # Toyama covers population decline via compact city (related 0.7 × 1.0) and ageing itself (1.0 × 0.8)
    expected = (1.0 * 0.7 + 0.8 * 0.8) / 3.4
    assert index.component("expertise", index.row[1])[index.row[3]] == pytest.approx(expected, abs=1e-6)


def test_mutual_ranks_lopsided_pairs_low():
    x = np.array([0.8, 0.5, 0.0], dtype=np.float32)
    y = np.array([0.2, 0.5, 0.0], dtype=np.float32)
    assert harmonic(x, y).tolist() == pytest.approx([0.32, 0.5, 0.0])  # same arithmetic mean, lopsided lower


def test_a_component_the_query_lacks_is_left_out_and_weights_renormalised():
    index = small_index()
    no_text = index.rank(1, "mutual", top=3)
    assert all("text" not in r.components for r in no_text)  # no embedder: no text component
    for r in no_text:
        assert r.score == pytest.approx((0.6 * r.components["mutual"] + 0.15 * r.components["peer"]) / 0.75, abs=2e-4)


def test_block_scores_equal_per_query_scores():
    index = small_index(embedder=HashingEmbedder())
    weights = Weights(**dict.fromkeys(COMPONENTS, 1.0))
    rows = list(range(len(index)))
    block = index.score_matrix(rows, rows, weights)
    for a in rows:
        single = index.score_block([a], slice(0, len(index)), weights).score[0]
        assert np.allclose(block[a], single, atol=1e-6)
        fast, _ = index._query_scores(a, weights)  # what rank uses: scratch buffers, lookup tables
        assert np.allclose(block[a], fast, atol=1e-6)


def test_ties_count_in_both_directions():
    index = small_index()
    ties = index.components(index.row[6], ["ties"])["ties"]  # Kitakyushu lists Surabaya, not the reverse
    assert ties[index.row[5]] == 1.0 and ties.sum() == 1.0
    results = index.rank(6, Weights(peer=1), Filters(exclude_partners=True), top=10)
    assert 5 not in {r.place_id for r in results}


def test_distance_and_language_components():
    index = small_index()
    km = index.distance_km(index.row[1], index.row[3])
    assert 400 < km < 700  # Kamaishi–Toyama
    comps = index.components(index.row[1], ["distance", "language"])
    assert comps["distance"][index.row[3]] == pytest.approx(1 / (1 + km / 3000), abs=1e-4)
    assert comps["language"][index.row[3]] == 1.0 and comps["language"][index.row[2]] == 0.0


# -- ranking and errors ----------------------------------------------------------------------------
def test_rank_accepts_a_preset_name_weights_or_a_mapping():
    index = small_index()
    by_name = index.rank(1, "expertise", top=3)
    assert by_name == index.rank(1, PRESETS["expertise"], top=3)
    assert [r.place_id for r in index.rank(1, {"expertise": 60, "peer": 15, "language": 5}, top=3)] == \
        [r.place_id for r in by_name]


def test_bad_input_gives_clear_errors():
    index = small_index()
    with pytest.raises(UnknownPlace, match="no place with id 999"):
        index.rank(999, "mutual")
    with pytest.raises(KeyError):  # UnknownPlace is also a KeyError
        index.profile(999)
    with pytest.raises(EngineError, match="unknown preset"):
        index.rank(1, "fastest")
    with pytest.raises(EngineError, match="unknown"):
        weights_for(custom={"beauty": 1})
    with pytest.raises(EngineError, match="above zero"):
        weights_for(custom={"peer": 0})
    with pytest.raises(EngineError, match="between 0 and 100"):
        weights_for(custom={"peer": -1})
    with pytest.raises(EngineError, match="must be a number"):
        weights_for(custom={"peer": "lots"})
    with pytest.raises(ValueError, match="≥ 0"):
        Weights(peer=float("nan"))
    with pytest.raises(EngineError, match="at least min_population"):
        Filters(min_population=10, max_population=5)
    with pytest.raises(EngineError, match="twice"):
        MatchIndex(small_space(), [KAMAISHI, KAMAISHI])
    assert index.rank(1, "mutual", top=0) == []


def test_presets_are_valid_weights():
    for weights in PRESETS.values():
        assert isinstance(weights, Weights) and sum(weights.normalised().values()) == pytest.approx(1.0)


def test_update_and_remove_equal_a_fresh_build():
    space = small_space()
    index = MatchIndex(space, SMALL_WORLD[:3], embedder=HashingEmbedder())
    for profile in SMALL_WORLD[3:]:
        index.update(profile)  # added
    changed = replace(SMALL_WORLD[2], expertise=(Statement(T["solid-waste"], 5, "Eco-Town"),))
    index.update(changed)  # replaced
    index.remove(2)
    fresh = MatchIndex(space, [p if p.id != 3 else changed for p in SMALL_WORLD if p.id != 2],
                       embedder=HashingEmbedder())
    for place_id in (1, 3, 5):
        for preset in PRESETS:
            got = [(r.place_id, r.score) for r in index.rank(place_id, preset, top=10)]
            assert got == [(r.place_id, r.score) for r in fresh.rank(place_id, preset, top=10)]
    with pytest.raises(UnknownPlace):
        index.remove(2)


def test_update_many_equals_a_fresh_build_with_explanations():
    space = small_space()
    index = MatchIndex(space, SMALL_WORLD[:2], embedder=HashingEmbedder())
    changed = replace(SMALL_WORLD[0], needs=(Statement(T["solid-waste"], 5, "Landfill is full"),))
    index.update_many([*SMALL_WORLD[2:], changed])
    fresh = MatchIndex(space, [changed, *SMALL_WORLD[1:]], embedder=HashingEmbedder())
    for place_id in (1, 3):
        assert index.rank(place_id, "mutual", top=10) == fresh.rank(place_id, "mutual", top=10)
    with pytest.raises(EngineError):
        index.update_many([changed, changed])


def test_covering_ranks_places_by_the_mean_cover_of_the_themes():
    index = small_index()
    themes = [T["tsunami-reconstruction"], T["early-warning"], T["solid-waste"]]
    got = index.covering(themes, top=3)
    cover = np.asarray(index.cover)[:, [index.themes.index[t] for t in themes]].mean(axis=1)
    expected = sorted((p for p in index.ids.tolist() if cover[index.row[p]] > 0),
                      key=lambda p: (-cover[index.row[p]], p))[:3]
    assert [c.place_id for c in got] == expected
    assert all(c.score == pytest.approx(float(cover[index.row[c.place_id]])) for c in got)
    best = got[0]
    assert best.statements and len(best.statements) <= 2
    assert set(best.statements) <= set(index.profile(best.place_id).expertise)
    others = index.covering(themes, top=3, exclude=[best.place_id], allowed=set(index.ids.tolist()) - {expected[1]})
    assert best.place_id not in [c.place_id for c in others] and expected[1] not in [c.place_id for c in others]
    assert index.covering([999], top=3) == [] and index.theme_name(T["compact-city"]) == "Compact city"


def test_a_change_waits_for_running_queries():
    import threading

    index = small_index()
    order = []

    def change():
        index.update(replace(SMALL_WORLD[0], population=1.0))
        order.append("changed")

    with index._rw.reading():  # a query is running
        writer = threading.Thread(target=change)
        writer.start()
        writer.join(timeout=0.2)
        order.append("query done")
    writer.join(timeout=5)
    assert order == ["query done", "changed"] and index.profile(1).population == 1.0


def test_updates_on_a_large_index_patch_the_sparse_need_matrix():
    space = small_space()
    theme_ids = sorted(T.values())
    rng = np.random.default_rng(3)

    def place(i):
        return PlaceProfile(i, f"P{i}", "JP", population=float(rng.integers(1_000, 1_000_000)),
                            needs=tuple(Statement(int(t), 3) for t in rng.choice(theme_ids, 2, replace=False)),
                            expertise=(Statement(int(rng.choice(theme_ids)), 4),))

    index = MatchIndex(space, [place(i) for i in range(1, 5001)])
    before = index.rank(1, "mutual", top=5)  # builds the sparse copy
    for i in (2, 3, 5001, 5002):
        index.update(place(i))
    index.remove(4)
    everything = Weights(**dict.fromkeys(COMPONENTS, 1.0))
    got = index.rank(1, everything, top=20, explain_results=False)
    dense = index.score_block([index.row[1]], np.arange(len(index)), everything).score[0]  # no sparse copy
    for r in got:
        assert r.score == pytest.approx(float(dense[index.row[r.place_id]]), abs=1e-4)
    assert before


# -- properties ------------------------------------------------------------------------------------
N_THEMES = 12
THEMES = [ThemeNode(i + 1, f"t{i}", parent_id=None if i < 3 else (i % 3) + 1, related=((i + 5) % N_THEMES + 1,))
          for i in range(N_THEMES)]
statements = st.lists(st.builds(Statement, theme_id=st.integers(1, N_THEMES + 1), weight=st.integers(0, 6),
                                text=st.sampled_from(["", "waste", "ごみ", "tsunami recovery", "light rail"])),
                      max_size=4).map(tuple)
maybe = st.one_of
profiles = st.builds(
    PlaceProfile, id=st.just(0), name=st.just("x"), country=st.sampled_from(["JP", "DE", "ID"]),
    level=st.sampled_from(["city", "region"]),
    population=maybe(st.none(), st.floats(1_000, 1e7)), area_km2=maybe(st.none(), st.floats(1, 5000)),
    share_65_plus=maybe(st.none(), st.floats(0, 50)), growth=maybe(st.none(), st.floats(-3, 5)),
    hazards=st.frozensets(st.sampled_from(["earthquake", "tsunami", "flood", "meteor"])),
    coastal=maybe(st.none(), st.booleans()), income_group=st.sampled_from(["", "LMC", "HIC"]),
    lat=maybe(st.none(), st.floats(-60, 60)), lon=st.floats(-179, 179),
    languages=st.frozensets(st.sampled_from(["ja", "en"]), max_size=2), needs=statements, expertise=statements,
    partners=st.frozensets(st.integers(1, 8), max_size=2),
)
weights = st.builds(Weights, **{name: st.sampled_from([0.0, 0.5, 1.0, 3.0]) for name in COMPONENTS}).filter(
    lambda w: bool(w.active()))


def build(places, order=None):
    rows = [replace(p, id=i + 1) for i, p in enumerate(places)]
    if order is not None:
        rows = [rows[i] for i in order]
    return MatchIndex(ThemeSpace(THEMES), rows, embedder=HashingEmbedder(64))


@settings(max_examples=60, deadline=None)
@given(st.lists(profiles, min_size=2, max_size=8), weights, st.randoms(use_true_random=False))
def test_scores_are_in_unit_interval_and_rankings_deterministic(places, w, rnd):
    index = build(places)
    first = index.rank(1, w, top=10)
    order = list(range(len(places)))
    rnd.shuffle(order)
    again = build(places, order).rank(1, w, top=10)  # same places, another input order
    assert [(r.place_id, r.score, r.components) for r in first] == [(r.place_id, r.score, r.components)
                                                                     for r in again]
    for r in first:
        assert 0.0 <= r.score <= 1.0
        assert all(0.0 <= v <= 1.0 for v in r.components.values())
        assert r.explanation and all(e.text_en and e.text_ja for e in r.explanation)
    keys = [(-r.score, r.place_id) for r in first]
    assert keys == sorted(keys)  # score descending, ties by id


@settings(max_examples=60, deadline=None)
@given(st.lists(profiles, min_size=2, max_size=7))
def test_peer_mutual_shared_needs_distance_language_are_symmetric(places):
    index = build(places)
    rows = list(range(len(index)))
    for name in ("peer", "mutual", "shared_needs", "distance", "language", "ties"):
        matrix = np.array([index.components(a, [name])[name] for a in rows])
        assert np.allclose(matrix, matrix.T, atol=1e-5), name
        assert matrix.min() >= 0 and matrix.max() <= 1


@settings(max_examples=60, deadline=None)
@given(st.lists(profiles, min_size=2, max_size=8), weights,
       st.frozensets(st.sampled_from(["JP", "DE", "ID", "FR"]), max_size=2),
       st.frozensets(st.sampled_from(["JP", "DE", "ID"]), max_size=1),
       st.frozensets(st.sampled_from(["city", "region", "country"]), max_size=2),
       maybe(st.none(), st.floats(1_000, 1e6)), maybe(st.none(), st.floats(1e5, 1e7)),
       st.frozensets(st.integers(1, 8), max_size=3), st.booleans())
def test_filters_are_always_respected(places, w, countries, exclude, levels, low, high, exclude_ids, partners):
    if low is not None and high is not None and low > high:
        low, high = high, low
    index = build(places)
    filters = Filters(countries=countries, exclude_countries=exclude, levels=levels, min_population=low,
                      max_population=high, exclude_ids=exclude_ids, exclude_partners=partners)
    query = index.profile(1)
    results = index.rank(1, w, filters, top=10)
    for r in results:
        p = index.profile(r.place_id)
        assert r.place_id != 1 and r.place_id not in exclude_ids
        assert not countries or p.country in countries
        assert p.country not in exclude
        assert not levels or p.level in levels
        assert low is None or (p.population is not None and p.population >= low)
        assert high is None or (p.population is not None and p.population <= high)
        assert not partners or (p.id not in query.partners and query.id not in p.partners)
    passing = [p for p in index.profiles if p.id != 1 and index.mask(0, filters)[index.row[p.id]]]
    assert len(results) == min(10, len(passing))


def test_the_public_interface_is_importable_from_the_package():
    import renkei.engine as engine

    for name in engine.__all__:
        assert getattr(engine, name) is not None
    with pytest.raises(AttributeError):
        engine.nothing  # noqa: B018


def test_offer_preset_ranks_the_places_that_need_what_we_offer():
    """Kitakyushu teaches waste separation: Banda Aceh, whose landfill is filling up, needs it."""
    index = small_index(embedder=HashingEmbedder())
    results = index.rank(KITAKYUSHU.id, "offer", top=3)
    assert results[0].place_id == BANDA_ACEH.id
    assert set(results[0].components) >= {"reverse", "offer_text", "peer"}
    # the reverse fit of an offer is the expertise fit seen from the other side
    seen_from_aceh = index.score(BANDA_ACEH.id, KITAKYUSHU.id, "expertise").components["expertise"]
    assert results[0].components["reverse"] == pytest.approx(seen_from_aceh, abs=1e-4)
    assert any(e.code in ("you_can_offer", "expertise_meets_need") for e in results[0].explanation)


def test_offer_text_is_the_text_component_the_other_way_round():
    index = small_index(embedder=HashingEmbedder())
    offer = index.component("offer_text", index.row_of(KITAKYUSHU.id))
    text = index.component("text", index.row_of(BANDA_ACEH.id))
    assert offer[index.row_of(BANDA_ACEH.id)] == pytest.approx(text[index.row_of(KITAKYUSHU.id)], abs=1e-5)


def test_the_default_preset_finds_a_one_way_partner_from_either_side():
    """Toyama shares its compact-city policy, Kitakyushu needs it: with no preset named, each finds
    the other near the top, whichever side of the transfer the search starts from; Kamaishi, which
    fits Toyama both ways, ranks higher still."""
    from renkei.engine.types import DEFAULT_PRESET, PRESETS

    assert DEFAULT_PRESET == "either" and list(PRESETS)[0] == DEFAULT_PRESET
    index = small_index(embedder=HashingEmbedder())
    from_learner = index.rank(KITAKYUSHU.id, DEFAULT_PRESET, top=3)
    from_sharer = [r.place_id for r in index.rank(TOYAMA.id, DEFAULT_PRESET, top=3)]
    assert from_learner[0].place_id == TOYAMA.id
    assert from_learner[0].components["expertise"] > from_learner[0].components["reverse"] == 0
    assert from_sharer[:2] == [KAMAISHI.id, KITAKYUSHU.id]
    seen_by_sharer = index.score(TOYAMA.id, KITAKYUSHU.id, DEFAULT_PRESET)
    assert seen_by_sharer.components["reverse"] > seen_by_sharer.components["expertise"] == 0
    # each component has its mirror: seen from the other side, the fit and the words change places
    assert seen_by_sharer.components["reverse"] == pytest.approx(from_learner[0].components["expertise"], abs=1e-4)
    assert seen_by_sharer.components["offer_text"] == pytest.approx(from_learner[0].components["text"], abs=1e-4)


@pytest.mark.parametrize(("score", "points", "band"), [
    (0.0, 0, "weak"), (0.294, 29, "weak"), (0.296, 30, "partial"), (0.449, 45, "good"), (0.5949, 59, "good"),
    (0.6, 60, "strong"), (1.0, 100, "strong"), (1.7, 100, "strong"), (-0.2, 0, "weak"),
])
def test_one_score_scale_with_bands(score, points, band):
    assert score_points(score) == points and score_band(score) == band


def test_both_text_directions_score_the_same_whether_the_helper_thread_is_free_or_busy():
    """A query weighting both text components computes one of them on the helper thread when it is
    free, and both in the calling thread when another query holds it: the scores are the same."""
    from renkei.engine import components

    index = small_index(embedder=HashingEmbedder())
    row = index.row_of(KAMAISHI.id)
    expected = index.components(row, ["text", "offer_text"])  # the block path, no helper
    helped = {k: v.copy() for k, v in index._query(row, ["text", "offer_text"]).items()}
    with components._TEXT_HELPER_FREE:  # another query holds the helper
        alone = {k: v.copy() for k, v in index._query(row, ["text", "offer_text"]).items()}
    for name in ("text", "offer_text"):
        assert expected[name].max() > 0
        np.testing.assert_allclose(helped[name], expected[name], atol=1e-6)
        np.testing.assert_allclose(alone[name], expected[name], atol=1e-6)
    assert components._TEXT_HELPER_FREE.acquire(blocking=False)  # released after the query
    components._TEXT_HELPER_FREE.release()


def test_a_forked_process_scores_both_text_directions_with_its_own_helper():
    """A server worker forked after the parent ran a query: the parent's helper thread is not in the
    child, which must still answer (not wait for it)."""
    import os

    index = small_index(embedder=HashingEmbedder())
    row = index.row_of(KAMAISHI.id)
    expected = index.components(row, ["text", "offer_text"])["offer_text"]
    index._query(row, ["text", "offer_text"])  # the parent's helper thread now exists
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: answer, report, leave at once
        try:
            offer = index._query(row, ["text", "offer_text"])["offer_text"]
            os.write(write, b"ok" if np.allclose(offer, expected, atol=1e-6) else b"wrong")
        finally:
            os._exit(0)
    os.close(write)
    import signal
    import time

    deadline = time.monotonic() + 30
    while os.waitpid(pid, os.WNOHANG) == (0, 0):
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            os.close(read)
            pytest.fail("the forked process waited for a helper thread that only its parent has")
        time.sleep(0.05)
    with os.fdopen(read, "rb") as pipe:
        assert pipe.read() == b"ok"
