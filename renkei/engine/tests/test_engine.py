import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from renkei.engine.api import pair_cohort, weights_for
from renkei.engine.embedding import CachedEmbedder, HashingEmbedder
from renkei.engine.index import MatchIndex
from renkei.engine.pairing import pair_greedy, pair_optimal, pair_stable, total
from renkei.engine.tagging import tag_text
from renkei.engine.tests.fixtures import by_slug, demo_profiles, taxonomy
from renkei.engine.themes import ThemeSpace
from renkei.engine.types import PRESETS, Filters, PlaceProfile, Statement, ThemeNode, Weights


def demo_index(embedder=None) -> MatchIndex:
    space, _ = taxonomy()
    return MatchIndex(space, demo_profiles(), embedder=embedder)


def test_theme_similarity_counts_related_themes():
    space, ids = taxonomy()
    s = space.similarity
    i = space.index
    assert s[i[ids["tsunami-reconstruction"]], i[ids["tsunami-reconstruction"]]] == 1.0
    assert s[i[ids["disaster-risk"]], i[ids["tsunami-reconstruction"]]] > 0.5  # parent and child
    assert s[i[ids["compact-city"]], i[ids["public-transport"]]] >= 0.7  # declared relation
    assert s[i[ids["solid-waste"]], i[ids["seismic-risk"]]] == 0.0
    assert np.allclose(s, s.T)


def test_tsunami_expertise_helps_a_disaster_risk_need():
    space, ids = taxonomy()
    needer = PlaceProfile(1, "Needer", "ID", needs=(Statement(ids["disaster-risk"], 5),))
    expert = PlaceProfile(2, "Expert", "JP", expertise=(Statement(ids["tsunami-reconstruction"], 5),))
    stranger = PlaceProfile(3, "Stranger", "JP", expertise=(Statement(ids["tourism"], 5),))
    index = MatchIndex(space, [needer, expert, stranger])
    fit = index.expertise_fit(0)
    assert fit[1] > 0.5 and fit[2] == 0.0


def test_toyama_is_the_top_expertise_match_for_compact_city_with_public_transport():
    space, ids = taxonomy()
    text = "compact city with public transport"
    tagged = tag_text(text, space.themes)
    assert {ids["compact-city"], ids["public-transport"]} <= {t for t, _c in tagged}
    asker = PlaceProfile(999, "Asker", "PH", population=500_000,
                         needs=tuple(Statement(t, 5, text) for t, _c in tagged))
    index = MatchIndex(space, [*demo_profiles(), asker])
    results = index.rank(999, PRESETS["expertise"], top=5)
    assert by_slug("toyama").id == results[0].place_id
    assert any("compact city" in e.text_en for e in results[0].explanation)
    assert any("コンパクトシティ" in e.text_ja for e in results[0].explanation)


def test_kamaishi_mutual_matches_include_banda_aceh_with_tsunami_explanation():
    index = demo_index()
    kamaishi, banda_aceh = by_slug("kamaishi"), by_slug("banda-aceh")
    results = index.rank(kamaishi.id, PRESETS["mutual"], top=6)
    match = next(r for r in results if r.place_id == banda_aceh.id)
    assert any("tsunami" in e.text_en.lower() for e in match.explanation)
    assert any("津波" in e.text_ja for e in match.explanation)


def test_explanations_in_both_languages_for_every_result():
    index = demo_index()
    for preset in PRESETS:
        for result in index.rank(by_slug("kobe").id, PRESETS[preset], top=5):
            assert result.explanation
            for e in result.explanation:
                assert e.text_en and e.text_ja


def test_filters_and_exclusions():
    index = demo_index()
    kamaishi = by_slug("kamaishi")
    results = index.rank(kamaishi.id, PRESETS["mutual"], Filters(exclude_countries=frozenset({"JP"})), top=50)
    assert results and all(index.profile(r.place_id).country != "JP" for r in results)
    results = index.rank(kamaishi.id, PRESETS["peer"], Filters(max_population=300_000), top=50)
    assert all(index.profile(r.place_id).population <= 300_000 for r in results)
    assert all(r.place_id != kamaishi.id for r in results)


