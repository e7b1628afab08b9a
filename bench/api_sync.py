"""The API's writes and incremental sync on SQLite: creating partnerships with their members,
PATCHing actions of an action plan, and listing what changed since a moment (updated_since) among
many partnerships, through Django and django-ninja. JSON.

Builds a throwaway database in a temporary directory (nothing of var/ is touched):
    .venv/bin/python bench/api_sync.py [--partnerships 10000] [--requests 100]
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _timed(requests: int, call) -> dict:
    times = []
    for n in range(requests):
        t = time.perf_counter()
        call(n)
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return {"median_ms": round(statistics.median(times), 2), "p95_ms": round(times[int(len(times) * 0.95) - 1], 2),
            "requests": requests}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--partnerships", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=100)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="renkei-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    os.environ["RENKEI_VAR_DIR"] = tmp
    os.environ["RENKEI_EMBEDDER"] = "hashing"
    os.environ["RENKEI_TASKS"] = "immediate"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "renkei.config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    from renkei.accounts.models import Role
    from renkei.accounts.services import api_token_create, user_create
    from renkei.partnerships.models import Action, Member, Objective, Partnership
    from renkei.places.models import Place

    call_command("migrate", verbosity=0)
    n = args.partnerships
    t = time.perf_counter()
    Place.objects.bulk_create([Place(slug=f"p{i}", name_en=f"Place {i}", country="JP", level="city",
                                     population=10_000 + i) for i in range(2 * n + 2 * args.requests)],
                              batch_size=5000)
    places = dict(Place.objects.values_list("slug", "pk"))
    long_ago = timezone.now() - timedelta(days=400)
    Partnership.objects.bulk_create([Partnership(slug=f"s{i}", title={"en": f"Partnership {i}"}, kind="bilateral")
                                     for i in range(n)], batch_size=5000)
    Partnership.objects.update(updated_at=long_ago)
    ids = dict(Partnership.objects.values_list("slug", "pk"))
    Member.objects.bulk_create([Member(partnership_id=ids[f"s{i}"], place_id=places[f"p{2 * i + k}"], role="4")
                                for i in range(n) for k in (0, 1)], batch_size=5000)
    Objective.objects.bulk_create([Objective(partnership_id=ids[f"s{i}"], text={"en": "Objective"})
                                   for i in range(n)], batch_size=5000)
    objectives = dict(Objective.objects.values_list("partnership_id", "pk"))
    Action.objects.bulk_create([Action(objective_id=objectives[ids[f"s{i}"]], title={"en": "Action"})
                                for i in range(n)], batch_size=5000)
    actions = dict(Action.objects.values_list("objective__partnership__slug", "pk"))
    load_s = time.perf_counter() - t
    officer = user_create(username="officer", roles=[Role.PROGRAMME_OFFICER])
    client = Client(headers={"Authorization": f"Bearer {api_token_create(user=officer, name='bench')[1]}"})

    def create(i):
        response = client.post("/api/v1/partnerships", {
            "title": {"en": f"New {i}"}, "kind": "bilateral",
            "members": [{"place": f"p{2 * n + 2 * i}"}, {"place": f"p{2 * n + 2 * i + 1}"}]},
            content_type="application/json")
        assert response.status_code == 201, response.content[:500]

    def patch(i):
        slug = f"s{i * (n // args.requests)}"
        response = client.patch(f"/api/v1/partnerships/{slug}/actions/{actions[slug]}", {"status": "in_progress"},
                                content_type="application/json")
        assert response.status_code == 200, response.content[:500]

    since = timezone.now().isoformat()
    created = _timed(args.requests, create)
    patched = _timed(args.requests, patch)

    def changed(_i):
        response = client.get("/api/v1/partnerships", {"updated_since": since, "page_size": 200})
        # the new ones, and those whose action changed (activity on the plan touches the partnership)
        assert response.status_code == 200 and response.json()["count"] == 2 * args.requests, response.content[:300]

    def whole_page(_i):
        response = client.get("/api/v1/partnerships", {"page_size": 200, "page": 10})
        assert response.status_code == 200, response.content[:300]

    def actions_changed(i):
        slug = f"s{i * (n // args.requests)}"
        response = client.get(f"/api/v1/partnerships/{slug}/actions", {"updated_since": since})
        assert response.status_code == 200 and response.json()["count"] == 1, response.content[:300]

    print(json.dumps({
        "database": "sqlite", "partnerships": n, "load_s": round(load_s, 2),
        "POST /partnerships (2 members)": created,
        "PATCH /partnerships/{slug}/actions/{id}": patched,
        f"GET /partnerships?updated_since ({2 * args.requests} changed of {n + args.requests})":
            _timed(max(10, args.requests // 5), changed),
        "GET /partnerships?page_size=200 (a page of all)": _timed(max(10, args.requests // 5), whole_page),
        "GET /partnerships/{slug}/actions?updated_since": _timed(args.requests, actions_changed),
    }, indent=2))


if __name__ == "__main__":
    main()
