"""Pairing two cohorts of 1,000 places each, optimal and stable, in the engine. Prints JSON.

    .venv/bin/python bench/engine_pairing.py [--size 1000] [--index-places 20000] [--threads N]

The cohorts are drawn from an index of ``--index-places`` synthetic places (bench/engine_match.py's
generator, no texts): the score matrix is one |A| × |B| block, so the size of the index does not
matter. Times include the score matrix, the greedy baseline and an explanation for every pair.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--index-places", type=int, default=20_000)
    parser.add_argument("--threads", type=int, default=0)
    args = parser.parse_args()
    if args.threads:
        for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ[name] = str(args.threads)

    from bench.engine_match import places, taxonomy
    from renkei.engine.api import pair_cohort
    from renkei.engine.index import MatchIndex
    from renkei.engine.pairing import pair_greedy, pair_optimal, pair_stable

    n = args.size
    themes = taxonomy()
    index = MatchIndex(themes, places(max(args.index_places, 2 * n), themes))
    group_a = list(range(1, 2 * n + 1, 2))
    group_b = list(range(2, 2 * n + 2, 2))
    out: dict = {"group_size": n, "index_places": len(index), "runs": {}}
    for method, capacity in (("optimal", 1), ("optimal", 2), ("optimal", 3), ("stable", 1), ("stable", 2)):
        t = time.perf_counter()
        result = pair_cohort(index, group_a, group_b, weights="mutual", method=method, capacity=capacity)
        seconds = time.perf_counter() - t
        out["runs"][f"{method}, capacity {capacity}"] = {
            "seconds": round(seconds, 3), "pairs": len(result.pairs), "total": result.total,
            "greedy_total": result.greedy_total}
    rows_a = [index.row[i] for i in group_a]
    rows_b = [index.row[i] for i in group_b]
    t = time.perf_counter()
    scores = index.score_matrix(rows_a, rows_b, "mutual")
    out["score_matrix_s"] = round(time.perf_counter() - t, 3)
    for name, fn in (("hungarian_only_s", lambda: pair_optimal(scores)),
                     ("b_matching_k2_only_s", lambda: pair_optimal(scores, 2)),
                     ("gale_shapley_only_s", lambda: pair_stable(scores, scores.T.copy())),
                     ("greedy_only_s", lambda: pair_greedy(scores))):
        t = time.perf_counter()
        fn()
        out[name] = round(time.perf_counter() - t, 3)
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