def test_update_replaces_one_place():
    space, ids = taxonomy()
    index = demo_index()
    kamaishi = by_slug("kamaishi")
    newcomer = PlaceProfile(500, "Newcomer", "JP", expertise=(Statement(ids["declining-birthrate"], 5),
                                                              Statement(ids["city-revitalisation"], 5)))
    index.update(newcomer)
    assert index.rank(kamaishi.id, PRESETS["expertise"], top=1)[0].place_id == 500
    index.update(PlaceProfile(500, "Newcomer", "JP"))
    assert all(r.place_id != 500 for r in index.rank(kamaishi.id, PRESETS["expertise"], top=3))


def test_text_similarity_uses_the_embedder_and_the_cache():
    embedder = CachedEmbedder(HashingEmbedder())
    index = demo_index(embedder)
    assert index.text(0).max() > 0
    encoded = embedder.encoded
    embedder.encode(["Rebuilding after the tsunami"])
    embedder.encode(["Rebuilding after the tsunami"])
    assert embedder.encoded == encoded + 1


def test_hashing_embedder_is_deterministic():
    a = HashingEmbedder().encode(["ごみの分別", "waste"])
    b = HashingEmbedder().encode(["ごみの分別", "waste"])
    assert np.array_equal(a, b)


def test_tagging_english_and_japanese():
    space, ids = taxonomy()
    assert tag_text("ごみの分別とリサイクルを進めたい", space.themes)[0][0] == ids["solid-waste"]
    assert tag_text("We want a compact city", space.themes)[0][0] == ids["compact-city"]
    assert tag_text("nothing relevant here", space.themes) == []


def test_custom_weights_are_validated():
    with pytest.raises(ValueError, match="unknown"):
        weights_for(custom={"beauty": 1})
    with pytest.raises(ValueError, match="above zero"):
        weights_for(custom={"peer": 0})
    with pytest.raises(ValueError, match="preset"):
        weights_for("fastest")


def test_cohort_pairing_on_the_demo():
    index = demo_index()
    eu = [p.id for p in demo_profiles() if p.country in {"DE", "FI", "SE"}]
    jp = [p.id for p in demo_profiles() if p.country == "JP"]
    result = pair_cohort(index, eu, jp, weights=PRESETS["mutual"])
    assert len(result.pairs) == len(eu)
    assert len({p.b_id for p in result.pairs}) == len(result.pairs)
    assert result.total >= result.greedy_total - 1e-6
    stable = pair_cohort(index, eu, jp, weights=PRESETS["mutual"], method="stable")
    assert len(stable.pairs) == len(eu)
    two = pair_cohort(index, eu, jp, weights=PRESETS["mutual"], capacity=2)
    counts = {}
    for p in two.pairs:
        counts[p.a_id] = counts.get(p.a_id, 0) + 1
        counts[p.b_id] = counts.get(p.b_id, 0) + 1
    assert max(counts.values()) <= 2 and len(two.pairs) > len(result.pairs)


# --- properties ----------------------------------------------------------------------------------

N_THEMES = 12
THEMES = [ThemeNode(i + 1, f"t{i}", parent_id=None if i < 3 else (i % 3) + 1, related=((i + 5) % N_THEMES + 1,))
          for i in range(N_THEMES)]
statements = st.lists(st.builds(Statement, theme_id=st.integers(1, N_THEMES), weight=st.integers(1, 5)),
                      max_size=4).map(tuple)
profiles = st.builds(
    PlaceProfile, id=st.just(0), name=st.just("x"), country=st.sampled_from(["JP", "DE", "ID"]),
    population=st.one_of(st.none(), st.floats(1_000, 1e7)), area_km2=st.one_of(st.none(), st.floats(1, 5000)),
    share_65_plus=st.one_of(st.none(), st.floats(0, 50)), growth=st.one_of(st.none(), st.floats(-3, 5)),
    hazards=st.frozensets(st.sampled_from(["earthquake", "tsunami", "flood"])), coastal=st.booleans(),
    income_group=st.sampled_from(["", "LMC", "HIC"]), lat=st.floats(-60, 60), lon=st.floats(-179, 179),
    languages=st.frozensets(st.sampled_from(["ja", "en"]), max_size=1), needs=statements, expertise=statements,
)


