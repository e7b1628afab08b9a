"""The search service on the real database (SQLite or PostgreSQL, whichever the suite runs on)."""

import pytest

from renkei.knowledge.models import Product
from renkei.knowledge.search.analysis import parse_query
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


def test_english_words_match_whole_words(anonymous):
    product(title="Capacity building for city officials", slug="officials")
    product(title="Capacity building for engineers", slug="engineers")
    assert slugs(search(viewer=anonymous, query="city", mode="fulltext")) == ["officials"]


def test_english_and_japanese_terms_together(anonymous):
    product(title={"en": "Kamaishi after the tsunami", "ja": "釜石市の津波からの復興"}, slug="both")
    product(title={"en": "Kamaishi steelworks"}, slug="english")
    product(title={"ja": "気仙沼の津波"}, slug="japanese")
    assert slugs(search(viewer=anonymous, query="Kamaishi 津波", mode="fulltext")) == ["both"]
    either = search(viewer=anonymous, query="steelworks 気仙沼", mode="fulltext")  # nothing has both
    assert sorted(slugs(either)) == ["english", "japanese"]


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


def test_reduced_vectors_give_the_same_results(anonymous, settings):
    """Above RENKEI_TEXT_DIM_ABOVE products the semantic candidates come from reduced vectors;
    the cosines that are reported are still the exact ones."""
    from renkei.knowledge.search import catalogue

    for i, (title, summary) in enumerate([("Tsunami recovery", "Seawalls and relocation to higher ground"),
                                          ("Compact city", "Homes along tram lines"),
                                          ("Waste sorting", "Household recycling in ten categories"),
                                          ("Flood maps", "Hazard maps and evacuation drills")]):
        product(title=title, summary=summary, slug=f"p{i}")

    def answer():
        result = search(viewer=anonymous, query="tsunami seawalls")
        return [(h.product.slug, h.score, h.semantic) for h in result.hits]

    exact = answer()
    settings.RENKEI_TEXT_DIM_ABOVE, settings.RENKEI_TEXT_DIM = 2, 8
    catalogue.forget()
    assert answer() == exact
    cat = catalogue.current(*_model())
    assert cat.reduced.shape == (4, 8) and cat.projection is not None
    product(title="Tsunami drills", slug="p4")  # merged in: the new row is projected with the same directions
    settings.RENKEI_INDEX_CHECK_SECONDS = 0
    merged = catalogue.current(*_model())
    assert merged.size == 5 and merged.reduced.shape == (5, 8)
    assert merged.projection is cat.projection


def _model():
    from renkei.knowledge.search.indexing import encoder

    model, embedder = encoder()
    return model, embedder.dim


def test_a_very_common_word_ranks_only_the_newest_matches(anonymous, monkeypatch):
    from django.db import connection

    from renkei.knowledge.search.backends import backend

    monkeypatch.setattr(type(backend()), "RANK_AT_MOST", 3)
    for i in range(5):
        product(title=f"Water note {i}", slug=f"w{i}")
    product(title="Water", summary="Water, water and water again.", slug="older")
    for i in range(5, 8):
        product(title=f"Water note {i}", slug=f"w{i}")
    newest = {p.pk for p in Product.objects.filter(slug__in=["w5", "w6", "w7"])}
    assert {pk for pk, _score in backend().fulltext(parse_query("water"))} == newest
    assert set(backend().matches(parse_query("water"), limit=3)) == newest  # the same, unranked
    if connection.vendor == "postgresql":  # with statistics: from a window of the newest ids, widened if short
        from renkei.knowledge.search import backends

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE knowledge_searchdocument")
        backends._statistics.clear()
        backends._sizes.clear()
        monkeypatch.setattr(backends.PostgresBackend, "WINDOW_MARGIN", 0.5)
        windows = []
        window = backends.PostgresBackend._window
        monkeypatch.setattr(backends.PostgresBackend, "_window", lambda *a: windows.append(window(*a)) or windows[-1])
        assert {pk for pk, _score in backend().fulltext(parse_query("water"))} == newest
        for i in range(8):
            product(title=f"Drains {i}", slug=f"drains-{i}")  # the newest ids now hold no water
        assert {pk for pk, _score in backend().fulltext(parse_query("water"))} == newest
        assert windows[0] is not None and windows[1] is not None
    monkeypatch.setattr(type(backend()), "RANK_AT_MOST", 100)
    everything = backend().fulltext(parse_query("water"))
    assert set(backend().matches(parse_query("water"), limit=100)) == {pk for pk, _score in everything}
    assert len(everything) == 9 and [s for _pk, s in everything] == sorted((s for _pk, s in everything), reverse=True)


def test_the_snippet_comes_from_a_file_when_summary_and_body_lack_the_words(anonymous):
    from renkei.knowledge.models import ProductFile

    product(title="Water safety plans", summary="Plans for utilities.", slug="plain")
    with_file = product(title="Water audits", summary="Audits for utilities.", slug="with-file")
    ProductFile.objects.create(product=with_file, file="knowledge/a.pdf", name="a.pdf", kind="pdf", size=10,
                               text="Chapter 2: the night-flow water balance of district meters.")
    hits = {h.product.slug: h for h in search(viewer=anonymous, query="water", mode="fulltext").hits}
    assert "<mark>water</mark> balance" in hits["with-file"].snippet_html
    assert "<mark>" not in hits["plain"].snippet_html


