"""Engine fixtures built from Renkei's shipped taxonomy and demo files (read as plain JSON)."""

import json
from functools import lru_cache
from pathlib import Path

from renkei.engine.themes import ThemeSpace
from renkei.engine.types import PlaceProfile, Statement, ThemeNode

DATA = Path(__file__).resolve().parents[2] / "data"
LANG = {"JP": "ja", "ID": "id", "DE": "de", "FI": "fi", "SE": "sv", "PH": "en", "VN": "vi", "TH": "th"}


@lru_cache
def taxonomy() -> tuple[ThemeSpace, dict[str, int]]:
    rows = json.loads((DATA / "taxonomy" / "themes.json").read_text())
    ids = {row["code"]: n + 1 for n, row in enumerate(rows)}
    nodes = [
        ThemeNode(id=ids[r["code"]], code=r["code"], parent_id=ids.get(r["parent"]) if r["parent"] else None,
                  related=tuple(ids[c] for c in r["related"]), name_en=r["name_en"], name_ja=r["name_ja"],
                  synonyms_en=tuple(r["synonyms_en"]), synonyms_ja=tuple(r["synonyms_ja"]))
        for r in rows
    ]
    return ThemeSpace(nodes), ids


@lru_cache
def demo_profiles() -> tuple[PlaceProfile, ...]:
    _space, ids = taxonomy()
    demo = json.loads((DATA / "demo" / "demo.json").read_text())
    out = []
    for n, row in enumerate(p for p in demo["places"] if p["level"] == "city"):
        out.append(PlaceProfile(
            id=n + 1, name=row["name"], name_ja=row.get("name_ja", ""), slug=row["slug"], country=row["country"],
            level=row["level"], population=row.get("population"), area_km2=row.get("area_km2"),
            share_65_plus=row.get("share_65_plus"), growth=row.get("population_growth"),
            hazards=frozenset(row.get("hazards", [])), coastal=row.get("coastal"),
            income_group=row.get("income_group", ""), lat=row.get("lat"), lon=row.get("lon"),
            languages=frozenset({LANG.get(row["country"], "en")}),
            needs=tuple(Statement(ids[s["theme"]], s["priority"], s["description"].get("en", ""))
                        for s in row["needs"]),
            expertise=tuple(Statement(ids[s["theme"]], s["maturity"], s["description"].get("en", ""))
                            for s in row["expertise"]),
        ))
    return tuple(out)


def by_slug(slug: str) -> PlaceProfile:
    return next(p for p in demo_profiles() if p.slug == slug)
