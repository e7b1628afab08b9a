"""POST /api/v1/match over 100,000 synthetic places on SQLite, through Django and django-ninja. JSON.

Builds a throwaway database in a temporary directory (nothing of var/ is touched):
    .venv/bin/python bench/api_match.py [--places 100000] [--queries 100]
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--places", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=100)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="renkei-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    os.environ["RENKEI_VAR_DIR"] = tmp
    os.environ["RENKEI_EMBEDDER"] = "hashing"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "renkei.config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from bench.synthetic import places as synthetic_places
    from bench.synthetic import themes as synthetic_themes
    from renkei.places.models import Expertise, Need, Place, Theme

    call_command("migrate", verbosity=0)
    theme_ids = {t.position + 1: t.pk for t in Theme.objects.all()}
    t = time.perf_counter()
    rows = synthetic_places(args.places, synthetic_themes())
    Place.objects.bulk_create([
        Place(slug=f"p{p.id}", name_en=p.name, country=p.country, population=int(p.population),
              area_km2=p.area_km2, share_65_plus=p.share_65_plus, population_growth=p.growth,
              hazards=sorted(p.hazards), coastal=p.coastal, income_group=p.income_group, latitude=p.lat,
              longitude=p.lon) for p in rows], batch_size=5000)
    ids = dict(Place.objects.values_list("slug", "pk"))
    Need.objects.bulk_create([Need(place_id=ids[f"p{p.id}"], theme_id=theme_ids[s.theme_id], priority=s.weight,
                                   description={"en": "need"}) for p in rows for s in p.needs], batch_size=5000)
    Expertise.objects.bulk_create([Expertise(place_id=ids[f"p{p.id}"], theme_id=theme_ids[s.theme_id],
                                             maturity=s.weight, description={"en": "offer"})
                                   for p in rows for s in p.expertise], batch_size=5000)
    load_s = time.perf_counter() - t
    client = Client()
    t = time.perf_counter()
    first = client.post("/api/v1/match", {"place": "p1", "top": 20}, content_type="application/json")
    assert first.status_code == 200, first.content[:500]
    cold_s = time.perf_counter() - t
    times = []
    for q in range(args.queries):
        t = time.perf_counter()
        response = client.post("/api/v1/match", {"place": f"p{1 + q * 997 % args.places}", "top": 20},
                               content_type="application/json")
        times.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200
    times.sort()
    print(json.dumps({"places": args.places, "database": "sqlite", "load_s": round(load_s, 1),
                      "first_request_s (builds the index)": round(cold_s, 2),
                      "median_ms": round(statistics.median(times), 1),
                      "p95_ms": round(times[int(0.95 * len(times)) - 1], 1)}, indent=2))


if __name__ == "__main__":
    main()
