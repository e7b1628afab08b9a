"""What the indicator benchmarks share: a throwaway database (an SQLite file in a temporary
directory, or a new PostgreSQL database dropped at the end), synthetic places, and fast value rows."""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/"


@contextmanager
def throwaway_database(kind: str, postgres_url: str = POSTGRES_URL):
    """Django set up on a new database of ``kind`` (sqlite or postgres), migrated; removed afterwards."""
    tmp = tempfile.mkdtemp(prefix="renkei-bench-indicators-")
    name = f"bench_indicators_{os.getpid()}"
    if kind == "postgres":
        import psycopg

        with psycopg.connect(postgres_url + "postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            admin.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = postgres_url + name
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    os.environ["RENKEI_VAR_DIR"] = tmp
    os.environ["RENKEI_EMBEDDER"] = "hashing"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "renkei.config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    try:
        yield
    finally:
        from django.db import connections

        connections.close_all()
        if kind == "postgres":
            import psycopg

            with psycopg.connect(postgres_url + "postgres", autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        shutil.rmtree(tmp, ignore_errors=True)


def make_places(n: int) -> list[int]:
    """``n`` city-level places p1 … pn (bulk insert); their ids in order."""
    from renkei.places.models import Place

    countries = ["JP", "ID", "PH", "VN", "TH", "DE", "FI", "SE", "FR", "US"]
    Place.objects.bulk_create([Place(slug=f"p{k}", name_en=f"Place {k}", country=countries[k % 10],
                                     population=10_000 + (k * 7919) % 3_000_000, level="city")
                               for k in range(1, n + 1)], batch_size=5000)
    ids = dict(Place.objects.values_list("slug", "pk"))
    return [ids[f"p{k}"] for k in range(1, n + 1)]


def percentiles(values: list[float]) -> dict[str, float]:
    values = sorted(values)

    def rank(q: float) -> float:
        return round(values[min(len(values) - 1, max(0, round(q * len(values)) - 1))], 1)

    return {"p50_ms": round(statistics.median(values), 1), "p95_ms": rank(0.95), "p99_ms": rank(0.99),
            "max_ms": round(values[-1], 1)}


class Timer:
    def __enter__(self):
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.start


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]
