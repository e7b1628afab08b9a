"""Loading the shipped theme taxonomy (renkei/data/taxonomy/themes.json).

Used by a data migration, so every new database has the taxonomy, and by ``renkei
load_taxonomy`` to bring an existing database up to date with a newer file. Themes are matched
by code; admins' edits to other themes are left alone.
"""

from __future__ import annotations

import json
from pathlib import Path

TAXONOMY_FILE = Path(__file__).resolve().parent.parent / "data" / "taxonomy" / "themes.json"


def read_taxonomy(path: Path = TAXONOMY_FILE) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))


def load_taxonomy(theme_model, path: Path = TAXONOMY_FILE) -> int:
    """Upsert every theme of the file into ``theme_model`` (a real or a historical model)."""
    rows = read_taxonomy(path)
    by_code = {}
    for position, row in enumerate(rows):
        parent = by_code.get(row.get("parent")) if row.get("parent") else None
        if row.get("parent") and parent is None:
            parent = theme_model.objects.get(code=row["parent"])
        theme, _ = theme_model.objects.update_or_create(
            code=row["code"],
            defaults={
                "parent": parent,
                "name_en": row["name_en"],
                "name_ja": row["name_ja"],
                "synonyms_en": row.get("synonyms_en", []),
                "synonyms_ja": row.get("synonyms_ja", []),
                "dac_codes": row.get("dac_codes", []),
                "sdg_targets": row.get("sdg_targets", []),
                "description_en": row.get("description_en", ""),
                "description_ja": row.get("description_ja", ""),
                "position": position,
            },
        )
        by_code[theme.code] = theme
    for row in rows:
        related = [by_code[c] for c in row.get("related", []) if c in by_code]
        if related:
            by_code[row["code"]].related.add(*related)
    return len(rows)
