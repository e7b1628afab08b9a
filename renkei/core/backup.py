"""Back up and restore a whole Renkei: every row of every model and every uploaded file, in one
ZIP archive, portable between SQLite and PostgreSQL (how a laptop install grows into a server).

The archive holds ``manifest.json`` (format, Renkei version, the database it came from, the
migrations applied, a row count per model, a SHA-256 per data part and per file), one JSON-lines
part per model (Django's serializer, foreign keys to content types and permissions by natural key,
so ids that differ between databases do not matter) and the files of ``MEDIA_ROOT`` under
``media/``. Data derived from other data (the library's search index, the matching embeddings,
sessions, finished background tasks) is left out and rebuilt after a restore.

A restore checks everything before it writes anything: the archive's checksums, that the target
database has the same migrations applied, that it holds no data (the taxonomy that migrations load
is replaced by the archive's), and that no file of the same name with other content is in the way.
Then it loads every part in one transaction, checks the foreign keys, moves the id sequences past
the loaded ids, and writes the files.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from datetime import time as dt_time
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connections, router, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils.translation import gettext as _

from renkei.core import jsonparse
from renkei.core.errors import ApplicationError

FORMAT = "renkei-backup"
FORMAT_VERSION = 1
# Apps and models whose rows are not data of their own: created by `migrate`, rebuilt from other
# rows, or meaningless in another installation.
SKIP_APPS = {"contenttypes", "sessions", "django_tasks_database"}
SKIP_MODELS = {"auth.permission", "knowledge.searchdocument", "knowledge.searchterm", "knowledge.indexjob",
               "matching.textembedding"}
# Rows that migrations load (the theme taxonomy, the indicator catalogue): a new database has them; the
# archive's replace them.
SEEDED_BY_MIGRATIONS = {"places.theme", "indicators.framework", "indicators.classification", "indicators.indicator"}
CHUNK = 2000

Progress = Callable[[str, int], None]


@dataclass
class Summary:
    models: dict[str, int] = field(default_factory=dict)
    files: int = 0
    bytes: int = 0

    @property
    def rows(self) -> int:
        return sum(self.models.values())


def renkei_version() -> str:
    try:
        return version("renkei")
    except PackageNotFoundError:
        return "unknown"


def backed_up_models() -> list:
    """Models whose rows are kept, parents before children where natural keys require it, then the
    tables of many-to-many relations, copied row by row (a symmetrical relation is kept as it is
    stored, not re-derived)."""
    app_list = [(config, None) for config in apps.get_app_configs() if config.label not in SKIP_APPS]
    ordered = [model for model in serializers.sort_dependencies(app_list, allow_cycles=True)
               if model._meta.label_lower not in SKIP_MODELS and not model._meta.proxy and model._meta.managed
               and router.allow_migrate_model(DEFAULT_DB_ALIAS, model)]
    through = [f.remote_field.through for model in ordered for f in model._meta.local_many_to_many
               if f.remote_field.through._meta.auto_created]
    return ordered + through


def _own_fields(model) -> list[str]:
    """The fields a model's part holds: its columns, not its many-to-many relations (parts of their own)."""
    return [f.name for f in model._meta.local_fields if not f.primary_key]


def _part_name(model) -> str:
    return f"data/{model._meta.label_lower}.jsonl"


def _migrations(using: str = DEFAULT_DB_ALIAS) -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(connections[using]).applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


def _media_files(root: Path) -> Iterator[tuple[str, Path]]:
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield path.relative_to(root).as_posix(), path


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class _ExactEncoder(DjangoJSONEncoder):
    """Django's encoder cuts times to milliseconds; a backup keeps them to the microsecond."""

    def default(self, o):
        if isinstance(o, datetime):
            return o.isoformat().replace("+00:00", "Z")
        if isinstance(o, dt_time):
            return o.isoformat()
        return super().default(o)


class _HashingWriter(io.RawIOBase):
    def __init__(self, target):
        self.target, self.digest, self.size = target, hashlib.sha256(), 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        data = data.encode() if isinstance(data, str) else bytes(data)
        self.digest.update(data)
        self.size += len(data)
        self.target.write(data)
        return len(data)


