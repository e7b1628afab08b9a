"""A place's benchmarking page against a 200-place peer group, with 10,000 places × 50 indicators ×
10 years (5 million values) in a throwaway database. JSON.

    .venv/bin/python bench/indicators_benchmarking.py [--database sqlite|postgres|both] [--places 10000]
        [--indicators 50] [--years 10] [--group 200] [--requests 100] [--postgres-url URL]

The values are written with the import's own fast path (COPY on PostgreSQL, executemany on
SQLite); the page is asked for by a signed-in officer (so that no kept page answers), for a
different place each time, against a saved group of 200 other places.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.indicators_common import Timer, load_average, make_places, percentiles, throwaway_database  # noqa: E402


def run(args) -> dict:
    import numpy as np

    with throwaway_database(args.database, args.postgres_url):
        from django.db import connection
        from django.test import Client
        from django.utils import timezone

        from renkei.accounts.models import Role
        from renkei.accounts.permissions import SYSTEM
        from renkei.accounts.tests.factories import UserFactory
        from renkei.indicators import services
        from renkei.indicators.importing import insert_values, stored_moment
        from renkei.indicators.models import Indicator
        from renkei.indicators.selectors import GroupSpec, benchmark
        from renkei.places.models import Place

        with Timer() as t_places:
            place_ids = make_places(args.places)
        indicators = list(Indicator.objects.order_by("code").values_list("pk", flat=True)[:args.indicators])
        rng = np.random.default_rng(7)
        now = stored_moment(timezone.now())
        years = list(range(2024 - args.years + 1, 2025))
        total = 0
        with Timer() as t_values:
            from django.db import transaction

            with transaction.atomic():
                for start in range(0, len(place_ids), 200):
                    chunk = place_ids[start:start + 200]
                    n = len(chunk) * len(indicators) * len(years)
                    values = np.round(rng.uniform(0, 100, n), 2).tolist()
                    rows, k = [], 0
                    for place in chunk:
                        for indicator in indicators:
                            for year in years:
                                rows.append((place, indicator, year, "", "", values[k], "bench", "", None, now))
                                k += 1
                    insert_values(rows)
                    total += len(rows)
        if connection.vendor == "postgresql":
            # what autovacuum does after a bulk insert (PostgreSQL 13+ vacuums on inserts too): the
            # visibility map it sets lets the covering index answer without reading the table
            with connection.cursor() as cursor:
                cursor.execute("VACUUM (ANALYZE) indicators_value")
        else:
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        officer = UserFactory(username="bench-officer", roles=[Role.PROGRAMME_OFFICER])
        group = services.peer_group_create(actor=SYSTEM, data={
            "name": {"en": "Bench peers"}, "kind": "list", "shared": True,
            "places": [f"p{k}" for k in range(1, args.group + 1)]})
        client = Client()
        client.force_login(officer)
        targets = [f"p{args.group + 1 + (q * 7919) % (args.places - args.group)}" for q in range(args.requests)]
        first = client.get(f"/places/{targets[0]}/benchmark/?group={group.slug}")
        assert first.status_code == 200, first.content[:500]
        assert b'data-chart="profile"' in first.content
        page_ms, api_ms, select_ms = [], [], []
        for slug in targets:
            with Timer() as t:
                response = client.get(f"/places/{slug}/benchmark/?group={group.slug}")
            assert response.status_code == 200
            page_ms.append(t.seconds * 1000)
        for slug in targets:
            with Timer() as t:
                response = client.get(f"/api/v1/places/{slug}/benchmark?group={group.slug}")
            assert response.status_code == 200
            api_ms.append(t.seconds * 1000)
        spec = GroupSpec.of(group)
        for slug in targets:
            place = Place.objects.get(slug=slug)
            with Timer() as t:
                bench = benchmark(viewer=officer, place=place, spec=spec)
            select_ms.append(t.seconds * 1000)
        ranked = sum(r.status == "ranked" for _i, r in bench.rows)
        return {
            "database": args.database, "places": args.places, "indicators": len(indicators), "years": len(years),
            "values": total, "group": args.group, "requests": args.requests,
            "load_places_s": round(t_places.seconds, 1), "load_values_s": round(t_values.seconds, 1),
            "load_values_per_s": round(total / t_values.seconds),
            "page": percentiles(page_ms), "api": percentiles(api_ms), "benchmark_selector": percentiles(select_ms),
            "indicators_ranked": ranked, "page_bytes": len(first.content), "load_average": load_average(),
        }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--places", type=int, default=10_000)
    parser.add_argument("--indicators", type=int, default=50)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--group", type=int, default=200)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--postgres-url", default="postgres://postgres@127.0.0.1:5432/")
    args = parser.parse_args()
    if args.database == "both":  # one process per database (Django is set up once per process)
        results = []
        for kind in ("sqlite", "postgres"):
            argv = [sys.executable, __file__, "--database", kind, *[f"--{k.replace('_', '-')}={v}" for k, v in
                                                                    vars(args).items() if k != "database"]]
            results.append(json.loads(subprocess.run(argv, check=True, capture_output=True, text=True).stdout))
        print(json.dumps(results, indent=2))
        return
    print(json.dumps(run(args), indent=2))


if __name__ == "__main__":
    main()
