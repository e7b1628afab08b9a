"""Search quality on the labelled set of renkei/knowledge/tests/relevance.py: nDCG@10, recall@10
and MRR@10 for full text only, the embedding only and hybrid ranking. JSON.

Loads the corpus into a throwaway database (SQLite in a temporary folder; with --postgres a new
database on the PostgreSQL server of DATABASE_URL, dropped afterwards) and runs every query
through the search service with the multilingual encoder:

    .venv/bin/python bench/knowledge_quality.py [--postgres] [--per-query] [--half a|b]
        [--set SEMANTIC_INCLUDE=0.3 ...] [--tune]

--set evaluates other values of the fusion constants of renkei/knowledge/search/service.py;
--tune searches a grid of them on one half of the queries (--half, default a) and reports the best
values' figures on both halves, so a gain that holds only on the half it was tuned on shows.
"""

import argparse
import itertools
import json
import os
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/postgres"
#: the values --tune tries (W_SEMANTIC is 1 − W_FULLTEXT: only their ratio changes the order)
GRID = {
    "W_FULLTEXT": [0.2, 0.3, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.8],
    "SEMANTIC_FLOOR": [0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3],
    "SEMANTIC_TOP": [0.5, 0.6, 0.7, 0.8],
    "SEMANTIC_INCLUDE": [0.05, 0.1, 0.15, 0.2, 0.22, 0.25, 0.28, 0.3, 0.32, 0.35, 0.38],
}
CONSTANTS = ("W_FULLTEXT", "W_SEMANTIC", "W_THEME", "W_TRANSLATED", "SEMANTIC_FLOOR", "SEMANTIC_TOP",
             "SEMANTIC_INCLUDE")


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def _postgres_admin(url: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(_with_database(url, "postgres"), autocommit=True) as connection:
        connection.execute(statement)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL of DATABASE_URL (or the local server)")
    parser.add_argument("--embedder", default="usem", choices=["usem", "hashing"])
    parser.add_argument("--per-query", action="store_true", help="nDCG@10 of every query and the top 10 slugs")
    parser.add_argument("--half", choices=["a", "b"], help="only the even (a) or odd (b) queries")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="a fusion constant")
    parser.add_argument("--tune", action="store_true", help="grid search of the constants on --half (default a)")
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="renkei-bench-")
    os.environ["RENKEI_VAR_DIR"] = tmp
    os.environ["RENKEI_EMBEDDER"] = args.embedder
    os.environ["RENKEI_INDEX_CHECK_SECONDS"] = "0"
    os.environ["RENKEI_TASKS"] = "immediate"
    os.environ["MEDIA_ROOT"] = str(Path(tmp) / "media")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "renkei.config.settings")
    throwaway = None
    if args.postgres or os.environ.get("DATABASE_URL", "").startswith("postgres"):
        server = os.environ.get("DATABASE_URL") or POSTGRES_URL
        if not server.startswith("postgres"):
            server = POSTGRES_URL
        throwaway = f"renkei_quality_{uuid.uuid4().hex[:10]}"
        _postgres_admin(server, f'CREATE DATABASE "{throwaway}"')
        os.environ["DATABASE_URL"] = _with_database(server, throwaway)
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/quality.sqlite3"
    try:
        print(json.dumps(run(args), indent=2, ensure_ascii=False))
    finally:
        if throwaway:
            from django.db import connections

            connections.close_all()
            _postgres_admin(server, f'DROP DATABASE IF EXISTS "{throwaway}"')
        shutil.rmtree(tmp, ignore_errors=True)