def build(places):
    from dataclasses import replace

    return MatchIndex(ThemeSpace(THEMES), [replace(p, id=i + 1) for i, p in enumerate(places)])


@settings(max_examples=40, deadline=None)
@given(st.lists(profiles, min_size=2, max_size=8), st.sampled_from(list(PRESETS)))
def test_scores_are_in_unit_interval_and_deterministic(places, preset):
    index = build(places)
    first = index.rank(1, PRESETS[preset], top=10)
    again = build(places).rank(1, PRESETS[preset], top=10)
    assert [(r.place_id, r.score) for r in first] == [(r.place_id, r.score) for r in again]
    for r in first:
        assert 0.0 <= r.score <= 1.0
        assert all(0.0 <= v <= 1.0 for v in r.components.values())
    assert [r.score for r in first] == sorted((r.score for r in first), reverse=True)


@settings(max_examples=40, deadline=None)
@given(st.lists(profiles, min_size=2, max_size=6))
def test_peer_and_mutual_are_symmetric(places):
    index = build(places)
    n = len(places)
    peer = np.array([index.peer(a) for a in range(n)])
    mutual = np.array([index.harmonic(index.expertise_fit(a), index.reverse_fit(a)) for a in range(n)])
    assert np.allclose(peer, peer.T, atol=1e-5)
    assert np.allclose(mutual, mutual.T, atol=1e-5)


@settings(max_examples=40, deadline=None)
@given(st.lists(profiles, min_size=2, max_size=8), st.sampled_from(["JP", "DE", "ID"]),
       st.floats(1_000, 1e7))
def test_filters_are_always_respected(places, country, max_population):
    index = build(places)
    results = index.rank(1, PRESETS["mutual"], Filters(exclude_countries=frozenset({country}),
                                                       max_population=max_population), top=10)
    for r in results:
        p = index.profile(r.place_id)
        assert p.country != country and p.population is not None and p.population <= max_population
        assert r.place_id != 1


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 7), st.integers(1, 7), st.integers(0, 10_000))
def test_optimal_pairing_never_worse_than_greedy(n_a, n_b, seed):
    scores = np.random.default_rng(seed).random((n_a, n_b)).astype(np.float32)
    optimal = pair_optimal(scores)
    assert total(optimal) >= total(pair_greedy(scores)) - 1e-6
    assert len({p.a for p in optimal}) == len(optimal) == min(n_a, n_b)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 6), st.integers(1, 6), st.integers(1, 3), st.integers(0, 10_000))
def test_capacity_is_respected(n_a, n_b, k, seed):
    scores = np.random.default_rng(seed).random((n_a, n_b)).astype(np.float32) + 0.01
    pairs = pair_optimal(scores, capacity=k)
    for side in ("a", "b"):
        counts = {}
        for p in pairs:
            counts[getattr(p, side)] = counts.get(getattr(p, side), 0) + 1
        assert all(c <= k for c in counts.values())
    assert len({(p.a, p.b) for p in pairs}) == len(pairs)
    assert min(n_a, n_b) <= len(pairs) <= min(n_a * k, n_b * k, n_a * n_b)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 6), st.integers(0, 10_000))
def test_stable_matching_has_no_blocking_pair(n, seed):
    rng = np.random.default_rng(seed)
    prefs_a, prefs_b = rng.random((n, n)), rng.random((n, n))
    pairs = pair_stable(prefs_a, prefs_b)
    partner_of_a = {p.a: p.b for p in pairs}
    partner_of_b = {p.b: p.a for p in pairs}
    for a in range(n):
        for b in range(n):
            if partner_of_a[a] != b:
                a_prefers = prefs_a[a, b] > prefs_a[a, partner_of_a[a]]
                b_prefers = prefs_b[a, b] > prefs_b[partner_of_b[b], b]
                assert not (a_prefers and b_prefers)


def test_weights_presets_are_valid():
    for weights in PRESETS.values():
        assert isinstance(weights, Weights) and weights.active()
