"""Main pages under load: `renkei serve` (gunicorn, 2 workers) on the demo, 16 closed-loop clients. JSON.

Each page is measured for the same time in one run, beside /healthz, so the machine's noise
cancels in the ratio. Builds a throwaway SQLite database in a temporary directory:
    .venv/bin/python bench/pages.py [--clients 16] [--seconds 10] [--workers 2]
"""

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def prepare(env: dict) -> dict:
    """Migrate, load the demo, build the indexes; return the slugs of a partnership and a call."""
    cli = [sys.executable, "-m", "renkei.cli"]
    for args in (["migrate", "-v0"], ["demo"], ["match_index"], ["reindex"]):
        subprocess.run([*cli, *args], env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    code = ("import json; from renkei.partnerships.models import Partnership; "
            "from renkei.programmes.models import Call; "
            "print(json.dumps({'partnership': Partnership.objects.order_by('pk').first().slug, "
            "'call': Call.objects.order_by('pk').first().slug}))")
    out = subprocess.run([*cli, "shell", "-c", code], env=env, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def get(port: int, path: str, conn: http.client.HTTPConnection | None = None):
    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", path, headers={"Accept-Language": "en"})
    response = conn.getresponse()
    body = response.read()
    return conn, response.status, len(body)


def load(port: int, path: str, clients: int, seconds: float) -> dict:
    latencies: list[float] = []
    errors = [0]
    sizes = [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client():
        conn = None
        mine = []
        while time.monotonic() < stop:
            started = time.perf_counter()
            try:
                conn, status, size = get(port, path, conn)
            except (OSError, http.client.HTTPException):
                conn = None
                status, size = 0, 0
            mine.append(time.perf_counter() - started)
            if status != 200:
                with lock:
                    errors[0] += 1
            sizes[0] = size
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    latencies.sort()
    return {
        "requests": len(latencies), "errors": errors[0], "req_s": round(len(latencies) / elapsed, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 1),
        "p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))] * 1000, 1), "kb": round(sizes[0] / 1024, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="renkei-pages-")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp}/pages.sqlite3", "RENKEI_VAR_DIR": tmp,
           "MEDIA_ROOT": f"{tmp}/media", "RENKEI_TASKS": "immediate",
           "DJANGO_SETTINGS_MODULE": "renkei.config.settings"}
    slugs = prepare(env)
    pages = {
        "healthz": "/healthz",
        "home": "/",
        "place list": "/places/",
        "place page": "/places/kamaishi/",
        "find partners": "/places/kamaishi/partners/",
        "library search": "/library/?q=tsunami",
        "partnership page": f"/partnerships/{slugs['partnership']}/",
        "call page": f"/calls/{slugs['call']}/",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "renkei.cli", "serve", "--port", str(args.port), "--workers", str(args.workers),
         "--no-task-worker"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        started = time.monotonic()
        while True:
            try:
                get(args.port, "/healthz")
                break
            except OSError:
                if time.monotonic() - started > 120:
                    raise SystemExit("the server did not start") from None
                time.sleep(0.2)
        ready_s = time.monotonic() - started
        first = {}
        for name, path in pages.items():  # the first request of each kind, as a new worker sees it
            t = time.perf_counter()
            get(args.port, path)
            first[name] = round((time.perf_counter() - t) * 1000, 1)
        for path in pages.values():  # every worker warm
            for _ in range(args.workers * 4):
                get(args.port, path)
        results = {name: load(args.port, path, args.clients, args.seconds) for name, path in pages.items()}
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)
    base = results["healthz"]["req_s"]
    for row in results.values():
        row["share_of_healthz"] = round(row["req_s"] / base, 3) if base else None
    print(json.dumps({"clients": args.clients, "seconds_per_page": args.seconds, "workers": args.workers,
                      "server_ready_s": round(ready_s, 1), "first_request_ms": first, "pages": results,
                      "load_average": os.getloadavg()}, indent=1))


if __name__ == "__main__":
    main()
