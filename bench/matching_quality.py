"""Matching quality on real cooperation pairings, through the public command line.

The development set is renkei/data/corpus/pairings.jsonl (31 real pairings made by URBACT transfer
networks, C40, CityNet, sister cities and Japanese cities' own technical cooperation, sources cited)
with a profile for each city in renkei/data/corpus/pairing_profiles.jsonl (needs and expertise in the
cities' own words, English and Japanese). The other real cities of renkei/data/corpus/city_texts.jsonl
are loaded beside them as the rest of the field, so every search ranks a partner among ~90 cities.

A fresh SQLite database is made in a temporary directory (`renkei migrate`), the profiles are loaded
with `renkei import profiles` (tagging with the multilingual encoder, as a real import does), then
`renkei match PLACE --preset P --json` runs in both directions of each pairing with the country
filters of a real search: a city looking for a Japanese partner keeps Japan only (`--country JP`),
every other search leaves out the searcher's own country (`--exclude-country XX`). The rank of the
partner is counted among the results once the searcher's *other* known partners are set aside
(a lead city of a transfer network has eight true partners; finding another first is no miss).

Per preset: MRR, recall@5 and recall@10 with the random baseline for the same candidate lists, the same
for the searches of the sharing city and of the learning city apart (`by_side`), and an
ablation (each component of the preset left out in turn, the others keeping their weights). Every
third pairing (p03, p06, …) is held back: figures are given for the development pairings and for the
held-back ones separately.

    .venv/bin/python bench/matching_quality.py [--presets expertise,offer] [--no-ablation] [--per-query]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CORPUS = ROOT / "renkei" / "data" / "corpus"
RENKEI = str(Path(sys.executable).with_name("renkei"))

#: corpus rows that do not name one real city, and Japanese names of cities the corpus also names in English
NOT_A_CITY = {"地方都市", "ベトナム建設省", "SDGs未来都市（地方の中核市）", "SDGs未来都市（地方都市）"}
SAME_CITY = {
    "郡山市": "Koriyama", "福島県": "Fukushima Prefecture", "文京区": "Bunkyo", "名古屋市": "Nagoya",
    "福岡市": "Fukuoka",
    "北九州市": "Kitakyushu", "大連市": "Dalian", "横浜市": "Yokohama", "大阪市": "Osaka", "東京都": "Tokyo",
    "ハノイ市": "Hanoi", "フエ市": "Hue", "ヤンゴン市": "Yangon", "プノンペン都": "Phnom Penh", "豊田市": "Toyota",
    "鎌倉市": "Kamakura", "所沢市": "Tokorozawa", "弘前市": "Hirosaki", "一宮市": "Ichinomiya", "生駒市": "Ikoma",
    "神戸市": "Kobe", "富山市": "Toyama", "長野市": "Nagano", "小布施町": "Obuse", "京都市": "Kyoto",
    "川崎市": "Kawasaki",
    "釜石市": "Kamaishi", "ウランバートル市": "Ulaanbaatar", "ソウル市": "Seoul", "スラバヤ市": "Surabaya",
    "セブ市": "Cebu City", "ダナン市": "Da Nang", "バンコク都": "Bangkok", "ホーチミン市": "Ho Chi Minh City",
    "メキシコ市": "Mexico City", "プネ市": "Pune",
}


def read(name: str) -> list[dict]:
    return [json.loads(line) for line in (CORPUS / name).read_text(encoding="utf-8").splitlines() if line.strip()]


def _slug(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")


def field_profiles(profiles: list[dict]) -> list[dict]:
    """The corpus's other cities as import lines (their texts as needs and expertise)."""
    taken = {p["name"] for p in profiles}
    cities: dict[str, dict] = {}
    for row in read("city_texts.jsonl"):
        if row["city"] in NOT_A_CITY:
            continue
        name = SAME_CITY.get(row["city"], row["city"])
        if name in taken:
            continue
        place = cities.setdefault(name, {"id": "cx-" + _slug(name), "name": name, "country": row["country"],
                                         "level": "city", "needs": [], "expertise": []})
        place["needs" if row["kind"] == "need" else "expertise"].append(row["text"])
    return list(cities.values())


