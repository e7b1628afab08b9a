"""The shipped catalogue (renkei/data/indicators/catalogue.json): frameworks with their
classifications, and indicators with their units, directions, disaggregations and themes.

``load_catalogue`` takes the models as arguments so that the data migration can pass its historical
ones. Loading is idempotent: a second run changes nothing, and custom indicators are never touched."""

from __future__ import annotations

import json
from pathlib import Path

CATALOGUE_FILE = Path(__file__).resolve().parent.parent / "data" / "indicators" / "catalogue.json"


def read_catalogue(path: Path = CATALOGUE_FILE) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def load_catalogue(framework_model, classification_model, indicator_model, theme_model,
                   path: Path = CATALOGUE_FILE) -> int:
    """Create or bring up to date every shipped framework, classification and indicator; returns how
    many indicators were created. Themes missing from the taxonomy are left out."""
    data = read_catalogue(path)
    classes: dict[tuple[str, str], object] = {}
    frameworks = {}
    for position, row in enumerate(data["frameworks"]):
        framework, _ = framework_model.objects.update_or_create(
            code=row["code"], defaults={"name": row["name"], "url": row.get("url", ""), "position": position})
        frameworks[row["code"]] = framework
        for n, item in enumerate(row.get("classes", [])):
            classes[(row["code"], item["code"])], _ = classification_model.objects.update_or_create(
                framework=framework, code=item["code"], defaults={"name": item["name"], "position": n})
    themes = {t.code: t for t in theme_model.objects.all()}
    created = 0
    for row in data["indicators"]:
        indicator, was_created = indicator_model.objects.update_or_create(
            code=row["code"], defaults={
                "name": row["name"], "definition": row.get("definition", {}), "unit": row["unit"],
                "direction": row["direction"], "disaggregations": row.get("disaggregations", []), "custom": False})
        created += was_created
        indicator.frameworks.set([frameworks[code] for code in row.get("frameworks", [])])
        indicator.classes.set([classes[(framework, code)] for framework, codes in row.get("classes", {}).items()
                               for code in codes])
        indicator.themes.set([themes[code] for code in row.get("themes", []) if code in themes])
    return created
