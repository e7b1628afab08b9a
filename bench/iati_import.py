"""IATI import of an agency's portfolio into an empty database (SQLite, throwaway). JSON: the time to
read and check the file and propose what it would create (the dry run), the time to write it
(``--apply``), and activities per second for each.

The file is the one bench/iati_export.py writes for N synthetic partnerships (half of them under one
programme, two cities and three DAC sectors each, an action-plan budget), so what is read back is a
valid IATI 2.03 file of the size a large agency publishes.

    .venv/bin/python bench/iati_import.py [--partnerships 2000]
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--partnerships", type=int, default=2_000)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="renkei-bench-"))
    xml = tmp / "activities.xml"
    t = time.perf_counter()
    subprocess.run([sys.executable, str(ROOT / "bench" / "iati_export.py"), "--partnerships",
                    str(args.partnerships), "--out", str(xml)], check=True, stdout=subprocess.DEVNULL)
    export_s = time.perf_counter() - t

    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/import.sqlite3"
    os.environ["RENKEI_VAR_DIR"] = str(tmp)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "renkei.config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from renkei.accounts.permissions import SYSTEM
    from renkei.iati.importing import import_plan
    from renkei.iati.services import import_apply
    from renkei.partnerships.models import Partnership

    call_command("migrate", verbosity=0)
    data = xml.read_bytes()
    t = time.perf_counter()
    plan = import_plan(data)
    plan_s = time.perf_counter() - t
    activities = len(plan.activities)
    t = time.perf_counter()
    import_apply(actor=SYSTEM, plan=plan)
    apply_s = time.perf_counter() - t
    print(json.dumps({
        "partnerships exported": args.partnerships, "file_mb": round(len(data) / 2**20, 1),
        "export_s (building the source database, then exporting)": round(export_s, 1),
        "activities in the file": activities, "database": "sqlite",
        "dry_run_s (read, check, propose)": round(plan_s, 2),
        "dry_run_activities_per_s": round(activities / plan_s),
        "apply_s (write, all or nothing)": round(apply_s, 2),
        "apply_activities_per_s": round(activities / apply_s),
        "partnerships written": Partnership.objects.count(),
        "counts": plan.counts(),
    }, indent=2))


if __name__ == "__main__":
    main()
