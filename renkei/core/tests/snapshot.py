"""Demo data loaded once per test process, then written back for every later test that asks for it.

Loading the demo through the services takes seconds (the whole demo half a minute on a slow
machine), and hundreds of tests start from it. The first test that asks for a state runs the
loaders and keeps what they changed: the rows of every model's table (added, changed or removed)
and the files written under MEDIA_ROOT. A later test whose database is in the same state before the
load gets those rows and files written back, in a few statements per table.

The key of a kept load is its name, the state it started from (every row of every table, and the
files) and what changes what a load writes (database, transaction or autocommit, embedder,
language, today's date): a test that made a user first loads for itself. Content types and
permissions are made again, with new ids, whenever a transactional test empties the tables; they
are known by their natural keys instead (a kept row pointing to a content type is pointed to the
same type's current id), so the tests that empty the tables share their loads too.

Rows come back through SQL, so no signal or hook runs; they come back with the same ids and
timestamps as when first loaded, so the per-process values built from the data (the matching
index, the search catalogue) are forgotten and built again.
"""

# ruff: noqa: S608 (the table and column names in the SQL come from the models, quoted)
from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import translation

from renkei.core import cache


@dataclass(frozen=True)
class _Table:
    name: str
    pk: str
    columns: tuple[str, ...]
    model: type
    content_types: tuple[str, ...]  # columns pointing to a content type
    permissions: tuple[str, ...]  # columns pointing to a permission


@dataclass
class _Kept:
    removed: dict[_Table, list]  # table → primary keys to delete (rows removed or changed)
    added: dict[_Table, list]  # table → rows to insert (added or changed)
    files: dict[str, bytes]  # path under MEDIA_ROOT → content


_KEPT: dict[str, _Kept | None] = {}


def load_once(name: str, load: Callable[[], object]) -> None:
    """Run ``load`` (the first time for this starting state) or write back what it wrote."""
    before = _state()
    key = _key(name, before)
    if key in _KEPT and (kept := _KEPT[key]) is not None:
        _write_back(kept, {natural: pk for pk, natural in before.content_types.items()})
        return
    load()
    _KEPT[key] = _difference(before, _state())


def _tables() -> list[_Table]:
    tables: dict[str, _Table] = {}
    for model in apps.get_models(include_auto_created=True):
        opts = model._meta
        if opts.managed and not opts.proxy and not opts.swapped and opts.db_table not in tables:
            pointing = {kind: tuple(field.column for field in opts.concrete_fields
                                    if field.is_relation and field.related_model is kind)
                        for kind in (ContentType, Permission)}
            tables[opts.db_table] = _Table(opts.db_table, opts.pk.column,
                                           tuple(field.column for field in opts.concrete_fields), model,
                                           pointing[ContentType], pointing[Permission])
    made_by_migrate = {ContentType._meta.db_table, Permission._meta.db_table}
    return sorted((table for table in tables.values() if table.name not in made_by_migrate),
                  key=lambda table: table.name)


def _quoted(table: _Table) -> tuple[str, str, str]:
    quote = connection.ops.quote_name
    return quote(table.name), quote(table.pk), ", ".join(quote(column) for column in table.columns)


def _rows(cursor, table: _Table) -> dict:
    """Primary key → the row (a tuple of values on SQLite, its JSON text on PostgreSQL)."""
    name, pk, columns = _quoted(table)
    if connection.vendor == "postgresql":
        cursor.execute(f"SELECT r.{pk}, row_to_json(r)::text FROM (SELECT {columns} FROM {name}) r")
        return dict(cursor.fetchall())
    cursor.execute(f"SELECT {columns} FROM {name}")
    at = table.columns.index(table.pk)
    return {row[at]: row for row in cursor.fetchall()}


