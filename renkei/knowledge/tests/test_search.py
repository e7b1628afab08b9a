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


def test_browsing_sorts_by_publication_date(anonymous):
    product(title="Middle", slug="middle", published_on="2019-05-01")
    product(title="Oldest", slug="oldest", published_on="2008-01-15")
    product(title="Newest", slug="newest", published_on="2024-10-30")
    assert slugs(search(viewer=anonymous, sort="newest")) == ["newest", "middle", "oldest"]
    assert slugs(search(viewer=anonymous, sort="oldest")) == ["oldest", "middle", "newest"]
    assert slugs(search(viewer=anonymous, query="middle oldest newest", sort="newest", mode="fulltext")) == [
        "newest", "middle", "oldest"]


def test_language_filter_and_facet(anonymous):
    product(title={"en": "Flood maps"}, slug="en")
    product(title={"ja": "洪水ハザードマップ"}, slug="ja")
    product(title={"en": "Flood drills", "ja": "洪水の避難訓練"}, slug="both")
    result = search(viewer=anonymous, filters=SearchFilters(language="ja"))
    assert sorted(slugs(result)) == ["both", "ja"]
    assert {f.value: f.count for f in result.facets["language"]} == {"en": 2, "ja": 2}  # the others left in
    assert slugs(search(viewer=anonymous, filters=SearchFilters(language="fr"))) == []

