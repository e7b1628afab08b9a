"""Partner search over 100,000 synthetic places in the engine (no database). Prints JSON.

    .venv/bin/python bench/engine_match.py [--places 100000] [--queries 200] [--text-dim 128]
                                           [--threads N] [--reference-places 2000]

Builds a synthetic 80-theme taxonomy (10 branches of 7, with declared relations) and places with
1–5 needs and 1–5 expertise statements, context with ~10 % missing values, hazards, languages,
coordinates, partners, and theme-correlated texts. Texts are embedded by the hashing embedder (512
dimensions) behind the content cache, so the real path runs: each distinct text encoded once,
mean-pooled per place, projected onto 128 principal components fitted on a sample.

Reports the index build time, memory (the index's arrays, and the process's resident memory before
and after the build), the median and 95th percentile of top-20 queries (with explanations) per
preset, with filters, and with every component weighted, and the speed-up over the pure-Python
reference (bench/reference_matching.py) on a 2,000-place subset. ``--threads 1`` sets
OPENBLAS_NUM_THREADS before numpy loads (see bench/README.md).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

COUNTRIES = ["JP", "ID", "DE", "FI", "SE", "PH", "VN", "TH", "FR", "IT", "ES", "BR", "IN", "KE", "MX"]
LANGUAGE = {"JP": "ja", "ID": "id", "DE": "de", "FI": "fi", "SE": "sv", "VN": "vi", "TH": "th", "FR": "fr",
            "IT": "it", "ES": "es", "BR": "pt", "MX": "es"}
HAZARDS = ["earthquake", "tsunami", "flood", "typhoon", "landslide", "volcanic", "drought", "heat"]
INCOME = ["LIC", "LMC", "UMC", "HIC"]
WORDS = ["planning", "recovery", "waste", "transport", "ageing", "energy", "water", "housing", "heat", "flood",
         "jobs", "tourism", "schools", "data", "parks", "rivers", "care", "youth", "coast", "farms"]


def taxonomy(branches: int = 10, children: int = 7, seed: int = 3):
    """A synthetic taxonomy: ``branches`` roots with ``children`` themes each, a few declared relations."""
    import numpy as np

    from renkei.engine.types import ThemeNode

    rng = np.random.default_rng(seed)
    nodes, child_ids = [], []
    for b in range(branches):
        root = b * (children + 1) + 1
        nodes.append((root, f"branch-{b}", None))
        for c in range(children):
            child_ids.append(root + 1 + c)
            nodes.append((root + 1 + c, f"theme-{b}-{c}", root))
    related: dict[int, set[int]] = {}
    for _ in range(len(child_ids) // 3):
        x, y = (int(v) for v in rng.choice(child_ids, 2, replace=False))
        related.setdefault(x, set()).add(y)
    return [ThemeNode(id=i, code=code, parent_id=parent, related=tuple(sorted(related.get(i, ()))),
                      name_en=code.replace("-", " ").capitalize(), name_ja=f"テーマ{i}") for i, code, parent in nodes]


def places(n: int, themes, seed: int = 7, texts_per_theme: int = 20):
    """``n`` synthetic places; texts come from a pool of ``texts_per_theme`` sentences per theme."""
    import numpy as np

    from renkei.engine.types import PlaceProfile, Statement

    rng = np.random.default_rng(seed)
    ids = np.array([t.id for t in themes])
    pool = {int(t): [f"{t} " + " ".join(rng.choice(WORDS, 6)) for _ in range(texts_per_theme)] for t in ids}
    k_need, k_offer = rng.integers(1, 6, n), rng.integers(1, 6, n)
    population = 10 ** rng.uniform(3.5, 7, n)
    density = 10 ** rng.uniform(1.5, 4, n)
    country = rng.integers(len(COUNTRIES), size=n)
    missing = rng.random((n, 5)) < 0.1

    def statements(k):
        return tuple(Statement(int(t), int(rng.integers(1, 6)), str(rng.choice(pool[int(t)])))
                     for t in rng.choice(ids, k, replace=False))

    out = []
    for i in range(n):
        c = COUNTRIES[country[i]]
        out.append(PlaceProfile(
            id=i + 1, name=f"Place {i + 1}", country=c, level="city" if rng.random() < 0.9 else "region",
            population=None if missing[i, 0] else float(population[i]),
            density=None if missing[i, 1] else float(density[i]),
            share_65_plus=None if missing[i, 2] else float(rng.uniform(3, 40)),
            growth=None if missing[i, 3] else float(rng.uniform(-2, 4)),
            hazards=frozenset(h for h in HAZARDS if rng.random() < 0.25), coastal=bool(rng.random() < 0.4),
            income_group=INCOME[int(rng.integers(4))], lat=None if missing[i, 4] else float(rng.uniform(-50, 65)),
            lon=float(rng.uniform(-170, 175)), languages=frozenset({LANGUAGE.get(c, "en"), "en"}),
            needs=statements(k_need[i]), expertise=statements(k_offer[i]),
            partners=frozenset(int(x) for x in rng.integers(1, n + 1, 2)) if rng.random() < 0.05 else frozenset(),
        ))
    return out


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def timed(fn, repeat: int) -> dict[str, float]:
    times = []
    for q in range(repeat):
        t = time.perf_counter()
        fn(q)
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return {"median_ms": round(statistics.median(times), 2), "p95_ms": round(times[int(0.95 * len(times)) - 1], 2)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--places", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--text-dim", type=int, default=128)
    parser.add_argument("--threads", type=int, default=0, help="BLAS threads (0: the library's default)")
    parser.add_argument("--reference-places", type=int, default=2_000)
    parser.add_argument("--no-tracemalloc", dest="tracemalloc", action="store_false",
                        help="skip the second, traced build that measures memory")
    args = parser.parse_args()
    if args.threads:
        for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ[name] = str(args.threads)

    from bench.reference_matching import Reference
    from renkei.engine.embedding import CachedEmbedder, HashingEmbedder
    from renkei.engine.index import MatchIndex
    from renkei.engine.types import COMPONENTS, PRESETS, Filters, Weights

    themes = taxonomy()
    gc.collect()
    rss_start = rss_mb()
    rows = places(args.places, themes)
    gc.collect()
    rss_before = rss_mb()
    embedder = CachedEmbedder(HashingEmbedder(512))
    t = time.perf_counter()
    index = MatchIndex(themes, rows, embedder=embedder, text_dim=args.text_dim)
    build_s = time.perf_counter() - t
    cache_mb = sum(v.nbytes for v in embedder.cache.values()) / 1e6
    embedder.cache.clear()  # the platform keeps its cache in the database, not in the index
    gc.collect()
    rss_after = rss_mb()
    memory = {"index_arrays_mb": round(index.nbytes / 1e6, 1),
              "profiles_mb (the input, not the index)": round(rss_before - rss_start, 1),
              "rss_growth_after_build_mb (incl. allocator slack)": round(rss_after - rss_before, 1),
              "embedding_cache_mb (freed)": round(cache_mb, 1)}
    if args.tracemalloc:  # a second, traced build: what the index holds and its peak while building
        del index
        gc.collect()
        tracemalloc.start()
        traced = CachedEmbedder(HashingEmbedder(512))
        index = MatchIndex(themes, rows, embedder=traced, text_dim=args.text_dim)
        traced.cache.clear()
        gc.collect()
        held, peak = tracemalloc.get_traced_memory()
        index.rank(1, "mutual")
        with_scratch = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
        memory |= {"traced_held_after_build_mb": round(held / 1e6, 1),
                   "traced_peak_during_build_mb": round(peak / 1e6, 1),
                   "traced_held_after_first_query_mb": round(with_scratch / 1e6, 1)}
    out = {
        "places": args.places, "themes": len(themes), "text_dim": index.text_dim,
        "blas_threads": args.threads or "default", "distinct_texts_encoded": embedder.encoded,
        "index_build_s": round(build_s, 2), "memory": memory, "top20": {},
    }
    step = max(1, args.places // args.queries)
    query_ids = [1 + (q * step) % args.places for q in range(args.queries)]
    for preset, weights in PRESETS.items():
        index.rank(query_ids[0], weights, top=20)  # builds the sparse need matrix once
        out["top20"][preset] = timed(lambda q, w=weights: index.rank(query_ids[q], w, top=20), args.queries)
    filters = Filters(exclude_countries={"JP", "DE"}, min_population=50_000, max_population=2_000_000,
                      exclude_partners=True)
    out["top20"]["mutual, filtered"] = timed(lambda q: index.rank(query_ids[q], "mutual", filters, top=20),
                                            args.queries)
    everything = Weights(**dict.fromkeys(COMPONENTS, 1.0))
    out["top20"]["all nine components"] = timed(lambda q: index.rank(query_ids[q], everything, top=20),
                                                args.queries)
    out["top20"]["mutual, no explanations"] = timed(
        lambda q: index.rank(query_ids[q], "mutual", top=20, explain_results=False), args.queries)

    # speed-up over the pure-Python reference, same scores (text included), on a subset
    subset = rows[: args.reference_places]
    small_embedder = CachedEmbedder(HashingEmbedder(512))
    small = MatchIndex(themes, subset, embedder=small_embedder)
    reference = Reference(themes, subset, embedder=small_embedder)
    out["reference"] = {"places": len(subset), "text_dim": small.text_dim}
    for preset in PRESETS:
        engine = timed(lambda q, p=preset: small.rank(subset[q].id, p, top=20, explain_results=False), 50)
        ref = timed(lambda q, p=preset: reference.rank(subset[q].id, PRESETS[p], 20), 5)
        same = all([r.place_id for r in small.rank(subset[q].id, preset, top=20, explain_results=False)]
                   == [pid for pid, _ in reference.rank(subset[q].id, PRESETS[preset], 20)] for q in range(3))
        out["reference"][preset] = {"engine_ms": engine["median_ms"], "reference_ms": ref["median_ms"],
                                    "speedup": round(ref["median_ms"] / engine["median_ms"]),
                                    "same_top20": same}
    print(json.dumps(out, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
