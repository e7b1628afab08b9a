"""A CSV import of 1,000,000 indicator values (2,000 places × 50 indicators × 10 years) through the
import service, in a throwaway database. JSON.

    .venv/bin/python bench/indicators_import.py [--database sqlite|postgres|both] [--values 1000000]
        [--postgres-url URL]

Reports the whole import (reading and checking every row, then writing in one transaction) in
values per second, the check alone (a dry run), and a second import of the same file (every value
found unchanged).
"""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.indicators_common import Timer, load_average, make_places, throwaway_database  # noqa: E402

INDICATORS, YEARS = 50, 10


def csv_text(places: int) -> str:
    import numpy as np

    from renkei.indicators.models import Indicator

    codes = list(Indicator.objects.order_by("code").values_list("code", flat=True)[:INDICATORS])
    values = np.round(np.random.default_rng(3).uniform(0, 100, places * len(codes) * YEARS), 2).tolist()
    out = io.StringIO()
    out.write("place,indicator,year,value,source\n")
    k = 0
    for place in range(1, places + 1):
        for code in codes:
            for year in range(2015, 2015 + YEARS):
                out.write(f"p{place},{code},{year},{values[k]},National statistics\n")
                k += 1
    return out.getvalue()


def run(args) -> dict:
    with throwaway_database(args.database, args.postgres_url):
        from renkei.accounts.permissions import SYSTEM
        from renkei.indicators.importing import values_import
        from renkei.indicators.models import Value

        places = args.values // (INDICATORS * YEARS)
        make_places(places)
        text = csv_text(places)
        data = text.encode()
        with Timer() as dry:
            report = values_import(source=data, actor=SYSTEM, dry_run=True)
        assert not report.errors and report.created == places * INDICATORS * YEARS, report.error_lines()[:3]
        with Timer() as first:
            report = values_import(source=data, actor=SYSTEM)
        assert report.created == Value.objects.count()
        with Timer() as again:
            second = values_import(source=data, actor=SYSTEM)
        assert second.unchanged == report.created
        n = report.created
        return {"database": args.database, "values": n, "file_mb": round(len(data) / 2**20, 1),
                "import_s": round(first.seconds, 1), "import_values_per_s": round(n / first.seconds),
                "check_only_s": round(dry.seconds, 1), "check_values_per_s": round(n / dry.seconds),
                "reimport_unchanged_s": round(again.seconds, 1), "load_average": load_average()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--values", type=int, default=1_000_000)
    parser.add_argument("--postgres-url", default="postgres://postgres@127.0.0.1:5432/")
    args = parser.parse_args()
    if args.database == "both":
        results = []
        for kind in ("sqlite", "postgres"):
            argv = [sys.executable, __file__, "--database", kind, f"--values={args.values}",
                    f"--postgres-url={args.postgres_url}"]
            results.append(json.loads(subprocess.run(argv, check=True, capture_output=True, text=True).stdout))
        print(json.dumps(results, indent=2))
        return
    print(json.dumps(run(args), indent=2))


if __name__ == "__main__":
    main()