# --- place names across scripts -------------------------------------------------------------------

def test_a_place_named_in_one_script_finds_products_that_name_it_in_the_other(anonymous):
    from renkei.places.tests.factories import PlaceFactory

    PlaceFactory(slug="kamaishi", name_en="Kamaishi", name_ja="釜石市", name_local="釜石市")
    product(title={"ja": "釜石市の津波からの復興"}, summary={"ja": "防災教育と高台移転"}, slug="japanese")
    product(title="Kamaishi steelworks and the port", slug="english")
    product(title="Evacuation drills in primary schools", places=["kamaishi"], slug="tied")
    product(title="Compact city planning in Toyama", slug="unrelated")
    for query in ("Kamaishi", "釜石"):  # the name in either script: both scripts, and what is tied to the city
        found = slugs(search(viewer=anonymous, query=query))
        assert set(found[:3]) == {"english", "japanese", "tied"} and "unrelated" not in found, query
    # full text alone keeps to the query's own words
    assert slugs(search(viewer=anonymous, query="Kamaishi", mode="fulltext")) == ["english"]


def test_the_places_a_query_names():
    from renkei.knowledge.search.expansion import named_places, place_names
    from renkei.places.tests.factories import PlaceFactory

    cebu = PlaceFactory(name_en="Cebu City", name_ja="セブ市", name_local="Dakbayan sa Sugbo")
    toyama = PlaceFactory(name_en="Toyama", name_ja="富山市")
    prefecture = PlaceFactory(name_en="Toyama Prefecture", name_ja="富山県", level="region")
    PlaceFactory(name_en="Hidden Town", name_ja="隠町", is_published=False)
    PlaceFactory(name_en="Japan", name_ja="日本", level="country")
    PlaceFactory(name_en="Of", name_ja="オフ")
    PlaceFactory(name_en="Mobile", name_ja="", name_local="mobile")  # one name: nothing to add
    names = place_names()
    assert named_places("waste in Cebu", names) == [cebu.pk]
    assert named_places("cebu city waste", names) == [cebu.pk]
    assert named_places("セブのごみ", names) == [cebu.pk]
    assert named_places("富山のコンパクトシティ", names) == [toyama.pk, prefecture.pk]
    assert named_places("Toyama Prefecture", names) == [prefecture.pk, toyama.pk]
    assert named_places("hidden town 隠町", names) == []  # not published
    assert named_places("日本 japan", names) == []  # countries are filters, not names to search for
    assert named_places("cities of Japan", names) == []  # too short to be told from a word
    assert named_places("mobile health", names) == []
    assert set(names.names[cebu.pk]) == {"cebu city", "cebu", "セブ市", "セブ", "dakbayan sa sugbo"}


def test_renamed_places_are_picked_up():
    from renkei.knowledge.search.expansion import named_places, place_names
    from renkei.places.tests.factories import PlaceFactory

    place = PlaceFactory(name_en="Newtown", name_ja="ニュータウン")
    assert named_places("Newtown", place_names()) == [place.pk]
    place.name_en = "Oldbury"
    place.save()
    assert named_places("Newtown", place_names()) == []
    assert named_places("Oldbury", place_names()) == [place.pk]


def test_japanese_words_of_every_length_are_found_and_a_three_character_word_stays_whole(anonymous):
    product(title={"ja": "下水道の老朽化対策"}, slug="sewers")
    product(title={"ja": "下水処理場と水道の料金"}, slug="apart")  # 下水 and 水道, but not 下水道
    product(title={"ja": "再生可能エネルギーの導入"}, slug="renewables")
    assert slugs(search(viewer=anonymous, query="下水道", mode="fulltext")) == ["sewers"]
    assert slugs(search(viewer=anonymous, query="再生可能エネルギー", mode="fulltext")) == ["renewables"]
    assert slugs(search(viewer=anonymous, query="エネルギー導入", mode="fulltext")) == []
    assert set(slugs(search(viewer=anonymous, query="水道", mode="fulltext"))) == {"sewers", "apart"}


def test_facet_counts_agree_for_a_few_rows_and_for_many():
    import numpy as np

    from renkei.knowledge.search.catalogue import Pairs

    rng = np.random.default_rng(7)
    rows = rng.integers(0, 1000, 2500).astype(np.int32)
    values = rng.integers(1, 40, 2500).astype(np.int64)
    pairs = Pairs(rows, values)
    for size in (0, 1, 30, 120, 900):
        selected = np.zeros(1000, dtype=bool)
        selected[rng.choice(1000, size, replace=False)] = True
        expected: dict[int, int] = {}
        for row, value in zip(rows.tolist(), values.tolist(), strict=True):
            if selected[row]:
                expected[value] = expected.get(value, 0) + 1
        assert pairs.counts(selected) == expected


