"""A place with 1,000,000 connected people: the connected-population dashboard on SQLite and PostgreSQL. JSON.

Builds a throwaway database (SQLite in a temporary directory; on PostgreSQL ``bench_connections_<pid>``
on the server of ``--postgres-url``, dropped at the end), migrates it, writes the people with bulk
inserts (``executemany`` on SQLite, ``COPY`` on PostgreSQL), counts the place's tallies once, then
times the dashboard as the public sees it (protected) and as the focal point sees it (exact): the
selector alone, the JSON API, and the HTML page with its four charts; and, for comparison, the same
figures computed straight from the million rows. Also the cost the tallies add to a write.

    .venv/bin/python bench/connections_dashboard.py [--database sqlite|postgres|both] [--people 1000000]
        [--runs 60] [--postgres-url postgres://postgres@127.0.0.1:5432/]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/"


def setup(args):
    cleanup = None
    if args.database == "sqlite":
        tmp = tempfile.mkdtemp(prefix="renkei-bench-connections-")
        url = f"sqlite:///{tmp}/bench.sqlite3"

        def cleanup():
            import shutil

            shutil.rmtree(tmp, ignore_errors=True)
    else:
        import psycopg

        name = f"bench_connections_{os.getpid()}"
        base = args.postgres_url.rstrip("/")
        with psycopg.connect(base + "/postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        url = f"{base}/{name}"

        def cleanup():
            from django.db import connections

            connections.close_all()
            with psycopg.connect(base + "/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("RENKEI_VAR_DIR", tempfile.mkdtemp(prefix="renkei-bench-var-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "renkei.config.settings")
    return cleanup


def people(n: int, place_id: int, seed: int = 7):
    """Rows of ConnectedPerson in column order (see COLUMNS), drawn like the demo's."""
    from renkei.connections.demo import ABROAD, KINDS, PREFECTURES

    rng = random.Random(seed)  # noqa: S311 - synthetic data
    today = date.today()
    kinds = rng.choices([k for k, _w in KINDS], weights=[w for _k, w in KINDS], k=n)
    prefs = rng.choices([p for p, _w in PREFECTURES], weights=[w for _p, w in PREFECTURES], k=n)
    abroad = rng.choices([c for c, _w in ABROAD], weights=[w for _c, w in ABROAD], k=n)
    stages = rng.choices([1, 2, 3, 4, 5], weights=[34, 26, 18, 14, 8], k=n)
    span = (today - date(2011, 3, 11)).days
    now = time.strftime("%Y-%m-%d %H:%M:%S+00:00", time.gmtime())
    for i in range(n):
        since = date(2011, 3, 11) + timedelta(days=rng.randrange(span))
        last = max(since, today - timedelta(days=int(rng.expovariate(1 / 500))))
        japan = rng.random() >= 0.12
        yield (now, now, 1, place_id, f"Synthetic person {i}", False, "", kinds[i], since.isoformat(),
               "JP" if japan else abroad[i], prefs[i] if japan else "", stages[i], 1 + stages[i], last.isoformat(),
               "", f"b{i}", True)


COLUMNS = ["created_at", "updated_at", "version", "place_id", "name", "is_organisation", "email", "kind", "since",
           "country", "prefecture", "stage", "interactions", "last_contact_on", "notes", "reference", "is_sample"]


def stage_changes(n: int, first_id: int, seed: int = 7):
    """One row of StageChange per person (see STAGE_COLUMNS): those at stage 1 joined at it on ``since``;
    the others moved up from the stage below on their last contact."""
    now = time.strftime("%Y-%m-%d %H:%M:%S+00:00", time.gmtime())
    for i, row in enumerate(people(n, 0, seed)):
        since, stage, last = row[8], row[11], row[13]
        if stage == 1:
            yield (first_id + i, since, None, 1, "seeded", now)
        else:
            yield (first_id + i, last, stage - 1, stage, "seeded", now)


STAGE_COLUMNS = ["person_id", "on", "from_stage", "to_stage", "source", "recorded_at"]


def load(n: int, place_id: int) -> dict:
    from django.db import connection

    clock = time.perf_counter()
    _load_people(n, place_id)
    with connection.cursor() as cursor:
        cursor.execute("SELECT MIN(id) FROM connections_connectedperson WHERE place_id = %s", [place_id])
        first_id = cursor.fetchone()[0]
    _load_rows("connections_stagechange", STAGE_COLUMNS, stage_changes(n, first_id))
    return {"people": n, "insert_s": round(time.perf_counter() - clock, 1)}


def _load_people(n: int, place_id: int) -> None:
    _load_rows("connections_connectedperson", COLUMNS, people(n, place_id))


def _load_rows(table: str, columns: list[str], rows) -> None:
    from django.db import connection

    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            raw = cursor.cursor
            with raw.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {table}")
    else:
        marks = ", ".join(["%s"] * len(columns))
        insert = f"INSERT INTO {table} ({quoted}) VALUES ({marks})"  # noqa: S608 - our own names
        batch = []
        with connection.cursor() as cursor:
            for row in rows:
                batch.append(row)
                if len(batch) == 20_000:
                    cursor.executemany(insert, batch)
                    batch = []
            if batch:
                cursor.executemany(insert, batch)
            cursor.execute(f"ANALYZE {table}")


def timed(fn, runs: int) -> dict:
    fn()  # warm
    times = []
    for _ in range(runs):
        clock = time.perf_counter()
        fn()
        times.append((time.perf_counter() - clock) * 1000)
    times.sort()
    return {"p50_ms": round(statistics.median(times), 2), "p95_ms": round(times[int(0.95 * (len(times) - 1))], 2),
            "max_ms": round(times[-1], 2), "runs": runs}


