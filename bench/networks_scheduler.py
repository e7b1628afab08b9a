"""The rotating presidency scheduler (renkei/networks/rotation.py) on synthetic networks. Prints JSON.

    .venv/bin/python bench/networks_scheduler.py [--members 200] [--terms 20] [--runs 50]

Members are spread over 6 regions and 40 countries; about 70 % volunteer and 85 % are in good
standing; each has 0–3 past terms and there are 12 past presidents. Three cases: the default rules
(a schedule exists), the same with a cap of five terms per member (past ones included), and an impossible rule set (only
one region has volunteers in good standing, so two presidents in a row from the same region cannot be
avoided), and one where a cap of one term per member leaves too few members outside the one country
most come from (190 of 200) to keep two of its members from following each other: the time to prove
the refusal and find the rule to blame. The target is ≤ 1 s for 200
members and 20 terms.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from renkei.networks.rotation import Candidate, Holder, Rules, schedule  # noqa: E402

REGIONS = ["Africa", "Americas", "East Asia", "Europe", "Oceania", "South Asia"]


def network(members: int, seed: int = 7) -> tuple[list[Candidate], list[Holder]]:
    rng = random.Random(seed)
    people = []
    for i in range(members):
        region = REGIONS[i % len(REGIONS)]
        people.append(Candidate(key=f"m{i}", name=f"Member {i:03d}", country=f"C{rng.randrange(40):02d}",
                                region=region, good_standing=rng.random() < 0.85, volunteered=rng.random() < 0.7,
                                past_terms=rng.randrange(4), last_term_year=2000 + rng.randrange(26)))
    history = [Holder(p.key, p.country, p.region, 2002 + 2 * n) for n, p in enumerate(rng.sample(people, 12))]
    return people, history


def timed(runs: int, call) -> dict:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = call()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {"median_ms": round(statistics.median(times), 2),
            "p95_ms": round(times[min(len(times) - 1, int(0.95 * len(times)))], 2),
            "max_ms": round(times[-1], 2), "ok": result.ok,
            "refused_by": result.refusal.rule if result.refusal else None, "proposed": len(result.proposals)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--terms", type=int, default=20)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    people, history = network(args.members)
    rules = Rules()
    crowded = [Candidate(key=f"m{i}", name=f"Member {i:03d}", country="JP" if i >= 10 else f"C{i}", region="Asia")
               for i in range(args.members)]
    lonely = [replace(p, volunteered=p.region == "Europe" and p.volunteered) for p in people]
    out = {
        "members": args.members, "terms": args.terms, "runs": args.runs,
        "default_rules": timed(args.runs, lambda: schedule(people, history, rules, terms=args.terms,
                                                           first_year=2027)),
        "max_five_terms": timed(args.runs, lambda: schedule(people, history, replace(rules, max_terms=5),
                                                           terms=args.terms, first_year=2027)),
        "impossible": timed(args.runs, lambda: schedule(lonely, history, rules, terms=args.terms, first_year=2027)),
        "impossible_with_cap": timed(args.runs, lambda: schedule(
            crowded, [], Rules(no_consecutive_region=False, rotate_regions=False, max_terms=1),
            terms=args.terms + 5, first_year=2027)),
        "target_ms": 1000,
    }
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
