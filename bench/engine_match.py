"""Top-20 partner search over 100,000 synthetic places, in the engine. Prints JSON.

    .venv/bin/python bench/engine_match.py [--places 100000] [--queries 200]
"""

import argparse
import json
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.reference_matching import Reference  # noqa: E402
from bench.synthetic import places, random_text_vectors, themes  # noqa: E402
from renkei.engine.index import MatchIndex  # noqa: E402
from renkei.engine.types import PRESETS  # noqa: E402


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--places", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--text-dim", type=int, default=128)
    parser.add_argument("--reference-places", type=int, default=2_000)
    args = parser.parse_args()
    space = themes()
    rows = places(args.places, space)
    rss_before = rss_mb()
    started = time.perf_counter()
    index = MatchIndex(space, rows)
    random_text_vectors(index, args.text_dim)
    build_s = time.perf_counter() - started
    out = {"places": args.places, "themes": len(space), "text_dim": args.text_dim,
           "index_build_s": round(build_s, 2), "index_mb": round(index.nbytes / 1e6, 1),
           "rss_growth_mb": round(rss_mb() - rss_before, 1), "presets": {}}
    step = max(1, args.places // args.queries)
    for preset, weights in PRESETS.items():
        times = []
        for q in range(args.queries):
            place_id = 1 + (q * step) % args.places
            t = time.perf_counter()
            index.rank(place_id, weights, top=20)
            times.append((time.perf_counter() - t) * 1000)
        times.sort()
        out["presets"][preset] = {"median_ms": round(statistics.median(times), 2),
                                  "p95_ms": round(times[int(0.95 * len(times)) - 1], 2)}
    # speed-up over the pure-Python reference on a subset (text similarity left out of both)
    subset = rows[: args.reference_places]
    small = MatchIndex(space, subset)
    reference = Reference(space.similarity, space.index, subset)
    weights = PRESETS["mutual"].__class__(mutual=0.8, peer=0.2)
    t = time.perf_counter()
    for q in range(5):
        small.rank(1 + q, weights, top=20, explain_results=False)
    engine_ms = (time.perf_counter() - t) * 200
    t = time.perf_counter()
    for q in range(5):
        reference.rank(1 + q, weights, top=20)
    reference_ms = (time.perf_counter() - t) * 200
    out["reference"] = {"places": len(subset), "engine_ms": round(engine_ms, 2),
                        "reference_ms": round(reference_ms, 1), "speedup": round(reference_ms / engine_ms, 1)}
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
