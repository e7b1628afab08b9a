"""What a visitor's page can show changes when any row of a domain app changes: the signature that
``ui.pagecache.for_visitors`` compares, per table its highest id and latest change (``updated_at``), with
the audit log's highest id among them (every service write is audited: deletions and writes that
change no ``updated_at`` too)."""

from __future__ import annotations

from django.apps import apps
from django.db.models import Max

DOMAIN_APPS = ("core", "accounts", "places", "matching", "programmes", "partnerships", "activities", "knowledge",
               "iati")


def _tables() -> list:
    models = [m for m in apps.get_models(include_auto_created=True) if m._meta.app_label in DOMAIN_APPS
              and m._meta.managed and not m._meta.proxy]
    return sorted(models, key=lambda m: m._meta.label)


def visitor_signature() -> tuple:
    out = []
    for model in _tables():
        fields = {field.attname for field in model._meta.concrete_fields}
        aggregates = {"last": Max("pk")}
        if "updated_at" in fields:
            aggregates["t"] = Max("updated_at")
        out.append(tuple(model._default_manager.aggregate(**aggregates).values()))
    return tuple(out)
