"""The rotating presidency scheduler, pure (no Django, no database): given the members who could
preside, the past presidents and the rules, propose the next N presidents with the facts that
chose each, or name the rule that makes a schedule impossible. See docs/algorithms/presidency.md.

Hard rules (each may be switched off):

- ``volunteers_only`` and ``good_standing_only`` filter the candidates;
- ``no_consecutive_country`` / ``no_consecutive_region``: two terms in a row never go to the same
  country / region (the last past president counts for the first proposed term);
- ``rotate_regions``: each term goes to one of the regions (among those with a candidate) that
  have waited longest since they last held the presidency (never counts as longest);
- ``max_terms``: no member holds more than this many terms in all (past and proposed).

A member never holds two terms in a row. Among the candidates the rules allow, the fairest goes
first: fewest terms so far (past and proposed), then the longest since their last term, then the
name. The search goes depth first in that order and remembers the states it has proved to be
dead ends, so a schedule that exists is found, and a refusal is proved rather than guessed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

HARD_RULES = ("max_terms", "no_consecutive_country", "no_consecutive_region", "rotate_regions")
NEVER = -10**9


@dataclass(frozen=True)
class Candidate:
    key: str
    name: str
    country: str
    region: str
    good_standing: bool = True
    volunteered: bool = True
    past_terms: int = 0
    last_term_year: int | None = None


@dataclass(frozen=True)
class Holder:
    """A past president, oldest first in the history."""

    key: str
    country: str
    region: str
    year: int


@dataclass(frozen=True)
class Rules:
    term_years: int = 2
    no_consecutive_country: bool = True
    no_consecutive_region: bool = True
    rotate_regions: bool = True
    good_standing_only: bool = True
    volunteers_only: bool = True
    max_terms: int | None = None


@dataclass(frozen=True)
class Proposal:
    term: int  # 1-based
    starts_year: int
    ends_year: int
    candidate: Candidate
    terms_before: int  # the candidate's terms before this one, past and proposed
    region_waited: int | None  # terms since the region last presided; None: never
    choices: int  # candidates the rules allowed for this term


@dataclass(frozen=True)
class Refusal:
    rule: str  # the rule that makes it impossible
    details: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Schedule:
    proposals: tuple[Proposal, ...]
    refusal: Refusal | None
    eligible: int

    @property
    def ok(self) -> bool:
        return self.refusal is None


class _Budget(Exception):
    pass


def eligible(candidates: Sequence[Candidate], rules: Rules) -> list[Candidate]:
    return [c for c in candidates
            if (c.volunteered or not rules.volunteers_only) and (c.good_standing or not rules.good_standing_only)]


def _search(pool: list[Candidate], history: Sequence[Holder], rules: Rules, terms: int, first_year: int,
            budget: int) -> list[Proposal] | None:
    regions = sorted({c.region for c in pool})
    region_last: dict[str, int] = {r: NEVER for r in regions}
    for index, holder in enumerate(history):
        if holder.region in region_last:
            region_last[holder.region] = index
    by_region: dict[str, list[Candidate]] = {r: [c for c in pool if c.region == r] for r in regions}
    by_key = {c.key: c for c in pool}
    last = history[-1] if history else None
    start_index = len(history)
    dead: set = set()
    expansions = [0]

    def signature(c: Candidate) -> tuple:
        """What a candidate is to the hard rules: members alike in it are interchangeable there."""
        return (c.country, c.region, rules.max_terms - counts[c.key] if rules.max_terms else None)

    def shape(last_key, last_country) -> tuple:
        """The state as the hard rules see it, with countries known only by what they have left: the
        terms left to each of their members, whether the last president was theirs (and what that
        member has left). Two states of the same shape both lead to a schedule, or neither does."""
        groups: dict[tuple[str, str], list[int]] = {}
        for c in pool:
            groups.setdefault((c.region, c.country), []).append(
                rules.max_terms - counts[c.key] if rules.max_terms else 0)
        last = by_key.get(last_key)
        items = []
        for (region, country), left in groups.items():
            mine = last is not None and (last.region, last.country) == (region, country)
            items.append((region, tuple(sorted(left)), country == last_country,
                          (rules.max_terms - counts[last.key] if rules.max_terms else 0) if mine else None))
        return tuple(sorted(items, key=repr))

    def search(step: int, last_key, last_country, last_region, region_state: tuple, counts: dict[str, int],
               last_year: dict[str, int]) -> list[Proposal] | None:
        if step == terms:
            return []
        state = (step, last_region, region_state, shape(last_key, last_country))
        if state in dead:
            return None
        expansions[0] += 1
        if expansions[0] > budget:
            raise _Budget
        region_at = dict(region_state)
        if rules.rotate_regions:
            oldest = min(region_at.values())
            allowed_regions = [r for r in regions if region_at[r] == oldest]
        else:
            allowed_regions = regions
        options = [c for r in allowed_regions for c in by_region[r]
                   if c.key != last_key and (not rules.max_terms or counts[c.key] < rules.max_terms)
                   and not (rules.no_consecutive_country and c.country == last_country)
                   and not (rules.no_consecutive_region and c.region == last_region)]
        options.sort(key=lambda c: (counts[c.key], last_year.get(c.key, NEVER), c.name, c.key))
        index = start_index + step
        year = first_year + step * rules.term_years
        tried: set[tuple] = set()
        for c in options:
            alike = signature(c)
            if alike in tried:  # one like it already led nowhere
                continue
            tried.add(alike)
            waited = None if region_at[c.region] == NEVER else index - region_at[c.region]
            region_at_next = {**region_at, c.region: index}
            before = counts[c.key]
            counts[c.key] += 1
            previous_year = last_year.get(c.key)
            last_year[c.key] = year
            rest = search(step + 1, c.key, c.country, c.region, tuple(sorted(region_at_next.items())), counts,
                          last_year)
            counts[c.key] -= 1
            if previous_year is None:
                last_year.pop(c.key)
            else:
                last_year[c.key] = previous_year
            if rest is not None:
                proposal = Proposal(term=step + 1, starts_year=year, ends_year=year + rules.term_years - 1,
                                    candidate=c, terms_before=before, region_waited=waited, choices=len(options))
                return [proposal, *rest]
        dead.add(state)
        return None

    counts = {c.key: c.past_terms for c in pool}
    last_year = {c.key: c.last_term_year for c in pool if c.last_term_year is not None}
    return search(0, last.key if last else None, last.country if last else None, last.region if last else None,
                  tuple(sorted(region_last.items())), counts, last_year)


def schedule(candidates: Sequence[Candidate], history: Sequence[Holder], rules: Rules, *, terms: int,
             first_year: int, budget: int = 200_000) -> Schedule:
    """The next ``terms`` presidents from ``first_year``, or the rule that makes it impossible."""
    if terms < 1:
        return Schedule((), Refusal("terms", {"terms": terms}), 0)
    if rules.term_years < 1:
        return Schedule((), Refusal("term_years", {"term_years": rules.term_years}), 0)
    pool = eligible(candidates, rules)
    if not pool:
        volunteers = [c for c in candidates if c.volunteered]
        if rules.volunteers_only and not volunteers:
            return Schedule((), Refusal("volunteers_only", {"members": len(candidates), "volunteers": 0}), 0)
        return Schedule((), Refusal("good_standing_only", {"volunteers": len(volunteers), "in_good_standing": 0}), 0)
    if rules.max_terms:
        room = sum(max(0, rules.max_terms - c.past_terms) for c in pool)
        if room < terms:
            return Schedule((), Refusal("max_terms", {"eligible": len(pool), "max_terms": rules.max_terms,
                                                      "room": room, "terms": terms}), len(pool))
    try:
        found = _search(pool, history, rules, terms, first_year, budget)
    except _Budget:
        return Schedule((), Refusal("search_limit", {"budget": budget}), len(pool))
    if found is not None:
        return Schedule(tuple(found), None, len(pool))
    return Schedule((), _diagnose(pool, history, rules, terms, first_year, budget), len(pool))


def _diagnose(pool: list[Candidate], history: Sequence[Holder], rules: Rules, terms: int, first_year: int,
              budget: int) -> Refusal:
    """The hard rule whose lifting alone would make a schedule possible (the first in HARD_RULES
    order); else the fact that a lone candidate cannot hold two terms in a row."""
    details = {"eligible": len(pool), "countries": sorted({c.country for c in pool}),
               "regions": sorted({c.region for c in pool})}
    for rule in HARD_RULES:
        if not getattr(rules, rule):
            continue
        lifted = replace(rules, **{rule: None if rule == "max_terms" else False})
        try:
            if _search(pool, history, lifted, terms, first_year, budget) is not None:
                return Refusal(rule, details)
        except _Budget:
            continue
    active = [rule for rule in HARD_RULES if getattr(rules, rule)]
    if len(pool) == 1 or not active:
        return Refusal("consecutive_terms", details)
    return Refusal("+".join(active), details)