def test_postgres_matches_a_long_japanese_word_by_its_bigrams_and_a_short_one_as_a_phrase():
    from renkei.knowledge.search.analysis import Term
    from renkei.knowledge.search.backends import PostgresBackend

    postgres = PostgresBackend()
    sql, params = postgres.tsquery([Term("コンパクトシティ")])
    assert sql == "(plainto_tsquery('simple', %s))" and params == ["コン ンパ パク クト トシ シテ ティ"]
    sql, params = postgres.tsquery([Term("下水道")])
    assert sql == "(phraseto_tsquery('simple', %s))" and params == ["下水 水道"]
    sql, params = postgres.tsquery([Term("sdgs未来都市")])  # apart, or written together as one word
    assert " && " in sql and "to_tsquery" in sql and params == ["sdgs", "未来 来都 都市", "'sdgs未来都市':*"]
    sql, _params = postgres.tsquery([Term("kobe防災")])  # the Latin word in the text, the Japanese in its bigrams
    assert " && " in sql and " <-> " not in sql
    sql, _params = postgres.tsquery([Term("地域 包括", phrase=True)])  # a phrase in one script keeps its order
    assert " <-> " in sql
    sql, params = postgres.tsquery(parse_query("SDGs未来都市"))  # its spaced variant reads the same: once
    assert sql.count("&&") == 1 and params == ["sdgs", "未来 来都 都市", "'sdgs未来都市':*"]


def test_latin_letters_and_japanese_written_together_are_found(anonymous):
    product(title={"ja": "SDGs未来都市の取組"}, slug="together")
    product(title={"ja": "CO2削減の目標"}, slug="co2")
    assert slugs(search(viewer=anonymous, query="SDGs未来都市", mode="fulltext")) == ["together"]
    assert slugs(search(viewer=anonymous, query="CO2削減", mode="fulltext")) == ["co2"]


def test_latin_words_written_into_japanese_text_are_words_of_it(anonymous):
    """Japanese writes acronyms into its text without spaces; the acronym alone finds them."""
    product(title={"ja": "本市はSDGs未来都市に選定された"}, summary={"ja": "DX推進とCO2削減の計画"}, slug="glued")
    product(title={"en": "SDGs in Toyama"}, slug="english")
    product(title={"ja": "未来都市の構想"}, slug="japanese")
    assert sorted(slugs(search(viewer=anonymous, query="SDGs", mode="fulltext"))) == ["english", "glued"]
    assert slugs(search(viewer=anonymous, query="SDGs未来都市", mode="fulltext")) == ["glued"]
    assert slugs(search(viewer=anonymous, query="SDGs 未来都市", mode="fulltext")) == ["glued"]
    assert slugs(search(viewer=anonymous, query="dx", mode="fulltext")) == ["glued"]
    hit = search(viewer=anonymous, query="co2", mode="fulltext").hits[0]
    assert hit.product.slug == "glued" and "<mark>CO2</mark>削減" in hit.snippet_html
    titles = {h.product.slug: h.title_html for h in search(viewer=anonymous, query="sdgs", mode="fulltext").hits}
    assert "本市は<mark>SDGs</mark>未来都市" in titles["glued"]  # shown as written


def test_documents_indexed_before_the_scripts_were_spaced_are_spaced_by_the_migration(anonymous):
    import importlib

    from django.apps import apps

    from renkei.knowledge.models import SearchDocument

    glued = product(title={"ja": "SDGs未来都市の取組"}, slug="glued")
    SearchDocument.objects.filter(product=glued).update(title="sdgs未来都市の取組")  # as indexed before
    assert slugs(search(viewer=anonymous, query="SDGs", mode="fulltext")) == []
    assert slugs(search(viewer=anonymous, query="SDGs未来都市", mode="fulltext")) == ["glued"]  # the old form too
    importlib.import_module("renkei.knowledge.migrations.0006_spaced_scripts").forwards(apps, None)
    assert SearchDocument.objects.get(product=glued).title == "sdgs 未来都市の取組"
    assert slugs(search(viewer=anonymous, query="SDGs", mode="fulltext")) == ["glued"]


def test_a_synonym_added_to_a_theme_reaches_the_search_and_the_theme_suggestions(anonymous, admin_user):
    """The search and the suggestions keep a copy of the taxonomy: an edit, not only a new theme,
    replaces it."""
    from renkei.matching.tagging import theme_nodes
    from renkei.places.models import Theme
    from renkei.places.services import theme_update

    product(title="Household sorting in Kitakyushu", slug="sorting", themes=["solid-waste"])
    assert search(viewer=anonymous, query="gomi").themes == []
    theme = Theme.objects.get(code="solid-waste")
    theme_update(actor=admin_user, theme=theme, data={"synonyms_en": [*theme.synonyms_en, "gomi"]})
    result = search(viewer=anonymous, query="gomi")
    assert [t.code for t in result.themes] == ["solid-waste"]
    assert slugs(result) == ["sorting"]  # found through the theme it is tagged with
    assert "gomi" in next(n for n in theme_nodes() if n.code == "solid-waste").synonyms_en
