"""Pairing two cohorts of 1,000 places each: optimal (Hungarian) and stable (Gale–Shapley). JSON."""

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.synthetic import places, themes  # noqa: E402
from renkei.engine.api import pair_cohort  # noqa: E402
from renkei.engine.index import MatchIndex  # noqa: E402
from renkei.engine.pairing import pair_greedy, total  # noqa: E402
from renkei.engine.types import PRESETS  # noqa: E402


def main(n: int = 1000) -> None:
    space = themes()
    index = MatchIndex(space, places(2 * n, space))
    group_a, group_b = list(range(1, n + 1)), list(range(n + 1, 2 * n + 1))
    out = {"group_size": n}
    for method, capacity in (("optimal", 1), ("optimal", 2), ("stable", 1)):
        t = time.perf_counter()
        result = pair_cohort(index, group_a, group_b, weights=PRESETS["mutual"], method=method, capacity=capacity)
        out[f"{method}_k{capacity}"] = {"seconds": round(time.perf_counter() - t, 3), "pairs": len(result.pairs),
                                        "total": result.total}
    t = time.perf_counter()
    scores = index.score_matrix([index.row[i] for i in group_a], [index.row[i] for i in group_b], PRESETS["mutual"])
    out["score_matrix_s"] = round(time.perf_counter() - t, 3)
    out["greedy_total"] = round(total(pair_greedy(scores)), 4)
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