def cli(*args: str, env: dict) -> str:
    done = subprocess.run([RENKEI, *args], env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"renkei {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout + done.stderr


def queries(pairings: list[dict], countries: dict[str, str]) -> list[dict]:
    """Both directions of every pairing, with the filters of a real search."""
    partners: dict[str, set[str]] = {}
    for p in pairings:
        partners.setdefault(p["a"], set()).add(p["b"])
        partners.setdefault(p["b"], set()).add(p["a"])
    out = []
    for p in pairings:
        for source, target in ((p["a"], p["b"]), (p["b"], p["a"])):
            own, theirs = countries[source], countries[target]
            filters = (["--country", "JP"] if theirs == "JP" and own != "JP" else ["--exclude-country", own])
            # the preset a city in this role would choose: the one that learns looks for expertise, the one
            # that shares looks for who needs what it offers; partners who both learn look for mutual fit
            role = ("mutual" if p["direction"] == "mutual" else "offer" if source == p["a"] else "expertise")
            out.append({"pairing": p["id"], "split": p["split"], "source": source, "target": target, "role": role,
                        "others": sorted(partners[source] - {target}), "filters": filters})
    return out


def run_query(call_command, q: dict, preset: str, top: int) -> tuple[int | None, int]:
    """(rank of the target among the results without the searcher's other partners, number of candidates)."""
    buffer = io.StringIO()
    call_command("match", q["source"], "--preset", preset, "--top", str(top), "--json", *q["filters"], stdout=buffer)
    ids = [r["place"]["id"] for r in json.loads(buffer.getvalue())["results"]]
    ids = [i for i in ids if i not in q["others"]]
    return (ids.index(q["target"]) + 1 if q["target"] in ids else None), len(ids)


def summarise(ranks: list[tuple[int | None, int]]) -> dict:
    n = len(ranks)
    if not n:
        return {}
    mrr = sum(1 / r for r, _c in ranks if r) / n
    rec = {k: sum(1 for r, _c in ranks if r and r <= k) / n for k in (5, 10)}
    # a random order of the same candidates: E[1/rank] = H_N / N, P(rank ≤ k) = min(k, N) / N
    rand_mrr = sum(sum(1 / i for i in range(1, c + 1)) / c for _r, c in ranks if c) / n
    rand = {k: sum(min(k, c) / c for _r, c in ranks if c) / n for k in (5, 10)}
    return {"queries": n, "mrr": round(mrr, 3), "recall@5": round(rec[5], 3), "recall@10": round(rec[10], 3),
            "random": {"mrr": round(rand_mrr, 3), "recall@5": round(rand[5], 3), "recall@10": round(rand[10], 3)},
            "mean_candidates": round(sum(c for _r, c in ranks) / n, 1)}


def evaluate(call_command, qs: list[dict], preset: str | None, top: int) -> dict:
    """Figures of one preset for every query, or (``preset`` None) of the preset each query's role calls for."""
    ranks = {id(q): run_query(call_command, q, preset or q["role"], top) for q in qs}
    out = {}
    for split in ("development", "held_back"):
        part = [q for q in qs if q["split"] == split]
        out[split] = summarise([ranks[id(q)] for q in part])
    out["all"] = summarise(list(ranks.values()))
    # the two directions of a transfer apart: searches by the city that shares and by the one that learns
    sides = {"offer": "sharing", "expertise": "learning", "mutual": "both learn"}
    out["by_side"] = {split: {side: summarise([ranks[id(q)] for q in qs if sides[q["role"]] == side
                                               and split in ("all", q["split"])]) for side in sides.values()}
                      for split in ("development", "held_back", "all")}
    out["_ranks"] = {f"{q['source']}→{q['target']}": ranks[id(q)][0] for q in qs}
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--presets", default="expertise,peer,mutual,offer")
    parser.add_argument("--no-ablation", action="store_true")
    parser.add_argument("--per-query", action="store_true", help="the rank of every query")
    parser.add_argument("--top", type=int, default=200)
    parser.add_argument("--try", dest="variants", action="append", default=[], metavar="PRESET=NAME:W,NAME:W",
                        help="also evaluate other weights for a preset (e.g. offer=reverse:0.5,offer_text:0.3)")
    args = parser.parse_args()
    pairings, profiles = read("pairings.jsonl"), read("pairing_profiles.jsonl")
    field = field_profiles(profiles)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="renkei-quality-") as tmp:
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp}/quality.sqlite3", "RENKEI_TASKS": "immediate",
               "RENKEI_VAR_DIR": tmp}
        cli("migrate", "--noinput", env=env)
        (Path(tmp) / "field.jsonl").write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in field),
                                              encoding="utf-8")
        imported = [cli("import", "profiles", str(CORPUS / "pairing_profiles.jsonl"), env=env).strip().splitlines()[-1],
                    cli("import", "profiles", str(Path(tmp) / "field.jsonl"), env=env).strip().splitlines()[-1]]
        os.environ.update({k: env[k] for k in ("DATABASE_URL", "RENKEI_TASKS", "RENKEI_VAR_DIR")})
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "renkei.config.settings")
        import django

        django.setup()
        from django.core.management import call_command

        from renkei.engine.types import PRESETS, Weights

        countries = {p["id"]: p["country"] for p in profiles}
        qs = queries(pairings, countries)
        out = {"pairings": len(pairings), "held_back": sum(p["split"] == "held_back" for p in pairings),
               "queries": len(qs), "places": len(profiles) + len(field), "import": imported, "presets": {}}
        for preset in args.presets.split(","):
            result = evaluate(call_command, qs, preset, args.top)
            ranks = result.pop("_ranks")
            entry = {"weights": PRESETS[preset].active(), **result}
            if args.per_query:
                entry["ranks"] = ranks
            if not args.no_ablation:
                entry["ablation"] = {}
                original = PRESETS[preset]
                for component in original.active():
                    if len(original.active()) == 1:
                        continue
                    PRESETS[preset] = Weights(**{**original.as_dict(), component: 0.0})
                    try:
                        ablated = evaluate(call_command, qs, preset, args.top)
                    finally:
                        PRESETS[preset] = original
                    entry["ablation"][f"without {component}"] = {
                        split: {k: ablated[split][k] for k in ("mrr", "recall@5", "recall@10")}
                        for split in ("development", "held_back")}
            out["presets"][preset] = entry
        role = evaluate(call_command, qs, None, args.top)
        ranks = role.pop("_ranks")
        out["by_role"] = {"presets": "offer for the city that shares, expertise for the one that learns, "
                                     "mutual for partners who both learn",
                          **role, **({"ranks": ranks} if args.per_query else {})}
        for variant in args.variants:
            preset, _eq, spec = variant.partition("=")
            original = PRESETS[preset]
            PRESETS[preset] = Weights(**{name: float(w) for name, w in (i.split(":") for i in spec.split(","))})
            try:
                tried = evaluate(call_command, qs, preset, args.top)
                tried_role = evaluate(call_command, qs, None, args.top)
            finally:
                PRESETS[preset] = original
            tried.pop("_ranks")
            tried_role.pop("_ranks")
            out.setdefault("variants", {})[variant] = {
                split: {k: tried[split][k] for k in ("mrr", "recall@5", "recall@10")} for split in ("development",)}
            out["variants"][variant]["by_side_development"] = {
                side: {k: figures[k] for k in ("mrr", "recall@5", "recall@10")}
                for side, figures in tried["by_side"]["development"].items() if figures}
            out["variants"][variant]["by_role_development"] = {
                k: tried_role["development"][k] for k in ("mrr", "recall@5", "recall@10")}
    out["seconds"] = round(time.perf_counter() - started, 1)
    print(json.dumps(out, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
