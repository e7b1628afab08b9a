"""Query expansion across languages through the bilingual taxonomy.

The theme taxonomy names every theme in English and Japanese, with synonyms in both: it is a small
bilingual dictionary of exactly this field. A query that names a theme ("tsunami", 「コンパクトシティ」)
is also searched for the theme's names and synonyms in both languages (津波, "compact city"), and
products tagged with that theme count as on topic. This is dictionary-based cross-language
retrieval; the embedding covers what the dictionary does not.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from django.db.models import Count, Max

from renkei.engine.tagging import tag_text
from renkei.engine.types import ThemeNode
from renkei.knowledge.search.analysis import Term, normalise
from renkei.places.models import Theme

MAX_THEMES = 3
MIN_SYNONYM_LENGTH = 2  # a one-character synonym would match everything


@dataclass(frozen=True)
class Expansion:
    theme_ids: tuple[int, ...]
    terms: tuple[Term, ...]  # the other names of those themes, each an optional phrase


_lock = threading.Lock()
_cache: dict[tuple, list[ThemeNode]] = {}


def _nodes() -> list[ThemeNode]:
    agg = Theme.objects.aggregate(n=Count("id"), last=Max("id"))
    key = (agg["n"], agg["last"])
    with _lock:
        if key not in _cache:
            _cache.clear()
            _cache[key] = [ThemeNode(id=t.pk, code=t.code, parent_id=t.parent_id, name_en=t.name_en,
                                     name_ja=t.name_ja, synonyms_en=tuple(t.synonyms_en),
                                     synonyms_ja=tuple(t.synonyms_ja)) for t in Theme.objects.order_by("id")]
        return _cache[key]


def expand(query: str, already: set[str]) -> Expansion:
    """Themes the query names (by a name or a synonym, in either language), and their other names
    as extra terms (those already in the query left out)."""
    if not query.strip():
        return Expansion((), ())
    nodes = _nodes()
    found = tag_text(query, nodes, None, limit=MAX_THEMES, min_confidence=0.9)
    by_id = {n.id: n for n in nodes}
    ids = tuple(tid for tid, _confidence in found)
    phrases: dict[str, None] = {}
    for tid in ids:
        node = by_id[tid]
        for name in (node.name_en, node.name_ja, *node.synonyms_en, *node.synonyms_ja):
            text = " ".join(normalise(name).split())
            if len(text) >= MIN_SYNONYM_LENGTH and text not in already:
                phrases.setdefault(text, None)
    return Expansion(ids, tuple(Term(text=p, phrase=" " in p) for p in phrases))
