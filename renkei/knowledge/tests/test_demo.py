"""The library's promises on the demo data, with the real multilingual encoder."""

import pytest

from renkei.knowledge.demo import knowledge_demo_load
from renkei.knowledge.search.service import SearchFilters, search

pytestmark = pytest.mark.django_db


@pytest.fixture
def library(real_encoder):
    from renkei.activities.demo import activities_demo_load
    from renkei.core.tests.snapshot import load_once
    from renkei.partnerships.demo import partnerships_demo_load
    from renkei.places.demo import demo_load
    from renkei.programmes.demo import programmes_demo_load

    load_once("the library", lambda: (demo_load(), programmes_demo_load(), partnerships_demo_load(),
                                      activities_demo_load(), knowledge_demo_load()))


def slugs(result):
    return [h.product.slug for h in result.hits]


def test_tsunami_in_english_finds_kamaishis_japanese_material(library, anonymous):
    result = search(viewer=anonymous, query="tsunami")
    found = slugs(result)
    assert "kamaishi-open-city-reconstruction" in found[:3]
    kamaishi = next(h for h in result.hits if h.product.slug == "kamaishi-open-city-reconstruction")
    assert kamaishi.product.language_list == ["ja"]
    assert "tsunami" not in str(kamaishi.product.title).lower() + str(kamaishi.product.summary).lower()
    assert "<mark>津波</mark>" in kamaishi.snippet_html


def test_compact_city_in_japanese_finds_toyamas_english_case_study(library, anonymous):
    result = search(viewer=anonymous, query="コンパクトシティ")
    assert "toyama-compact-city-case-study" in slugs(result)[:3]
    toyama = next(h for h in result.hits if h.product.slug == "toyama-compact-city-case-study")
    assert toyama.product.language_list == ["en"]


def test_a_city_named_in_latin_letters_finds_its_material_written_in_kanji(library, anonymous):
    japanese = [h for h in search(viewer=anonymous, query="Kamaishi").hits if h.product.language_list == ["ja"]]
    assert "kamaishi-open-city-reconstruction" in [h.product.slug for h in japanese]
    assert all("kamaishi" not in str(h.product.title).lower() for h in japanese)
    assert any("<mark>釜石" in h.title_html + h.snippet_html for h in japanese)


def test_an_acronym_finds_the_japanese_text_that_writes_it_in(library, anonymous):
    """「JICAとの連携により」: the acronym is a word of the Japanese text, found by words alone."""
    hits = {h.product.slug: h for h in search(viewer=anonymous, query="JICA", mode="fulltext").hits}
    kamaishi = hits["kamaishi-open-city-reconstruction"]
    assert kamaishi.product.language_list == ["ja"]
    assert "<mark>JICA</mark>との連携" in kamaishi.snippet_html


def test_the_embedding_alone_crosses_languages_too(library, anonymous):
    """Without the taxonomy and without shared words: meaning only."""
    result = search(viewer=anonymous, query="disaster education in schools", mode="semantic")
    assert slugs(result)[0] == "kamaishi-disaster-memory-lessons"  # written in Japanese only
    result = search(viewer=anonymous, query="公共交通を軸にした都市づくり", mode="semantic")
    assert slugs(result)[0] == "toyama-compact-city-case-study"  # written in English only


def test_facets_narrow_the_results(library, anonymous):
    everything = search(viewer=anonymous, query="tsunami")
    kinds = {f.value: f.count for f in everything.facets["kind"]}
    assert kinds.get("case_study", 0) >= 2
    narrowed = search(viewer=anonymous, query="tsunami", filters=SearchFilters(language="ja"))
    assert narrowed.total < everything.total
    assert all("ja" in h.product.language_list for h in narrowed.hits)
    by_country = search(viewer=anonymous, query="tsunami", filters=SearchFilters(country="ID"))
    assert slugs(by_country) == ["banda-aceh-reconstruction-case"]
    # the chosen facet still shows the other values, with their counts
    countries = {f.value: (f.count, f.selected) for f in by_country.facets["country"]}
    assert countries["ID"] == (1, True) and "JP" in countries


def test_the_draft_stays_hidden_from_visitors(library, anonymous, knowledge_manager):
    assert "draft-flood-early-warning-toolkit" not in slugs(search(viewer=anonymous, query="flood early warning"))
    assert "draft-flood-early-warning-toolkit" in slugs(search(viewer=knowledge_manager, query="flood early warning"))


def test_the_demo_loads_twice_without_changes(library):
    assert knowledge_demo_load() == 0