def run(args) -> dict:
    import django

    django.setup()
    from django.contrib.auth.models import AnonymousUser
    from django.core.management import call_command
    from django.db import connection

    from renkei.knowledge.search import service
    from renkei.knowledge.tests import relevance

    for item in args.set:
        name, _, value = item.partition("=")
        if name not in CONSTANTS:
            raise SystemExit(f"--set: one of {', '.join(CONSTANTS)}")
        setattr(service, name, float(value))

    call_command("migrate", verbosity=0)
    clock = time.perf_counter()
    loaded = relevance.load_corpus()
    load_s = time.perf_counter() - clock
    viewer = AnonymousUser()
    queries = relevance.QUERIES
    if args.half or args.tune:
        a, b = relevance.halves()
        queries = b if args.half == "b" else a
    out = {"database": connection.vendor, "embedder": service.encoder()[0], "products": loaded,
           "queries": len(queries), "load_s": round(load_s, 1),
           "constants": {name: getattr(service, name) for name in CONSTANTS}}
    if args.tune:
        out["tuning"] = tune(viewer, tuned_on=queries, held_out=b if queries is a else a)
        return out
    clock = time.perf_counter()
    scores = relevance.evaluate(relevance.search_ranker(viewer), queries=queries)
    out["search_s"] = round(time.perf_counter() - clock, 2)
    out["modes"] = {mode: s.as_dict(per_query=args.per_query) for mode, s in scores.items()}
    if args.per_query:
        out["top10"] = {mode: s.rankings for mode, s in scores.items()}
    crosslingual = [q for q in queries if q.crosslingual]
    found = [sum(slug in scores["hybrid"].rankings[q.text] for slug in relevance.other_language_targets(q))
             for q in crosslingual]
    wanted = [len(relevance.other_language_targets(q)) for q in crosslingual]
    out["crosslingual_found_in_hybrid_top10"] = f"{sum(found)}/{sum(wanted)}"
    return out


def tune(viewer, *, tuned_on, held_out) -> dict:
    """Grid search over the fusion constants. Each query is searched once to record what the
    fusion is given (full-text scores and cosines); every setting then re-fuses those."""
    import numpy as np

    from renkei.knowledge.models import Product
    from renkei.knowledge.search import service
    from renkei.knowledge.tests import relevance

    inputs: dict[str, service.Signals] = {}
    original = service.fuse
    current = {}

    def spy(signals, mode):
        inputs.setdefault(current["q"], signals)
        return original(signals, mode)

    service.fuse = spy
    try:
        for q in (*tuned_on, *held_out):
            current["q"] = q.text
            service.search(viewer=viewer, query=q.text, mode="hybrid", page_size=relevance.K)
    finally:
        service.fuse = original
    cat = service.current_catalogue()
    slug_of = dict(Product.objects.values_list("pk", "slug"))

    def ranker(text, mode):
        scored = service.fuse(inputs[text], mode)
        order = scored.rows[np.lexsort((-cat.ids[scored.rows], -scored.score))][: relevance.K]
        return [slug_of[int(cat.ids[r])] for r in order]

    def score(queries, values):
        saved = {name: getattr(service, name) for name in values}
        for name, value in values.items():
            setattr(service, name, value)
        try:
            return relevance.evaluate(ranker, queries=queries, modes=["hybrid"])["hybrid"].ndcg
        finally:
            for name, value in saved.items():
                setattr(service, name, value)

    before = {name: getattr(service, name) for name in CONSTANTS}
    grid = itertools.product(*(GRID[name] for name in ("W_FULLTEXT", "SEMANTIC_FLOOR", "SEMANTIC_TOP",
                                                       "SEMANTIC_INCLUDE")))
    results = []
    for w, floor, top, include in grid:
        if top <= floor:
            continue
        values = {"W_FULLTEXT": w, "W_SEMANTIC": round(1 - w, 2), "SEMANTIC_FLOOR": floor, "SEMANTIC_TOP": top,
                  "SEMANTIC_INCLUDE": include}
        results.append((round(score(tuned_on, values), 4), values))
    results.sort(key=lambda r: -r[0])
    best = results[0][1]
    return {
        "settings_tried": len(results),
        "current": {"values": before, "tuned_on_ndcg@10": round(score(tuned_on, before), 3),
                   "held_out_ndcg@10": round(score(held_out, before), 3)},
        "best": {"values": best, "tuned_on_ndcg@10": round(score(tuned_on, best), 3),
                 "held_out_ndcg@10": round(score(held_out, best), 3)},
        "top_settings": [{"tuned_on_ndcg@10": s, "held_out_ndcg@10": round(score(held_out, v), 3), **v}
                         for s, v in results[:15]],
    }


if __name__ == "__main__":
    main()
