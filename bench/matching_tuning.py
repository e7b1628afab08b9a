"""Tuning weights on decisions (docs/algorithms/tuning.md), measured on the real pairings.

The same database as bench/matching_quality.py (the development set of real pairings and the other
real cities of the corpus, imported with `renkei import profiles`). For each preset, the decisions a
programme would have made on the *development* pairings are simulated: each query is shown the
preset's top 10 (with the filters of a real search); the true partner is accepted, the other
suggestions shown are declined. The weights are tuned on those decisions (with their own held-back
part and guard, as in the product), then the *held-back* pairings — never seen by the tuning — are
ranked with the preset's weights and with the tuned ones: MRR, recall@5 and recall@10.

    .venv/bin/python bench/matching_tuning.py [--presets expertise,offer,mutual]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
_spec = importlib.util.spec_from_file_location("matching_quality", ROOT / "bench" / "matching_quality.py")
quality = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(quality)

SHOWN = 10


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--presets", default="expertise,offer,mutual,peer")
    args = parser.parse_args()
    pairings, profiles = quality.read("pairings.jsonl"), quality.read("pairing_profiles.jsonl")
    field = quality.field_profiles(profiles)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="renkei-tuning-") as tmp:
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp}/tuning.sqlite3", "RENKEI_TASKS": "immediate",
               "RENKEI_VAR_DIR": tmp}
        quality.cli("migrate", "--noinput", env=env)
        (Path(tmp) / "field.jsonl").write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in field),
                                              encoding="utf-8")
        quality.cli("import", "profiles", str(quality.CORPUS / "pairing_profiles.jsonl"), env=env)
        quality.cli("import", "profiles", str(Path(tmp) / "field.jsonl"), env=env)
        os.environ.update({k: env[k] for k in ("DATABASE_URL", "RENKEI_TASKS", "RENKEI_VAR_DIR")})
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "renkei.config.settings")
        import django

        django.setup()
        from renkei.engine.tuning import labelled_pairs, tune
        from renkei.engine.types import PRESETS, Filters, Weights
        from renkei.matching.fetch import current_index
        from renkei.places.models import Place

        index = current_index()
        pk = dict(Place.objects.exclude(external_id="").values_list("external_id", "pk"))
        countries = {p["id"]: p["country"] for p in profiles}
        qs = [q for q in quality.queries(pairings, countries) if q["source"] in pk and q["target"] in pk]

        def ranked(q, weights, top):
            flags = q["filters"]
            filters = Filters(countries={flags[1]} if flags[0] == "--country" else set(),
                              exclude_countries={flags[1]} if flags[0] == "--exclude-country" else set(),
                              levels={"city"}, exclude_ids={pk[o] for o in q["others"] if o in pk})
            return [r.place_id for r in index.rank(pk[q["source"]], weights, filters, top=top,
                                                   explain_results=False)]

        def measure(part, weights):
            ranks = []
            for q in part:
                ids = ranked(q, weights, 200)
                ranks.append(((ids.index(pk[q["target"]]) + 1) if pk[q["target"]] in ids else None, len(ids)))
            s = quality.summarise(ranks)
            return {k: s[k] for k in ("queries", "mrr", "recall@5", "recall@10")}

        development = [q for q in qs if q["split"] == "development"]
        held_back = [q for q in qs if q["split"] == "held_back"]
        out = {"queries": {"development": len(development), "held_back": len(held_back)}, "presets": {}}
        for preset in args.presets.split(","):
            weights = PRESETS[preset]
            decisions = []
            for q in development:
                source, target = pk[q["source"]], pk[q["target"]]
                decisions.append((source, target, True))
                decisions += [(source, c, False) for c in ranked(q, weights, SHOWN) if c != target]
            result = tune(labelled_pairs(index, decisions), weights)
            tuned = Weights(**result.weights)
            out["presets"][preset] = {
                "decisions": result.decisions, "yes": result.positives, "no": result.negatives,
                "tuning": {k: getattr(result, k) for k in ("applied", "reason", "train_before", "train_after",
                                                           "held_back_before", "held_back_after")},
                "tuned_weights": {k: v for k, v in result.weights.items() if v},
                "held_back_pairings": {"preset": measure(held_back, weights), "tuned": measure(held_back, tuned)},
                "development_pairings": {"preset": measure(development, weights),
                                         "tuned": measure(development, tuned)},
            }
    out["seconds"] = round(time.perf_counter() - started, 1)
    print(json.dumps(out, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
