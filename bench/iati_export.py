"""IATI 2.03 export of 10,000 partnerships on SQLite (throwaway database). JSON: activities per second,
the file's size, and peak memory (Python allocations while exporting, with tracemalloc, and the
process's resident set), then the time lxml takes to validate the file against the 2.03 schema.

    .venv/bin/python bench/iati_export.py [--partnerships 10000] [--out FILE]

``--out`` keeps the exported file (bench/iati_import.py reads it back into an empty database).
"""

import argparse
import json
import os
import resource
import sys
import tempfile
import time
import tracemalloc
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


class Counter:
    """A sink that counts the bytes written and keeps none."""

    def __init__(self):
        self.size = 0

    def write(self, data):
        self.size += len(data)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--partnerships", type=int, default=10_000)
    parser.add_argument("--out", type=Path, help="keep the exported activities file here")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="renkei-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    os.environ["RENKEI_VAR_DIR"] = tmp
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "renkei.config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from renkei.accounts.permissions import SYSTEM
    from renkei.iati.exporting import plan_export, write_activities
    from renkei.iati.services import settings_update
    from renkei.iati.validation import check_activities
    from renkei.partnerships.models import Action, Member, Objective, Partnership
    from renkei.places.models import Organisation, Place, Theme
    from renkei.programmes.models import Programme

    call_command("migrate", verbosity=0)
    n = args.partnerships
    t = time.perf_counter()
    jica = Organisation.objects.create(slug="jica", name_en="Japan International Cooperation Agency",
                                       name_ja="独立行政法人国際協力機構", org_type="10", country="JP")
    countries = ["ID", "PH", "VN", "TH", "KE", "BR", "DE", "FI"]
    Place.objects.bulk_create(
        [Place(slug=f"jp{i}", name_en=f"Japanese city {i}", name_ja=f"日本の市{i}", country="JP",
               latitude=35 + i % 7, longitude=135 + i % 9) for i in range(n // 4)]
        + [Place(slug=f"x{i}", name_en=f"Partner city {i}", country=countries[i % len(countries)],
                 latitude=-10 + i % 30, longitude=100 + i % 40) for i in range(n // 4)], batch_size=2000)
    places = dict(Place.objects.values_list("slug", "pk"))
    programme = Programme.objects.create(slug="bench-programme", title={"en": "Benchmark programme"},
                                         description={"en": "Partnerships of Japanese and partner cities."},
                                         starts_on=date(2020, 1, 1))
    themes = [t.pk for t in Theme.objects.exclude(dac_codes=[])]
    programme.themes.set(themes[:3])
    Partnership.objects.bulk_create(
        [Partnership(slug=f"p{i}", title={"en": f"Partnership {i}", "ja": f"連携{i}"}, kind="bilateral",
                     status="active", programme=programme if i % 2 else None,
                     description={"en": "City-to-city cooperation on shared urban challenges."},
                     starts_on=date(2020 + i % 5, 4, 1), ends_on=date(2027, 3, 31)) for i in range(n)],
        batch_size=2000)
    ids = dict(Partnership.objects.values_list("slug", "pk"))
    Member.objects.bulk_create(
        [Member(partnership_id=ids[f"p{i}"], place_id=places[f"jp{i % (n // 4)}"], role="4") for i in range(n)]
        + [Member(partnership_id=ids[f"p{i}"], place_id=places[f"x{i % (n // 4)}"], role="4") for i in range(n)],
        batch_size=5000)
    through = Partnership.themes.through
    through.objects.bulk_create([through(partnership_id=ids[f"p{i}"], theme_id=themes[(i + k) % len(themes)])
                                 for i in range(n) for k in range(3)], batch_size=5000)
    Objective.objects.bulk_create([Objective(partnership_id=ids[f"p{i}"], text={"en": "Plan"}) for i in range(n)],
                                  batch_size=5000)
    objectives = dict(Objective.objects.values_list("partnership_id", "pk"))
    Action.objects.bulk_create([Action(objective_id=objectives[ids[f"p{i}"]], title={"en": "Training"},
                                       due_on=date(2024, 6, 30), budget_eur=1000 + i) for i in range(n)],
                               batch_size=5000)
    settings_update(actor=SYSTEM, data={"reporting_organisation": jica.slug, "organisation_identifier": "XM-DAC-701-8",
                                        "site_address": "https://renkei.example.org"})
    load_s = time.perf_counter() - t
    from django.urls import reverse

    reverse("iati:activities")  # the URL configuration loads once per process, not per export

    if os.environ.get("BENCH_PROFILE"):
        import cProfile
        import pstats
        write_activities(Counter(), plan_export())
        cProfile.runctx("plan_export()", globals(), locals(), f"{tmp}/prof")
        pstats.Stats(f"{tmp}/prof").sort_stats("tottime").print_stats(15)
        cProfile.runctx("write_activities(Counter(), plan_export())", globals(), locals(), f"{tmp}/prof")
        pstats.Stats(f"{tmp}/prof").sort_stats("tottime").print_stats(20)
    t = time.perf_counter()
    plan = plan_export()
    plan_s = time.perf_counter() - t
    sink = Counter()
    t = time.perf_counter()
    write_activities(sink, plan)
    write_s = time.perf_counter() - t

    tracemalloc.start()
    write_activities(Counter(), plan_export())
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    rss_export = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    path = Path(tmp) / "activities.xml"
    with path.open("wb") as f:
        write_activities(f, plan)
    if args.out:
        args.out.write_bytes(path.read_bytes())
    t = time.perf_counter()
    problems = check_activities(path.read_bytes())
    validate_s = time.perf_counter() - t
    activities = plan.count
    print(json.dumps({
        "partnerships": n, "activities": activities, "skipped": len(plan.skipped), "database": "sqlite",
        "load_s": round(load_s, 1), "plan_s (checks every partnership)": round(plan_s, 2),
        "write_s": round(write_s, 2), "activities_per_s (plan + write)": round(activities / (plan_s + write_s)),
        "file_mb": round(sink.size / 2**20, 1),
        "peak_python_mb while exporting (tracemalloc)": round(peak / 2**20, 1),
        "max_rss_mb after exporting (whole process)": round(rss_export),
        "max_rss_mb after validating": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "validate_s (XSD, codelists, rules; whole file in memory)": round(validate_s, 2),
        "valid": problems == [], "problems": problems[:3]}, indent=2))


if __name__ == "__main__":
    main()
