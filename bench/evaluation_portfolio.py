"""The results portfolio of one programme with many partnerships on SQLite: the selector, the page (with
its three charts), the CSV and XLSX exports, one partnership's results page and the import of actuals
from CSV. JSON.

Builds a throwaway database in a temporary directory (nothing of var/ is touched):
    .venv/bin/python bench/evaluation_portfolio.py [--partnerships 500] [--repeat 5] [--import-lines 10000]
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def timed(work, repeat: int) -> dict:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    return {"median_ms": round(statistics.median(times), 1), "max_ms": round(max(times), 1)}


def build(n: int) -> dict:
    from renkei.activities.models import Activity, Participant
    from renkei.evaluation.models import Actual, Adoption, Criterion, Evaluation, Result, ResultIndicator, Score, Target
    from renkei.partnerships.models import Member, Partnership
    from renkei.places.models import Place
    from renkei.programmes.models import Programme

    programme = Programme.objects.create(slug="bench", title={"en": "Bench programme"})
    Place.objects.bulk_create([Place(slug=f"jp{i}", name_en=f"Japan city {i}", country="JP") for i in range(n)]
                              + [Place(slug=f"xx{i}", name_en=f"Partner city {i}", country="ID") for i in range(n)],
                              batch_size=2000)
    places = dict(Place.objects.values_list("slug", "pk"))
    Partnership.objects.bulk_create([Partnership(slug=f"p{i}", title={"en": f"Partnership {i}"}, kind="bilateral",
                                                 status="active", programme=programme) for i in range(n)],
                                    batch_size=2000)
    ids = dict(Partnership.objects.values_list("slug", "pk"))
    Member.objects.bulk_create([Member(partnership_id=ids[f"p{i}"], place_id=places[f"{side}{i}"])
                                for i in range(n) for side in ("jp", "xx")], batch_size=2000)
    Result.objects.bulk_create([Result(partnership_id=ids[f"p{i}"], level="outcome", title={"en": f"Outcome {k}"},
                                       position=k) for i in range(n) for k in range(3)], batch_size=2000)
    ResultIndicator.objects.bulk_create([
        ResultIndicator(result=r, name={"en": "Meetings"}, unit="n", direction="higher", baseline_value=0,
                        baseline_on=date(2020, 1, 1)) for r in Result.objects.all()], batch_size=2000)
    indicators = list(ResultIndicator.objects.all())
    Target.objects.bulk_create([Target(result_indicator=ri, period_start=date(2020, 1, 1),
                                       period_end=date(2020 + 2 * k + 2, 12, 31), value=10 * (k + 1))
                                for ri in indicators for k in range(2)], batch_size=5000)
    Actual.objects.bulk_create([Actual(result_indicator=ri, period_start=date(2020 + k, 1, 1),
                                       period_end=date(2020 + k, 12, 31), value=3 * (k + 1))
                                for ri in indicators for k in range(3)], batch_size=5000)
    moment = datetime(2021, 5, 1, tzinfo=UTC)
    Activity.objects.bulk_create([Activity(slug=f"a{i}", kind="workshop", title={"en": "Workshop"},
                                           partnership_id=ids[f"p{i}"], starts_at=moment, ends_at=moment)
                                  for i in range(n)], batch_size=2000)
    activities = dict(Activity.objects.values_list("slug", "pk"))
    Participant.objects.bulk_create([Participant(activity_id=activities[f"a{i}"], name=f"P{k}",
                                                 place_id=places[f"{'jp' if k % 2 else 'xx'}{i}"],
                                                 before_score=2, after_score=2 + k % 4)
                                     for i in range(n) for k in range(10)], batch_size=5000)
    Adoption.objects.bulk_create([Adoption(partnership_id=ids[f"p{i}"], place_id=places[f"{side}{i}"],
                                           practice={"en": "A practice"}, adopted_on=date(2021, 1, 1))
                                  for i in range(n) for side in ("jp", "xx")], batch_size=2000)
    Evaluation.objects.bulk_create([Evaluation(partnership_id=ids[f"p{i}"], kind="final", status="published",
                                               published_at=moment) for i in range(n)], batch_size=2000)
    Score.objects.bulk_create([Score(evaluation=e, criterion=c, level=1 + (e.pk + k) % 4, justification="x")
                               for e in Evaluation.objects.all() for k, c in enumerate(Criterion.values)],
                              batch_size=5000)
    return {"indicators": len(indicators), "first_indicator": indicators[0].pk}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--partnerships", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--import-lines", type=int, default=10_000)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="renkei-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    os.environ["RENKEI_VAR_DIR"] = tmp
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "renkei.config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from renkei.accounts.permissions import SYSTEM
    from renkei.evaluation import exporting, selectors
    from renkei.evaluation.importing import actuals_import
    from renkei.evaluation.models import ResultIndicator
    from renkei.evaluation.views import portfolio_charts

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    built = build(args.partnerships)
    build_s = time.perf_counter() - started

    def report():
        return selectors.portfolio(viewer=SYSTEM, programme="bench")

    client = Client()
    page = client.get("/programmes/bench/portfolio/")
    assert page.status_code == 200, page.status_code
    tables = exporting.portfolio_tables(report())
    results = {
        "partnerships": args.partnerships, "result_indicators": built["indicators"],
        "build_s": round(build_s, 1),
        "portfolio_selector": timed(report, args.repeat),
        "portfolio_charts": timed(lambda: portfolio_charts(report()), args.repeat),
        "portfolio_page": timed(lambda: Client().get("/programmes/bench/portfolio/?kind=bilateral"), args.repeat),
        "export_csv_scores": timed(lambda: exporting.to_csv(exporting.portfolio_tables(report())[0]), args.repeat),
        "export_xlsx": timed(lambda: exporting.to_xlsx(exporting.portfolio_tables(report())), args.repeat),
        "xlsx_bytes": len(exporting.to_xlsx(tables)),
        "results_page": timed(lambda: Client().get("/partnerships/p0/results/"), args.repeat),
        "page_bytes": len(page.content),
    }
    ids = list(ResultIndicator.objects.select_related("result__partnership").values_list(
        "pk", "result__partnership__slug"))
    lines = ["partnership,result_indicator,period_start,period_end,value"]
    for k in range(args.import_lines):
        pk, slug = ids[k % len(ids)]
        year = 2030 + k // len(ids)
        lines.append(f"{slug},{pk},{year}-01-01,{year}-12-31,{k % 17}")
    source = "\n".join(lines).encode()
    started = time.perf_counter()
    dry = actuals_import(source=source, actor=SYSTEM, dry_run=True)
    dry_s = time.perf_counter() - started
    started = time.perf_counter()
    done = actuals_import(source=source, actor=SYSTEM)
    import_s = time.perf_counter() - started
    assert not done.errors and done.written == args.import_lines, done.error_lines()[:3]
    results["import_actuals"] = {"lines": args.import_lines, "dry_run_s": round(dry_s, 2),
                                 "write_s": round(import_s, 2),
                                 "lines_per_s": round(args.import_lines / import_s), "dry_written": dry.written}
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