def backup(destination: Path | str, *, progress: Progress | None = None,
           using: str = DEFAULT_DB_ALIAS) -> Summary:
    """Write the archive to ``destination`` (a temporary name first, renamed when complete)."""
    destination = Path(destination)
    partial = destination.with_name(destination.name + ".partial")
    summary = Summary()
    manifest: dict = {
        "format": FORMAT, "format_version": FORMAT_VERSION, "renkei_version": renkei_version(),
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": connections[using].vendor, "migrations": _migrations(using),
        "models": {}, "parts": {}, "files": {},
    }
    media_root = Path(settings.MEDIA_ROOT)
    try:
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
            # One snapshot of the data even while the site is in use (PostgreSQL: repeatable read).
            outermost = not connections[using].in_atomic_block
            with transaction.atomic(using=using):
                if outermost and connections[using].vendor == "postgresql":
                    with connections[using].cursor() as cursor:
                        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                for model in backed_up_models():
                    label = model._meta.label_lower
                    queryset = model._base_manager.using(using).order_by("pk")
                    with archive.open(_part_name(model), "w", force_zip64=True) as raw:
                        writer = _HashingWriter(raw)
                        text = io.TextIOWrapper(writer, encoding="utf-8", newline="\n", write_through=True)
                        count = queryset.count()
                        serializers.serialize("jsonl", queryset.iterator(chunk_size=CHUNK), stream=text,
                                              fields=_own_fields(model), use_natural_foreign_keys=True,
                                              cls=_ExactEncoder)
                        text.flush()
                        text.detach()
                    manifest["models"][label] = count
                    manifest["parts"][_part_name(model)] = writer.digest.hexdigest()
                    summary.models[label] = count
                    if progress:
                        progress(label, count)
            for name, path in _media_files(media_root):
                manifest["files"][name] = {"sha256": _sha256_file(path), "size": path.stat().st_size}
                archive.write(path, f"media/{name}")
                summary.files += 1
                summary.bytes += path.stat().st_size
                if progress:
                    progress(f"media/{name}", 1)
            archive.writestr("manifest.json", json.dumps(manifest, indent=1, ensure_ascii=False))
        os.replace(partial, destination)
    finally:
        partial.unlink(missing_ok=True)
    return summary


def read_manifest(archive: zipfile.ZipFile) -> dict:
    try:
        manifest = jsonparse.loads(archive.read("manifest.json"))
    except (KeyError, ValueError) as exc:
        raise ApplicationError(_("This file is not a Renkei backup (it has no readable manifest).")) from exc
    if manifest.get("format") != FORMAT:
        raise ApplicationError(_("This file is not a Renkei backup."))
    if manifest.get("format_version") != FORMAT_VERSION:
        raise ApplicationError(_("This backup's format (version %(v)s) is not one this Renkei reads.")
                               % {"v": manifest.get("format_version")})
    return manifest


