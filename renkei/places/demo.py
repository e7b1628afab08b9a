"""The demo: places, organisations, contacts, needs and expertise built from the seed documents'
facts (renkei/data/demo/demo.json). Loading is idempotent: records are matched by external id,
slug or natural key, and a second run changes nothing."""

from __future__ import annotations

import json
from pathlib import Path

from django.db import transaction

from renkei.accounts.permissions import SYSTEM
from renkei.places import services
from renkei.places.models import Contact, Expertise, Need, Organisation, Place, Theme

DEMO_FILE = Path(__file__).resolve().parent.parent / "data" / "demo" / "demo.json"

PLACE_KEYS = [
    "id", "slug", "level", "name", "name_ja", "name_ja_reading", "name_local", "country", "parent", "lat", "lon",
    "population",
    "population_year", "area_km2", "share_65_plus", "population_growth", "coastal", "hazards",
    "income_group", "timezone", "website", "summary_en", "summary_ja", "published",
]


def read_demo(path: Path = DEMO_FILE) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _statements(place: Place, kind: str, rows: list[dict]) -> int:
    model, scale = (Need, "priority") if kind == "need" else (Expertise, "maturity")
    changed = 0
    for row in rows:
        if row.get("theme") is None:  # a text no theme was given to: "not yet tagged", found again by its words
            theme = None
            existing = next((s for s in model.objects.filter(place=place, theme=None).order_by("pk")
                             if s.description.get("en") == row.get("description", {}).get("en")), None)
        else:
            theme = Theme.objects.get(code=row["theme"])
            existing = model.objects.filter(place=place, theme=theme).first()
        data = {"theme": theme.code if theme else None, scale: row.get(scale, 3),
                "description": row.get("description", {}), "evidence": row.get("evidence", [])}
        if existing is None:
            services.statement_create(actor=SYSTEM, place=place, kind=kind, data=data, audit=False)
            changed += 1
        else:
            before = existing.version
            services.statement_update(actor=SYSTEM, obj=existing, data=data)
            existing.refresh_from_db()
            changed += existing.version != before
    return changed


@transaction.atomic
def demo_load(path: Path = DEMO_FILE) -> dict[str, int]:
    """Create or bring up to date every demo record; returns how many records changed."""
    demo = read_demo(path)
    counts = {"organisations": 0, "places": 0, "statements": 0, "contacts": 0}
    orgs_deferred = []
    created_orgs: set[str] = set()
    for row in demo.get("organisations", []):
        data = {k: row.get(k) for k in ("slug", "name_en", "name_ja", "acronym", "country", "parent", "website")}
        data["org_type"] = row.get("type")
        data["description"] = {"en": row.get("description_en", ""), "ja": row.get("description_ja", "")}
        data.pop("parent")
        org = Organisation.objects.filter(slug=row["slug"]).first()
        if org is None:
            services.organisation_create(actor=SYSTEM, data=data, audit=False)
            counts["organisations"] += 1
            created_orgs.add(row["slug"])
        else:
            before = org.version
            services.organisation_update(actor=SYSTEM, organisation=org, data=data)
            org.refresh_from_db()
            counts["organisations"] += org.version != before
        orgs_deferred.append(row)
    for row in demo.get("places", []):
        data = {k: row[k] for k in PLACE_KEYS if k in row}
        place = Place.objects.filter(external_id=row["id"]).first() if row.get("id") else None
        if place is None:
            place = services.place_create(actor=SYSTEM, data=data, audit=False)
            counts["places"] += 1
        else:
            before = place.version
            place = services.place_update(actor=SYSTEM, place=place, data=data)
            counts["places"] += place.version != before
        counts["statements"] += _statements(place, "need", row.get("needs", []))
        counts["statements"] += _statements(place, "expertise", row.get("expertise", []))
    # parents and places of organisations once every organisation and place exists
    for row in orgs_deferred:
        org = Organisation.objects.get(slug=row["slug"])
        before = org.version
        services.organisation_update(
            actor=SYSTEM, organisation=org, data={"parent": row.get("parent"), "place": row.get("place")}
        )
        org.refresh_from_db()
        counts["organisations"] += org.version != before and row["slug"] not in created_orgs
    for row in demo.get("contacts", []):
        org = Organisation.objects.filter(slug=row.get("organisation")).first() if row.get("organisation") else None
        place = services.resolve_place_ref(row["place"]) if row.get("place") else None
        if not Contact.objects.filter(name=row["name"], organisation=org, place=place).exists():
            fields = {key: row[key] for key in ("name", "title", "email", "phone", "public_consent") if key in row}
            services.contact_create(actor=SYSTEM, data={**fields, "organisation": org, "place": place})
            counts["contacts"] += 1
    return counts