def _files() -> dict[str, bytes]:
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return {}
    return {str(path.relative_to(root)): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


@dataclass
class _State:
    rows: dict[_Table, dict]
    files: dict[str, bytes]
    content_types: dict[int, tuple[str, str]]  # id → (app label, model)


def _state() -> _State:
    with connection.cursor() as cursor:
        rows = {table: _rows(cursor, table) for table in _tables()}
    types = ContentType.objects.values_list("pk", "app_label", "model")
    return _State(rows, _files(), {pk: (app, model) for pk, app, model in types})


def _values(table: _Table, row) -> dict:
    return json.loads(row) if connection.vendor == "postgresql" else dict(zip(table.columns, row, strict=True))


def _row(table: _Table, values: dict):
    return json.dumps(values) if connection.vendor == "postgresql" else tuple(values[c] for c in table.columns)


def _portable(table: _Table, row, content_types: dict[int, tuple[str, str]]):
    """The row with its content types by natural key; None when it points to a permission (by id only)."""
    if not table.content_types and not table.permissions:
        return row
    values = _values(table, row)
    if any(values[column] is not None for column in table.permissions):
        return None
    for column in table.content_types:
        if values[column] is not None:
            values[column] = content_types[values[column]]
    return values


def _local(table: _Table, row, content_types: dict[tuple[str, str], int]):
    if not table.content_types and not table.permissions:
        return row
    values = dict(row)
    for column in table.content_types:
        if values[column] is not None:
            values[column] = content_types[tuple(values[column])]
    return _row(table, values)


def _key(name: str, state: _State) -> str:
    digest = hashlib.sha256()
    for part in (name, connection.vendor, connection.in_atomic_block, settings.RENKEI_EMBEDDER,
                 translation.get_language(), date.today()):
        digest.update(repr(part).encode())
    for table, rows in state.rows.items():
        if rows:
            digest.update(table.name.encode())
            for pk in sorted(rows):
                digest.update(repr((pk, rows[pk])).encode())
    for path, content in state.files.items():
        digest.update(path.encode() + hashlib.sha256(content).digest())
    digest.update(repr(sorted(state.content_types.values())).encode())
    return digest.hexdigest()


def _difference(before: _State, after: _State) -> _Kept | None:
    """What the load changed, or None when it cannot be written back (a row points to a permission)."""
    removed: dict[_Table, list] = {}
    added: dict[_Table, list] = {}
    for table, rows in after.rows.items():
        old = before.rows[table]
        gone = [pk for pk, row in old.items() if rows.get(pk) != row]
        new = [_portable(table, row, after.content_types) for pk, row in rows.items() if old.get(pk) != row]
        if None in new:
            return None
        if gone:
            removed[table] = gone
        if new:
            added[table] = new
    files = {path: content for path, content in after.files.items() if before.files.get(path) != content}
    return _Kept(removed, added, files)


def _write_back(kept: _Kept, content_types: dict[tuple[str, str], int]) -> None:
    with transaction.atomic(), connection.cursor() as cursor:  # foreign keys are checked at the end
        for table, pks in kept.removed.items():
            name, pk, _columns = _quoted(table)
            for start in range(0, len(pks), 500):
                chunk = pks[start:start + 500]
                cursor.execute(f"DELETE FROM {name} WHERE {pk} IN ({', '.join(['%s'] * len(chunk))})", chunk)
        for table, portable in kept.added.items():
            rows = [_local(table, row, content_types) for row in portable]
            name, _pk, columns = _quoted(table)
            if connection.vendor == "postgresql":
                cursor.execute(f"INSERT INTO {name} ({columns}) SELECT {columns} "
                               f"FROM json_populate_recordset(NULL::{name}, %s::json)", ["[" + ",".join(rows) + "]"])
            else:
                marks = ", ".join(["%s"] * len(table.columns))
                cursor.executemany(f"INSERT INTO {name} ({columns}) VALUES ({marks})", rows)
        if connection.vendor == "postgresql":
            for statement in connection.ops.sequence_reset_sql(no_style(), [table.model for table in kept.added]):
                cursor.execute(statement)
    root = Path(settings.MEDIA_ROOT)
    for path, content in kept.files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(content)
    cache.forget()

