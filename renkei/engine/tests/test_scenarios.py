"""The promises of the issue on a small hand-written world and on the shipped demo data, and the
numbers of the worked example in docs/algorithms/matching.md §10."""

import pytest

from renkei.engine.api import pair_cohort
from renkei.engine.index import MatchIndex
from renkei.engine.tagging import tag_text
from renkei.engine.tests.fixtures import SMALL_WORLD, by_slug, demo_profiles, small_space, taxonomy
from renkei.engine.types import PRESETS, PlaceProfile, Statement


def asker(space, text: str) -> PlaceProfile:
    tagged = tag_text(text, space.themes)
    return PlaceProfile(99, "Asker", "PH", population=500_000, needs=tuple(Statement(t, 5, text) for t, _ in tagged))


def test_toyama_is_the_top_expertise_match_for_a_compact_city_with_public_transport():
    space = small_space()
    query = asker(space, "compact city with public transport")
    assert len(query.needs) == 2
    index = MatchIndex(space, [*SMALL_WORLD, query])
    best = index.rank(99, "expertise", top=3)[0]
    assert index.profile(best.place_id).name == "Toyama"
    assert any(e.text_en == "Toyama's expertise in compact city meets your need for compact city"
               for e in best.explanation)
    assert any(e.text_ja == "富山市の「公共交通」の知見が、「公共交通」に関する貴市のニーズに応えます"
               for e in best.explanation)


def test_kamaishi_mutual_matches_include_banda_aceh_with_a_tsunami_explanation():
    index = MatchIndex(small_space(), SMALL_WORLD)
    results = index.rank(1, "mutual", top=3)
    match = next(r for r in results if r.place_id == 2)
    assert any("tsunami" in e.text_en for e in match.explanation)
    assert any("津波" in e.text_ja for e in match.explanation)
    reverse = next(e for e in match.explanation if e.code == "you_can_offer")
    assert reverse.text_en == ("Your expertise in early warning and evacuation meets Banda Aceh's need for "
                               "early warning and evacuation")


def test_explanations_in_both_languages_for_every_result_and_preset():
    for index, query in ((MatchIndex(small_space(), SMALL_WORLD), 1),
                         (MatchIndex(taxonomy()[0], demo_profiles()), by_slug("kobe").id)):
        for preset in PRESETS:
            for result in index.rank(query, preset, top=5):
                assert result.explanation
                for e in result.explanation:
                    assert e.text_en and e.text_ja and e.code
                    assert not any("\u3040" <= ch <= "\u9fff" for ch in e.text_en)


def test_ageing_and_decline_explanation_names_sizes():
    kamaishi = SMALL_WORLD[0]
    neighbour = PlaceProfile(50, "Ofunato", "JP", name_ja="大船渡市", population=45_000, share_65_plus=38.0,
                             growth=-1.2, needs=kamaishi.needs)
    index = MatchIndex(small_space(), [kamaishi, neighbour])
    texts = [(e.text_en, e.text_ja) for e in index.rank(1, "peer", top=1)[0].explanation]
    assert ("Both face ageing and population decline (similar size: 31k vs 45k)",
            "ともに高齢化と人口減少に直面（人口規模が近い：3.1万人と4.5万人）") in texts


def test_demo_toyama_and_banda_aceh():
    space, _ids = taxonomy()
    query = asker(space, "compact city with public transport")
    index = MatchIndex(space, [*demo_profiles(), query])
    assert index.rank(99, "expertise", top=1)[0].place_id == by_slug("toyama").id
    results = index.rank(by_slug("kamaishi").id, "mutual", top=5)
    match = next(r for r in results if r.place_id == by_slug("banda-aceh").id)
    assert any("tsunami" in e.text_en.lower() for e in match.explanation)


def test_demo_cohort_pairing():
    index = MatchIndex(taxonomy()[0], demo_profiles())
    eu = [p.id for p in demo_profiles() if p.country in {"DE", "FI", "SE"}]
    jp = [p.id for p in demo_profiles() if p.country == "JP"]
    result = pair_cohort(index, eu, jp, weights="mutual")
    assert len(result.pairs) == len(eu) and len({p.b_id for p in result.pairs}) == len(eu)
    assert result.total >= result.greedy_total - 1e-6
    assert all(p.explanation and p.explanation[0].text_ja for p in result.pairs)
    two = pair_cohort(index, eu, jp, weights="mutual", capacity=2)
    assert len(two.pairs) == 2 * len(eu)
    stable = pair_cohort(index, eu, jp, weights="mutual", method="stable", capacity=2)
    assert len(stable.pairs) == 2 * len(eu)


WORKED = {  # docs/algorithms/matching.md §10, without text
    ("kamaishi", "banda-aceh"): {"expertise": 0.1143, "reverse": 0.225, "mutual": 0.1519, "peer": 0.4027},
    ("kamaishi", "toyama"): {"expertise": 0.3071, "reverse": 0.505, "mutual": 0.382, "peer": 0.635},
    ("kamaishi", "essen"): {"expertise": 0.0, "reverse": 0.0, "mutual": 0.0, "peer": 0.3314},
}


def worked_index() -> MatchIndex:
    space, _ = taxonomy()
    return MatchIndex(space, [by_slug(s) for s in ("kamaishi", "banda-aceh", "toyama", "essen")])


@pytest.mark.parametrize("pair", list(WORKED))
def test_worked_example_numbers(pair):
    index = worked_index()
    a, b = index.row[by_slug(pair[0]).id], index.row[by_slug(pair[1]).id]
    comps = index.components(a, ["expertise", "reverse", "mutual", "peer"])
    for name, value in WORKED[pair].items():
        assert float(comps[name][b]) == pytest.approx(value, abs=6e-4), name


def test_worked_example_ranking():
    index = worked_index()
    results = index.rank(by_slug("kamaishi").id, "mutual", top=3)
    assert [(index.profile(r.place_id).slug, r.score) for r in results] == [
        ("toyama", 0.4323), ("banda-aceh", 0.2018), ("essen", 0.0662)]
