"""A backup holds every row and file; a restore gives them back exactly, and refuses what it cannot do cleanly."""

import io
import json
import zipfile
from pathlib import Path

import pytest
from django.apps import apps
from django.core import serializers
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test import override_settings

from renkei.core.backup import SKIP_MODELS, backed_up_models, backup, restore
from renkei.core.errors import ApplicationError

pytestmark = pytest.mark.django_db


def snapshot() -> dict:
    """Every backed-up row, as the serializer sees it, by model and primary key."""
    rows = {}
    for model in backed_up_models():
        fields = [f.name for f in model._meta.local_fields if not f.primary_key]
        for item in serializers.serialize("python", model._base_manager.order_by("pk"), fields=fields,
                                          use_natural_foreign_keys=True):
            rows[(model._meta.label_lower, str(item["pk"]))] = item["fields"]
    return rows


def empty_the_database():
    derived = [apps.get_model(label)._meta.db_table for label in SKIP_MODELS if label != "auth.permission"]
    tables = derived + [model._meta.db_table for model in backed_up_models()]
    with connection.cursor() as cursor:  # foreign keys are checked at commit, which a test never reaches
        for table in tables:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")  # noqa: S608


@pytest.fixture(scope="module")
def demo_rows(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo data, loaded once for the module and rolled back after it; each test's changes are
    rolled back to it."""
    with django_db_blocker.unblock(), override_settings(
        MEDIA_ROOT=tmp_path_factory.mktemp("media"), RENKEI_INDEX_CHECK_SECONDS=0,
        TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}},
    ):
        block = transaction.atomic()
        block.__enter__()
        try:
            call_command("demo", stdout=io.StringIO())
            yield
        finally:
            transaction.set_rollback(True)
            block.__exit__(None, None, None)


@pytest.fixture
def demo(demo_rows, db, tmp_path):
    media = tmp_path / "media" / "agreements" / "2026"
    media.mkdir(parents=True)
    (media / "mou.pdf").write_bytes(b"%PDF-1.4 signed memorandum")


def test_a_restore_gives_back_every_row_and_file(demo, tmp_path, settings):
    before = snapshot()
    assert len(before) > 300
    archive = tmp_path / "backup.zip"
    summary = backup(archive)
    assert summary.files == 1 and summary.rows == len(before)
    with zipfile.ZipFile(archive) as opened:
        manifest = json.loads(opened.read("manifest.json"))
    assert manifest["models"]["places.place"] > 10
    assert "media/agreements/2026/mou.pdf" in {f"media/{name}" for name in manifest["files"]}

    empty_the_database()
    (tmp_path / "media" / "agreements" / "2026" / "mou.pdf").unlink()
    restored = restore(archive)

    assert restored.rows == summary.rows
    assert snapshot() == before
    assert (tmp_path / "media" / "agreements" / "2026" / "mou.pdf").read_bytes() == b"%PDF-1.4 signed memorandum"


def test_new_rows_after_a_restore_get_fresh_ids(demo, tmp_path):
    archive = tmp_path / "backup.zip"
    backup(archive)
    highest = apps.get_model("places.Place").objects.order_by("-pk").values_list("pk", flat=True).first()
    empty_the_database()
    restore(archive)
    place = apps.get_model("places.Place").objects.create(name_en="Newtown", slug="newtown", country="JP", level="city")
    assert place.pk > highest


def test_restore_refuses_a_database_that_holds_data(demo, tmp_path):
    archive = tmp_path / "backup.zip"
    backup(archive)
    with pytest.raises(ApplicationError, match="empty database"):
        restore(archive)


def backup_changed(tmp_path, name: str, change) -> Path:
    """A backup of the database with the member ``name`` changed by ``change(bytes) -> bytes``."""
    archive = tmp_path / "backup.zip"
    backup(archive)
    changed = tmp_path / "changed.zip"
    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(changed, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            target.writestr(info, change(data) if info.filename == name else data)
    return changed


def test_restore_refuses_a_damaged_or_foreign_file_before_writing(demo, tmp_path):
    damaged = backup_changed(tmp_path, "data/places.place.jsonl", lambda data: data.replace(b"Kamaishi", b"Kamaisho"))
    empty_the_database()
    with pytest.raises(ApplicationError, match="damaged"):
        restore(damaged)
    assert not apps.get_model("places.Place").objects.exists()  # nothing half written
    not_a_backup = tmp_path / "notes.zip"
    with zipfile.ZipFile(not_a_backup, "w") as target:
        target.writestr("readme.txt", "hello")
    with pytest.raises(ApplicationError, match="not a Renkei backup"):
        restore(not_a_backup)
    (tmp_path / "plain.txt").write_text("hello")
    with pytest.raises(ApplicationError, match="not a Renkei backup"):
        restore(tmp_path / "plain.txt")


def _future_migration(data: bytes) -> bytes:
    manifest = json.loads(data)
    manifest["migrations"]["places"].append("0099_future")
    return json.dumps(manifest).encode()


def test_restore_refuses_a_backup_from_other_migrations(demo, tmp_path):
    changed = backup_changed(tmp_path, "manifest.json", _future_migration)
    empty_the_database()
    with pytest.raises(ApplicationError, match="0099_future"):
        restore(changed)


def _forged(tmp_path, part: str, data: bytes) -> Path:
    """A backup of the database whose ``part`` is ``data``, with a manifest that vouches for it."""
    import hashlib

    def vouch(manifest: bytes) -> bytes:
        loaded = json.loads(manifest)
        loaded["parts"][part] = hashlib.sha256(data).hexdigest()
        loaded["models"][part.removeprefix("data/").removesuffix(".jsonl")] = data.count(b"\n")
        return json.dumps(loaded).encode()

    forged = backup_changed(tmp_path, part, lambda _old: data)
    changed = tmp_path / "forged.zip"
    with zipfile.ZipFile(forged) as source, zipfile.ZipFile(changed, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            target.writestr(info, vouch(content) if info.filename == "manifest.json" else content)
    return changed


@pytest.mark.parametrize("value", ["[" * 100_000 + "]" * 100_000, "9" * 5000])
def test_restore_refuses_json_it_cannot_read_with_a_message(tmp_path, value):
    manifest = backup_changed(tmp_path, "manifest.json", lambda _old: ('{"format": ' + value + "}").encode())
    with pytest.raises(ApplicationError, match="no readable manifest"):
        restore(manifest)
    line = '{"model": "places.place", "pk": 1, "fields": {"name_en": ' + value + "}}\n"
    forged = _forged(tmp_path, "data/places.place.jsonl", line.encode())
    empty_the_database()
    with pytest.raises(ApplicationError, match=r"The backup's data/places.place.jsonl part cannot be read \(line 1\)"):
        restore(forged)
    assert not apps.get_model("places.Place").objects.exists()


def test_the_commands_report_and_refuse_with_a_message(demo, tmp_path, capsys):
    archive = tmp_path / "backup.zip"
    call_command("backup", str(archive), "--no-progress")
    assert "Backed up" in capsys.readouterr().out
    with pytest.raises(CommandError, match="empty database"):
        call_command("restore", str(archive), "--no-progress", "--no-reindex")
    with pytest.raises(CommandError, match="No backup file"):
        call_command("restore", str(tmp_path / "missing.zip"), "--no-progress")

