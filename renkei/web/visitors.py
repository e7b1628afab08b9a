"""What a visitor's page can show changes when any row of a domain app changes: the signature that
``ui.pagecache.for_visitors`` compares, per table its highest id and latest change (``updated_at``), with
the audit log's highest id among them (every service write is audited: deletions and writes that
change no ``updated_at`` too)."""

from __future__ import annotations

from django.apps import apps

DOMAIN_APPS = ("core", "accounts", "places", "matching", "programmes", "partnerships", "activities", "knowledge",
               "iati")


def _tables() -> list:
    models = [m for m in apps.get_models(include_auto_created=True) if m._meta.app_label in DOMAIN_APPS
              and m._meta.managed and not m._meta.proxy]
    return sorted(models, key=lambda m: m._meta.label)


_SQL: dict[str, str] = {}  # database vendor → the one query of the signature (the tables do not change)


def _signature_sql() -> str:
    from django.db import connection

    sql = _SQL.get(connection.vendor)
    if sql is None:
        quote = connection.ops.quote_name
        parts = []
        for model in _tables():
            table = quote(model._meta.db_table)
            parts.append(f"(SELECT MAX({quote(model._meta.pk.column)}) FROM {table})")  # noqa: S608 - model names
            fields = {field.attname: field for field in model._meta.concrete_fields}
            if "updated_at" in fields:
                parts.append(f"(SELECT MAX({quote(fields['updated_at'].column)}) FROM {table})")  # noqa: S608
        sql = _SQL[connection.vendor] = "SELECT " + ", ".join(parts)
    return sql


def visitor_signature() -> tuple:
    """One query, one round trip: per table its highest id and latest ``updated_at`` (the same values
    as an aggregate per table, without the ORM's work for each of some sixty tables)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(_signature_sql())
        return tuple(cursor.fetchone())
