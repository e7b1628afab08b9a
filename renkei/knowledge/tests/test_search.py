"""The search service on the real database (SQLite or PostgreSQL, whichever the suite runs on)."""

import pytest

from renkei.knowledge.search.service import SearchFilters, search
from renkei.knowledge.tests.factories import product

pytestmark = pytest.mark.django_db(transaction=False)


def slugs(result):
    return [h.product.slug for h in result.hits]


def test_english_words_are_found_with_plural_and_highlight(anonymous):
    product(title="Compact city planning in Toyama", summary="Toyama concentrates homes along tram lines.",
            slug="toyama")
    product(title="Solid waste in Kitakyushu", summary="Sorting household waste.", slug="kitakyushu")
    result = search(viewer=anonymous, query="compact cities", mode="fulltext")
    assert slugs(result) == ["toyama"]
    assert "<mark>" in result.hits[0].title_html


def test_japanese_two_character_words_are_found(anonymous):
    product(title={"ja": "釜石市の津波からの復興"}, summary={"ja": "防災教育と住民の避難"}, slug="kamaishi")
    product(title={"ja": "富山市のコンパクトシティ"}, summary={"ja": "公共交通を軸としたまちづくり"}, slug="toyama")
    assert slugs(search(viewer=anonymous, query="津波", mode="fulltext")) == ["kamaishi"]
    assert slugs(search(viewer=anonymous, query="コンパクトシティ", mode="fulltext")) == ["toyama"]
    assert slugs(search(viewer=anonymous, query="防災 避難", mode="fulltext")) == ["kamaishi"]
    hit = search(viewer=anonymous, query="津波", mode="fulltext").hits[0]
    assert "<mark>津波</mark>" in hit.title_html


def test_a_typo_is_corrected(anonymous):
    product(title="Tsunami recovery in Banda Aceh", slug="aceh")
    result = search(viewer=anonymous, query="tsunammi", mode="fulltext")
    assert slugs(result) == ["aceh"]
    assert result.corrections == {"tsunammi": ["tsunami"]}


def test_filters_combine_with_the_query_and_facets_count(anonymous):
    product(title="Compact city guide", kind="guide", slug="guide")
    product(title="Compact city case", kind="case_study", slug="case")
    product(title="Waste toolkit", kind="toolkit", slug="waste")
    result = search(viewer=anonymous, query="compact", filters=SearchFilters(kind="guide"), mode="fulltext")
    assert slugs(result) == ["guide"]
    kinds = {f.value: f.count for f in result.facets["kind"]}
    assert kinds == {"guide": 1, "case_study": 1}


def test_drafts_are_hidden_from_visitors(anonymous, knowledge_manager):
    product(title="Compact city draft", status="draft", slug="draft")
    assert slugs(search(viewer=anonymous, query="compact", mode="fulltext")) == []
    assert slugs(search(viewer=knowledge_manager, query="compact", mode="fulltext")) == ["draft"]


def test_products_matching_only_some_words_count_for_that_share(anonymous):
    """No product has all three words, so the search falls back to any of them; a product with
    one of the three must not score as a full match (and outrank closer products by the embedding)."""
    product(title="Small grants for neighbourhood groups", slug="small")
    product(title="Hydropower on irrigation canals", slug="hydro")
    result = search(viewer=anonymous, query="small hydropower irrigation", mode="fulltext")
    assert slugs(result) == ["hydro", "small"]
    scores = {h.product.slug: h.fulltext for h in result.hits}
    assert scores["hydro"] == pytest.approx(2 / 3, abs=1e-3)
    assert scores["small"] <= 1 / 3 + 1e-3
    hybrid = search(viewer=anonymous, query="small hydropower irrigation", mode="hybrid")
    assert {h.product.slug: h.fulltext for h in hybrid.hits}["small"] <= 1 / 3 + 1e-3
