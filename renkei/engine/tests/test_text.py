"""Embeddings, the embedding cache, text similarity and theme tagging."""

import numpy as np
import pytest

from renkei.engine.embedding import CachedEmbedder, Embedder, HashingEmbedder, UsemEmbedder, text_key
from renkei.engine.index import MatchIndex
from renkei.engine.tagging import matches, tag_text, theme_embeddings
from renkei.engine.tests.fixtures import SMALL_THEMES, SMALL_WORLD, T, small_space, taxonomy


def test_hashing_embedder_is_deterministic_and_unit_length():
    a = HashingEmbedder().encode(["ごみの分別", "waste", ""])
    b = HashingEmbedder().encode(["ごみの分別", "waste", ""])
    assert np.array_equal(a, b) and a.dtype == np.float32
    assert np.allclose(np.linalg.norm(a[:2], axis=1), 1.0) and not a[2].any()
    assert isinstance(HashingEmbedder(), Embedder)


def test_cache_encodes_each_text_once():
    embedder = CachedEmbedder(HashingEmbedder())
    embedder.encode(["Rebuilding after the tsunami", "Rebuilding after the tsunami", "Light rail"])
    embedder.encode(["Rebuilding after the tsunami "])  # same text, other white space
    assert embedder.encoded == 2 and embedder.hits == 2
    assert set(embedder.cache) == {text_key("Rebuilding after the tsunami"), text_key("Light rail")}


def test_index_embeds_each_distinct_text_once():
    embedder = CachedEmbedder(HashingEmbedder())
    index = MatchIndex(small_space(), SMALL_WORLD, embedder=embedder)
    distinct = {s.text for p in SMALL_WORLD for s in (*p.needs, *p.expertise)}
    assert embedder.encoded == len(distinct)
    assert index.component("text", 0).max() > 0
    MatchIndex(small_space(), SMALL_WORLD, embedder=embedder)  # a rebuild encodes nothing new
    assert embedder.encoded == len(distinct)


def test_text_dimension_reduction_keeps_rankings_close():
    full = MatchIndex(small_space(), SMALL_WORLD, embedder=HashingEmbedder(256))
    reduced = MatchIndex(small_space(), SMALL_WORLD, embedder=HashingEmbedder(256), text_dim=8)
    assert reduced.text_dim == 8 and reduced.need_text.shape == (len(SMALL_WORLD), 8)
    assert np.allclose(np.linalg.norm(reduced.need_text[reduced.need_text.any(axis=1)], axis=1), 1.0)
    assert full.rank(1, "expertise", top=1)[0].place_id == reduced.rank(1, "expertise", top=1)[0].place_id


def test_usem_embedder_matches_english_and_japanese():
    embedder = UsemEmbedder()
    vectors = embedder.encode(["Rebuilding the town after the tsunami", "津波の後のまちの復興", "Light rail timetable"])
    assert vectors.shape == (3, 512)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.2


# -- tagging -------------------------------------------------------------------------------------
def test_tagging_on_a_small_hand_made_theme_list():
    assert tag_text("ごみの分別とリサイクルを進めたい", SMALL_THEMES)[0][0] == T["solid-waste"]
    assert tag_text("We want to become a compact city", SMALL_THEMES)[0] == (T["compact-city"], 1.0)
    assert tag_text("Our LRT and bus lines", SMALL_THEMES)[0] == (T["public-transport"], 0.9)
    assert tag_text("nothing relevant here", SMALL_THEMES) == []
    assert tag_text("", SMALL_THEMES) == []


def test_tagging_rules():
    assert matches("Two compact cities", "compact city")  # plural
    assert matches("Flooding and floods", "flood")
    assert not matches("a floodgate", "flood")  # word boundary
    assert matches("市内の路面電車", "路面電車")  # Japanese substring
    assert matches("new EV chargers", "EV") and not matches("every event", "EV")  # acronyms exactly
    assert not matches("TODAY", "TOD")


def test_tagging_on_the_shipped_taxonomy():
    space, ids = taxonomy()
    assert tag_text("ごみの分別とリサイクルを進めたい", space.themes)[0][0] == ids["solid-waste"]
    tagged = {t for t, _ in tag_text("compact city with public transport", space.themes)}
    assert {ids["compact-city"], ids["public-transport"]} <= tagged


def test_semantic_tagging_with_the_multilingual_encoder():
    space, ids = taxonomy()
    embedder = UsemEmbedder()
    vectors = theme_embeddings(space.themes, embedder)
    tagged = tag_text("We need commuter trains and buses that run on time", space.themes, embedder,
                      theme_vectors=vectors)
    assert tagged and tagged[0][0] == ids["public-transport"] and tagged[0][1] < 0.9  # semantic evidence only
    weak = tag_text("Our dump site is overflowing with household rubbish", space.themes, embedder,
                    theme_vectors=vectors, min_confidence=0.0)
    assert weak[0][0] == ids["solid-waste"]
    japanese = tag_text("住民が減り、まちがさびれている", space.themes, embedder, theme_vectors=vectors)
    assert japanese[0][0] == ids["population-decline"] and japanese[0][1] < 0.9
    # a synonym (商店街, shopping street) is stronger evidence than meaning alone; both themes are kept
    both = tag_text("住民が減り、商店街がさびれている", space.themes, embedder, theme_vectors=vectors)
    assert [t for t, _c in both] == [ids["city-revitalisation"], ids["population-decline"]]


def test_equal_confidences_put_the_more_specific_theme_first():
    space, ids = taxonomy()
    tagged = [t for t, _c in tag_text("Implementing the climate change master plan", space.themes, limit=3)]
    assert tagged[0] == ids["climate-mitigation"]  # "climate change master plan" before "climate change", "master plan"
    assert set(tagged) == {ids["climate-mitigation"], ids["climate-energy"], ids["urban-planning"]}


@pytest.mark.parametrize("text", ["津波", "tsunami"])
def test_tagging_finds_tsunami_in_both_languages(text):
    assert tag_text(text, SMALL_THEMES)[0][0] == T["tsunami-reconstruction"]


def test_updates_after_a_projection_are_projected_the_same_way():
    from dataclasses import replace

    from renkei.engine.embedding import mean_embedding

    embedder = HashingEmbedder(64)
    index = MatchIndex(small_space(), SMALL_WORLD[:-1], embedder=embedder)
    index.reduce_text_dim(8)
    index.reduce_text_dim(4)  # projections compose
    newcomer = replace(SMALL_WORLD[-1], id=70)
    index.update(newcomer)
    raw = mean_embedding(embedder, [s.text for s in newcomer.needs])
    expected = raw @ index.projection
    assert index.projection.shape == (64, 4)
    assert np.allclose(index.need_text[index.row[70]], expected / np.linalg.norm(expected), atol=1e-5)


def test_a_statement_not_yet_tagged_counts_by_its_text_only():
    """A need no theme was recognised in is kept: theme scores ignore it, its text still matches."""
    from dataclasses import replace

    from renkei.engine.types import Statement

    kamaishi, *others = SMALL_WORLD
    words = "A decade of rebuilding homes and community life after the 2011 tsunami"
    untagged = replace(kamaishi, needs=(Statement(None, 5, words),))
    index = MatchIndex(small_space(), [untagged, *others], embedder=HashingEmbedder())
    results = index.rank(kamaishi.id, "mutual", top=len(others))
    assert len(results) == len(others)
    assert all(result.components.get("expertise", 0.0) == 0.0 for result in results)
    assert max(result.components.get("text", 0.0) for result in results) > 0.0
    explained = index.score(kamaishi.id, results[0].place_id, "mutual")
    assert explained.explanation is not None
