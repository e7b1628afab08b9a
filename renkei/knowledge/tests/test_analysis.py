"""Text analysis for the search: pure functions, no database."""

from renkei.knowledge.search.analysis import (
    best_corrections,
    edit_distance,
    english_variants,
    grams,
    highlight,
    normalise,
    parse_query,
    spaced_scripts,
    vocabulary,
)


def test_normalise_folds_width_and_case():
    assert normalise("ＣＯＭＰＡＣＴ ｼﾃｨ") == "compact シティ"


def test_grams_hold_japanese_bigrams_in_order_single_characters_and_short_latin_words():
    out = grams("津波の防災 EV 3R bus")
    assert out.split()[:3] == ["_津波_", "_波の_", "_の防_"]
    assert "_防災_" in out and "_水_" not in out
    assert "_ev_" in out and "_3r_" in out
    assert "_bus_" not in out  # three letters: the trigram index finds it itself
    assert "_津_" in out  # single characters of longer runs, for one-character queries
    assert grams("水") == "_水_"


def test_vocabulary_keeps_latin_words_of_four_letters_or_more():
    assert vocabulary("Tsunami recovery in 津波 Kobe 2016 AI") == {"tsunami", "recovery", "kobe"}


def test_english_variants():
    assert english_variants("city") == ["city", "cities"]
    assert english_variants("cities") == ["cities", "city"]
    assert english_variants("buses") == ["buses", "bus"]
    assert english_variants("waste") == ["waste", "wastes"]
    assert english_variants("津波") == ["津波"]


def test_parse_query_keeps_phrases_drops_stop_words_and_punctuation():
    terms = parse_query('"Compact City" policies, for the elderly!')
    assert [(t.text, t.phrase) for t in terms] == [("compact city", True), ("policies", False), ("elderly", False)]
    assert parse_query("the") [0].text == "the"  # a query of stop words only keeps them
    assert parse_query("   ") == []


def test_edit_distance_counts_swaps_as_one():
    assert edit_distance("tsunami", "tsunami") == 0
    assert edit_distance("tsunammi", "tsunami") == 1
    assert edit_distance("tusnami", "tsunami") == 1
    assert edit_distance("kitten", "sitting", limit=5) == 3
    assert edit_distance("a" * 20, "b" * 20, limit=2) == 3


def test_corrections_are_nearest_first_within_the_allowed_distance():
    assert best_corrections("tsunammi", ["tsunami", "summit", "salami"]) == ["tsunami"]
    assert best_corrections("recovry", ["recovery", "discovery"]) == ["recovery"]
    assert best_corrections("wast", ["waste", "vast", "water"]) == ["vast", "waste"]


def test_highlight_marks_the_words_and_escapes_everything_else():
    html, found = highlight("<b>Tsunami</b> recovery & rebuilding after the tsunami", ["tsunami"])
    assert found
    assert "<b>" not in html and "&lt;b&gt;" in html and "&amp;" in html
    assert html.count("<mark>") == 2


def test_highlight_finds_japanese_inside_words_and_cuts_long_texts():
    text = "あ" * 400 + "津波からの復興" + "い" * 400
    html, found = highlight(text, ["津波"], width=100)
    assert found and "<mark>津波</mark>" in html
    assert html.startswith("…") and html.endswith("…")
    assert len(html) < 200
    plain, found = highlight("No match here", ["tsunami"])
    assert not found and plain == "No match here"


def test_a_space_where_japanese_and_latin_script_meet():
    assert spaced_scripts("本市はsdgs未来都市に選定") == "本市は sdgs 未来都市に選定"
    assert spaced_scripts("co2削減、dx推進") == "co2 削減、dx 推進"
    assert spaced_scripts("kobe 防災") == "kobe 防災"  # a space already there stays one
    assert spaced_scripts("non-revenue water") == "non-revenue water"
    assert spaced_scripts("津波からの復興") == "津波からの復興"


def test_a_term_written_in_both_scripts_also_looks_for_its_spaced_form():
    together, phrase = parse_query('SDGs未来都市 "CO2削減の目標"')
    assert together.alternatives == ["sdgs未来都市", "sdgs 未来都市"]
    assert phrase.phrase and phrase.alternatives == ["co2削減の目標", "co2 削減の目標"]
    assert parse_query("津波")[0].alternatives == ["津波"]