def straight(place) -> None:
    """The dashboard's numbers computed from the rows, without the tallies (for comparison)."""
    from django.db.models import Count, Q
    from django.db.models.functions import ExtractYear

    from renkei.connections.models import ConnectedPerson
    from renkei.connections.services import window_start

    qs = ConnectedPerson.objects.filter(place=place, withdrawn_at__isnull=True)
    list(qs.values("kind", year=ExtractYear("since")).annotate(n=Count("id")))
    list(qs.values("country", "prefecture").annotate(n=Count("id")))
    list(qs.values("stage").annotate(n=Count("id")))
    qs.aggregate(total=Count("id"), active=Count("id", filter=Q(last_contact_on__gte=window_start(date.today()))))


def one(args) -> dict:
    cleanup = setup(args)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    out: dict = {"database": connection.vendor}
    try:
        call_command("migrate", verbosity=0)
        from django.conf import settings

        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        from renkei.accounts.models import Role
        from renkei.accounts.permissions import SYSTEM
        from renkei.accounts.services import user_create
        from renkei.connections import selectors, services
        from renkei.places.models import Place

        place = Place.objects.create(slug="bench-city", name_en="Bench City", name_ja="ベンチ市", country="JP")
        print(f"loading {args.people} people into {connection.vendor}", file=sys.stderr, flush=True)
        out["load"] = load(args.people, place.pk)
        clock = time.perf_counter()
        counted = services.tally_rebuild(place=place)
        out["load"]["tally_rebuild_s"] = round(time.perf_counter() - clock, 2)
        assert counted == args.people, counted
        from renkei.connections.models import Tally

        out["load"]["tally_rows"] = Tally.objects.filter(place=place).count()
        focal = user_create(username="focal", password="bench-pw-Renkei-1",  # noqa: S106
                             roles=[Role.FOCAL_POINT], places=[place])
        from django.contrib.auth.models import AnonymousUser

        anonymous = AnonymousUser()
        focal = type(focal).objects.get(pk=focal.pk)
        board = selectors.dashboard(viewer=anonymous, place=place)
        out["dashboard"] = {"total": board.total, "active_share": board.active_share,
                            "where_shown": len(board.where), "years": len(board.years)}
        print("timing", file=sys.stderr, flush=True)
        runs = args.runs
        out["selector_public"] = timed(lambda: selectors.dashboard(viewer=anonymous, place=place), runs)
        out["selector_exact"] = timed(lambda: selectors.dashboard(viewer=focal, place=place), runs)
        client = Client()
        out["api_public"] = timed(lambda: client.get("/api/v1/places/bench-city/connections"), runs)
        from renkei.connections import views
        from renkei.core.cache import forget_prefix
        from renkei.ui import pagecache

        signed = Client()
        signed.force_login(focal)
        out["page_focal_point"] = timed(lambda: signed.get("/places/bench-city/connections/"), runs)

        def focal_cold():
            views._RENDERED.clear()
            assert signed.get("/places/bench-city/connections/").status_code == 200

        out["page_focal_point_first_render"] = timed(focal_cold, runs)
        out["page_public"] = timed(lambda: client.get("/places/bench-city/connections/"), runs)
        settings.RENKEI_INDEX_CHECK_SECONDS = 0

        def page_public_uncached():
            pagecache.forget_pages()
            forget_prefix(pagecache.PREFIX)
            views._RENDERED.clear()
            response = client.get("/places/bench-city/connections/")
            assert response.status_code == 200

        out["page_public_uncached"] = timed(page_public_uncached, runs)
        out["straight_from_rows"] = timed(lambda: straight(place), 3)
        consent = {"purpose": "bench", "given_on": "2024-01-01", "source": "bench"}
        made = []

        def add():
            made.append(services.person_create(actor=SYSTEM, place=place, data={
                "name": "Added", "kind": "volunteer", "since": "2020-01-01", "country": "JP", "prefecture": "13",
                "consent": consent}))

        out["write_person_create"] = timed(add, 20)
        out["write_person_erase"] = timed(lambda: services.person_erase(actor=SYSTEM, person=made.pop()), 20)
        if connection.vendor == "sqlite":
            import sqlite3

            out["sqlite_version"] = sqlite3.sqlite_version
        else:
            with connection.cursor() as cursor:
                cursor.execute("SHOW server_version")
                out["postgres_version"] = cursor.fetchone()[0]
        out["load_average"] = os.getloadavg()[0]
    finally:
        if cleanup is not None:
            cleanup()
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--postgres-url", default=os.environ.get("BENCH_POSTGRES_URL", DEFAULT_POSTGRES))
    args = parser.parse_args()
    if args.database == "both":
        results = {}
        for database in ("sqlite", "postgres"):
            command = [sys.executable, __file__, "--database", database, "--people", str(args.people),
                       "--runs", str(args.runs), "--postgres-url", args.postgres_url]
            results[database] = json.loads(subprocess.run(command, check=True, stdout=subprocess.PIPE,
                                                           text=True).stdout)
        summary = {db: {"focal_point_page_p95_ms": r["page_focal_point"]["p95_ms"],
                        "focal_point_page_first_render_p95_ms": r["page_focal_point_first_render"]["p95_ms"],
                        "public_page_p95_ms": r["page_public"]["p95_ms"],
                        "public_page_uncached_p95_ms": r["page_public_uncached"]["p95_ms"],
                        "api_p95_ms": r["api_public"]["p95_ms"],
                        "selector_p95_ms": r["selector_public"]["p95_ms"],
                        "straight_from_rows_p95_ms": r["straight_from_rows"]["p95_ms"]} for db, r in results.items()}
        print(json.dumps({"summary": summary, **results}, indent=2))
        return
    print(json.dumps(one(args), indent=2))


if __name__ == "__main__":
    main()
