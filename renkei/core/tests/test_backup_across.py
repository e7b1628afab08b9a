"""SQLite → PostgreSQL → SQLite through `renkei backup` and `renkei restore`, as a laptop install grows
into a server and back. It needs the PostgreSQL server, so it runs in the PostgreSQL suite (make test-postgres)."""

import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.db import connection

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs the PostgreSQL server: make test-postgres"),
]

SNAPSHOT = """
import json
from django.core import serializers
from renkei.core.backup import _ExactEncoder, backed_up_models
rows = {}
for model in backed_up_models():
    fields = [f.name for f in model._meta.local_fields if not f.primary_key]
    text = serializers.serialize("json", model._base_manager.order_by("pk"), fields=fields,
                                 use_natural_foreign_keys=True, cls=_ExactEncoder)
    for item in json.loads(text):
        rows[model._meta.label_lower + ":" + str(item["pk"])] = item["fields"]
print(json.dumps(rows, sort_keys=True))
"""


def renkei(database_url: str, media: Path, *args: str) -> str:
    env = {**os.environ, "DATABASE_URL": database_url, "MEDIA_ROOT": str(media), "RENKEI_EMBEDDER": "hashing",
           "RENKEI_TASKS": "immediate"}
    result = subprocess.run([sys.executable, "-m", "renkei.cli", *args], env=env, capture_output=True, text=True,
                            timeout=600, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def snapshot(database_url: str, media: Path) -> dict:
    return json.loads(renkei(database_url, media, "shell", "-c", SNAPSHOT).strip().splitlines()[-1])


@pytest.fixture
def server_database():
    base = connection.settings_dict
    name = f"renkei_restore_{uuid.uuid4().hex[:8]}"
    admin = psycopg.connect(host=base["HOST"] or "127.0.0.1", port=base["PORT"] or 5432, user=base["USER"],
                            dbname="postgres", autocommit=True)
    admin.execute(f'CREATE DATABASE "{name}"')
    url = f"postgres://{base['USER']}@{base['HOST'] or '127.0.0.1'}:{base['PORT'] or 5432}/{name}"
    yield url
    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def test_a_laptop_database_moves_to_postgresql_and_back(tmp_path, server_database):
    laptop = f"sqlite:///{tmp_path / 'laptop.sqlite3'}"
    media = tmp_path / "media"
    (media / "agreements").mkdir(parents=True)
    (media / "agreements" / "mou.pdf").write_bytes(b"%PDF-1.4 signed")
    renkei(laptop, media, "migrate", "-v0")
    shutil.copyfile(tmp_path / "laptop.sqlite3", tmp_path / "back.sqlite3")  # migrated, still empty: the way back
    renkei(laptop, media, "demo")
    original = snapshot(laptop, media)
    renkei(laptop, media, "backup", str(tmp_path / "laptop.zip"), "--no-progress")

    server_media = tmp_path / "server-media"
    renkei(server_database, server_media, "migrate", "-v0")
    out = renkei(server_database, server_media, "restore", str(tmp_path / "laptop.zip"), "--no-progress")
    assert "Restored" in out
    assert snapshot(server_database, server_media) == original
    assert (server_media / "agreements" / "mou.pdf").read_bytes() == b"%PDF-1.4 signed"

    renkei(server_database, server_media, "backup", str(tmp_path / "server.zip"), "--no-progress")
    back = f"sqlite:///{tmp_path / 'back.sqlite3'}"
    renkei(back, tmp_path / "back-media", "restore", str(tmp_path / "server.zip"), "--no-progress", "--no-reindex")
    assert snapshot(back, tmp_path / "back-media") == original
