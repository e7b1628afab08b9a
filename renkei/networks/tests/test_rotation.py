"""The presidency scheduler on its own (no database)."""

import time

from renkei.networks.rotation import Candidate, Holder, Rules, schedule


def c(key, country, region, **kw):
    return Candidate(key=key, name=key.title(), country=country, region=region, **kw)


ASIA = [c("yokohama", "JP", "NE"), c("kobe", "JP", "NE"), c("surabaya", "ID", "SEA"), c("cebu", "PH", "SEA"),
        c("essen", "DE", "EU")]


def test_proposes_n_terms_obeying_every_rule():
    result = schedule(ASIA, [], Rules(term_years=2), terms=6, first_year=2027)
    assert result.ok and len(result.proposals) == 6
    years = [(p.starts_year, p.ends_year) for p in result.proposals]
    assert years[:2] == [(2027, 2028), (2029, 2030)]
    for a, b in zip(result.proposals, result.proposals[1:], strict=False):
        assert a.candidate.country != b.candidate.country
        assert a.candidate.region != b.candidate.region
    # rotation: the three regions each preside once in the first three terms
    assert {p.candidate.region for p in result.proposals[:3]} == {"NE", "SEA", "EU"}


def test_the_last_past_president_counts_and_waiting_regions_go_first():
    history = [Holder("essen", "DE", "EU", 2021), Holder("surabaya", "ID", "SEA", 2023)]
    result = schedule(ASIA, history, Rules(), terms=1, first_year=2025)
    first = result.proposals[0]
    assert first.candidate.region == "NE" and first.region_waited is None


def test_fair_spread_prefers_fewer_past_terms():
    people = [c("a", "JP", "NE", past_terms=2), c("b", "KR", "NE", past_terms=0), c("x", "ID", "SEA")]
    result = schedule(people, [], Rules(), terms=1, first_year=2027)
    assert result.proposals[0].candidate.key in {"b", "x"}
    assert result.proposals[0].terms_before == 0


def test_only_volunteers_in_good_standing():
    people = [c("a", "JP", "NE", volunteered=False), c("b", "ID", "SEA", good_standing=False), c("d", "DE", "EU"),
              c("e", "FR", "EU2")]
    result = schedule(people, [], Rules(), terms=4, first_year=2027)
    assert {p.candidate.key for p in result.proposals} == {"d", "e"}


def test_refuses_when_nobody_volunteered():
    result = schedule([c("a", "JP", "NE", volunteered=False)], [], Rules(), terms=1, first_year=2027)
    assert not result.ok and result.refusal.rule == "volunteers_only"


def test_refuses_when_no_volunteer_is_in_good_standing():
    result = schedule([c("a", "JP", "NE", good_standing=False)], [], Rules(), terms=1, first_year=2027)
    assert result.refusal.rule == "good_standing_only"


def test_names_the_country_rule_when_every_candidate_shares_a_country():
    people = [c("a", "JP", "NE"), c("b", "JP", "SEA")]
    result = schedule(people, [], Rules(), terms=3, first_year=2027)
    assert not result.ok and result.refusal.rule == "no_consecutive_country"
    assert result.refusal.details["countries"] == ["JP"]


def test_names_the_region_rule_when_one_region_is_left():
    people = [c("a", "JP", "NE"), c("b", "KR", "NE")]
    result = schedule(people, [], Rules(), terms=2, first_year=2027)
    assert result.refusal.rule == "no_consecutive_region"


def test_a_lone_candidate_cannot_preside_twice_in_a_row():
    result = schedule([c("a", "JP", "NE")], [], Rules(no_consecutive_country=False, no_consecutive_region=False),
                      terms=2, first_year=2027)
    assert result.refusal.rule == "consecutive_terms"


def test_lifting_a_rule_makes_it_possible():
    people = [c("a", "JP", "NE"), c("b", "JP", "SEA")]
    assert schedule(people, [], Rules(no_consecutive_country=False), terms=3, first_year=2027).ok


def test_no_terms_is_refused():
    assert schedule(ASIA, [], Rules(), terms=0, first_year=2027).refusal.rule == "terms"


def test_200_members_20_terms_within_a_second():
    regions = ["Africa", "Americas", "Asia", "Europe", "Oceania"]
    people = [c(f"m{i}", f"C{i % 37}", regions[i % 5], past_terms=i % 3) for i in range(200)]
    started = time.perf_counter()
    result = schedule(people, [], Rules(), terms=20, first_year=2027)
    assert result.ok and len(result.proposals) == 20
    assert time.perf_counter() - started < 1


def test_max_terms_caps_each_member():
    people = [c("a", "JP", "NE"), c("b", "ID", "SEA"), c("d", "DE", "EU", past_terms=1)]
    result = schedule(people, [], Rules(max_terms=1), terms=2, first_year=2027)
    assert {p.candidate.key for p in result.proposals} == {"a", "b"}
    refused = schedule(people, [], Rules(max_terms=1), terms=3, first_year=2027)
    assert refused.refusal.rule == "max_terms" and refused.refusal.details["room"] == 2


def test_a_crowded_country_under_a_cap_is_refused_quickly():
    people = [c(f"j{i}", "JP", "Asia") for i in range(150)] + [c(f"o{i}", f"X{i}", "Asia") for i in range(10)]
    started = time.perf_counter()
    result = schedule(people, [], Rules(no_consecutive_region=False, rotate_regions=False, max_terms=1),
                      terms=25, first_year=2027)
    assert result.refusal.rule == "max_terms"
    assert time.perf_counter() - started < 1