def _safe_media_name(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise ApplicationError(_("The backup names a file outside the media folder: %(name)s") % {"name": name})
    return path


def _check_archive(archive: zipfile.ZipFile, manifest: dict) -> None:
    for part, expected in manifest["parts"].items():
        digest = hashlib.sha256()
        try:
            with archive.open(part) as handle:
                for block in iter(lambda h=handle: h.read(1 << 20), b""):
                    digest.update(block)
        except KeyError as exc:
            raise ApplicationError(_("The backup is incomplete: %(part)s is missing.") % {"part": part}) from exc
        if digest.hexdigest() != expected:
            raise ApplicationError(_("The backup is damaged: %(part)s does not match its checksum.") % {"part": part})
    for name, meta in manifest["files"].items():
        _safe_media_name(name)
        digest = hashlib.sha256()
        try:
            with archive.open(f"media/{name}") as handle:
                for block in iter(lambda h=handle: h.read(1 << 20), b""):
                    digest.update(block)
        except KeyError as exc:
            raise ApplicationError(_("The backup is incomplete: %(part)s is missing.")
                                   % {"part": f"media/{name}"}) from exc
        if digest.hexdigest() != meta["sha256"]:
            raise ApplicationError(_("The backup is damaged: %(part)s does not match its checksum.")
                                   % {"part": f"media/{name}"})


def _seeded(model) -> bool:
    """Loaded by a migration: the model itself, or the table of one of its many-to-many relations."""
    if model._meta.label_lower in SEEDED_BY_MIGRATIONS:
        return True
    return bool(model._meta.auto_created) and any(
        f.related_model._meta.label_lower in SEEDED_BY_MIGRATIONS for f in model._meta.fields if f.is_relation)


def _check_target(manifest: dict, using: str) -> list:
    here = _migrations(using)
    if here != manifest["migrations"]:
        missing = sorted(f"{app}.{name}" for app, names in manifest["migrations"].items()
                         for name in names if name not in here.get(app, []))
        extra = sorted(f"{app}.{name}" for app, names in here.items()
                       for name in names if name not in manifest["migrations"].get(app, []))
        raise ApplicationError(
            _("This database's migrations differ from the backup's (missing here: %(missing)s; not in the backup: "
              "%(extra)s). Restore with the Renkei version that made the backup (%(version)s), or migrate an "
              "empty database to the same state.")
            % {"missing": ", ".join(missing[:5]) or "–", "extra": ", ".join(extra[:5]) or "–",
               "version": manifest.get("renkei_version")})
    models = backed_up_models()
    known = {model._meta.label_lower for model in models}
    unknown = sorted(set(manifest["models"]) - known)
    if unknown:
        raise ApplicationError(_("The backup holds data this Renkei does not know: %(models)s")
                               % {"models": ", ".join(unknown)})
    occupied = [model._meta.label_lower for model in models
                if not _seeded(model) and model._base_manager.using(using).exists()]
    if occupied:
        raise ApplicationError(
            _("Restore needs an empty database, and this one holds data (%(models)s). Create a new database, "
              "run `renkei migrate` on it, and restore into that.") % {"models": ", ".join(occupied[:5])})
    return models


def _check_media(archive_manifest: dict, media_root: Path) -> None:
    for name, meta in archive_manifest["files"].items():
        target = media_root / _safe_media_name(name)
        if target.exists() and (not target.is_file() or _sha256_file(target) != meta["sha256"]):
            raise ApplicationError(
                _("A different file is already at %(path)s; restore into an empty media folder.") % {"path": target})


def restore(source: Path | str, *, progress: Progress | None = None, using: str = DEFAULT_DB_ALIAS) -> Summary:
    source = Path(source)
    if not source.is_file():
        raise ApplicationError(_("No backup file at %(path)s.") % {"path": source})
    try:
        archive = zipfile.ZipFile(source)
    except zipfile.BadZipFile as exc:
        raise ApplicationError(_("This file is not a Renkei backup (not a ZIP archive).")) from exc
    summary = Summary()
    media_root = Path(settings.MEDIA_ROOT)
    with archive:
        manifest = read_manifest(archive)
        _check_archive(archive, manifest)
        models = _check_target(manifest, using)
        _check_media(manifest, media_root)
        connection = connections[using]
        with transaction.atomic(using=using):
            deferred = []
            with connection.constraint_checks_disabled():
                # The taxonomy a migration loaded makes way for the archive's (foreign keys are checked below).
                seeded = [model for model in models if _seeded(model) and model._meta.label_lower in manifest["models"]]
                with connection.cursor() as cursor:
                    for model in sorted(seeded, key=lambda m: not m._meta.auto_created):
                        cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608
                for model in models:
                    label = model._meta.label_lower
                    if label not in manifest["models"]:
                        continue
                    count = 0
                    with archive.open(_part_name(model)) as raw:
                        text = io.TextIOWrapper(raw, encoding="utf-8")
                        try:
                            for item in serializers.deserialize("jsonl", text, using=using,
                                                                handle_forward_references=True):
                                item.save(using=using)
                                count += 1
                                if item.deferred_fields:
                                    deferred.append(item)
                        except (DeserializationError, UnicodeDecodeError) as exc:
                            raise ApplicationError(
                                _("The backup's %(part)s part cannot be read (line %(n)s): %(problem)s")
                                % {"part": _part_name(model), "n": count + 1, "problem": exc.__cause__ or exc}
                            ) from exc
                    if count != manifest["models"][label]:
                        raise ApplicationError(_("The backup's %(model)s part holds %(n)s rows, not %(m)s.")
                                               % {"model": label, "n": count, "m": manifest["models"][label]})
                    summary.models[label] = count
                    if progress:
                        progress(label, count)
                for item in deferred:
                    item.save_deferred_fields(using=using)
            connection.check_constraints(table_names=[model._meta.db_table for model in models])
            sequences = connection.ops.sequence_reset_sql(no_style(), models)
            if sequences:
                with connection.cursor() as cursor:
                    for statement in sequences:
                        cursor.execute(statement)
        for name, meta in manifest["files"].items():
            target = media_root / _safe_media_name(name)
            target.parent.mkdir(parents=True, exist_ok=True)
            if not target.exists():
                with archive.open(f"media/{name}") as handle, target.open("wb") as out:
                    for block in iter(lambda h=handle: h.read(1 << 20), b""):
                        out.write(block)
            summary.files += 1
            summary.bytes += meta["size"]
            if progress:
                progress(f"media/{name}", 1)
    return summary
