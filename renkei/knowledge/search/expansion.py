"""Query expansion across languages through the bilingual taxonomy and the places' names.

The theme taxonomy names every theme in English and Japanese, with synonyms in both: it is a small
bilingual dictionary of exactly this field. A query that names a theme ("tsunami", 「コンパクトシティ」)
is also searched for the theme's names and synonyms in both languages (津波, "compact city"), and
products tagged with that theme count as on topic. The places are the other dictionary: a query
that names a city or region ("Kamaishi", 「富山」) is also searched for its names in the other
scripts (釜石市, 釜石; "Toyama"), and products tied to that place count as on topic — the encoder
does not connect a name in Latin letters with the same name in kanji. This is dictionary-based
cross-language retrieval; the embedding covers what the dictionaries do not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import Count, Max

from renkei.core.cache import refreshed
from renkei.engine.tagging import tag_text
from renkei.knowledge.search.analysis import CJK_CLASS, STOPWORDS, Term, normalise
from renkei.matching.tagging import theme_nodes
from renkei.places.models import Level, Place

MAX_THEMES = 3
MAX_PLACES = 3
MIN_SYNONYM_LENGTH = 2  # a one-character synonym would match everything
MIN_LATIN_PLACE_NAME = 3  # letters; shorter place names are too often words or abbreviations
LONGEST_PLACE_NAME = 4  # words in Latin script, or ×3 characters in Japanese
#: administrative suffixes: 釜石市 is also written 釜石, 富山県 富山, Cebu City Cebu
SUFFIXES = ("市", "町", "村", "区", "県", "府", "都", "州")
LATIN_SUFFIXES = (" city", " prefecture", " province", " region", " metropolis")
_LATIN_WORDS = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*", re.UNICODE)
_CJK_RUNS = re.compile(f"[{CJK_CLASS}]+")


@dataclass(frozen=True)
class Expansion:
    theme_ids: tuple[int, ...]
    terms: tuple[Term, ...]  # the other names of those themes and places, each an optional phrase
    place_ids: tuple[int, ...] = ()
    searched: tuple[Term, ...] = ()  # those of them searched in the full text: the places' names


@dataclass(frozen=True)
class PlaceNames:
    by_name: dict[str, tuple[int, ...]]  # a normalised name → the places called so
    names: dict[int, tuple[str, ...]]  # a place → all its names, normalised


def _key(name: str) -> str:
    return " ".join(normalise(name).split())


def _places():
    return Place.objects.filter(is_published=True, level__in=(Level.CITY, Level.REGION))


def _place_signature() -> tuple:
    agg = _places().aggregate(n=Count("id"), t=Max("updated_at"))
    return agg["n"], agg["t"]


def place_names() -> PlaceNames:
    """The names of the published cities and regions, in every script they are recorded in (with
    and without an administrative suffix). Only places recorded under more than one name count: a
    place known by one name has nothing to add to the query, and an imported world gazetteer holds
    cities called Mobile, Normal or Reading. Reloaded when places change."""
    return refreshed("place names", _place_signature, _build_place_names)


def _build_place_names() -> PlaceNames:
    by_name: dict[str, list[int]] = {}
    names: dict[int, tuple[str, ...]] = {}
    for pk, *raw in _places().values_list("pk", "name_en", "name_ja", "name_local"):
        if len({_key(name) for name in raw} - {""}) < 2:
            continue
        forms: dict[str, None] = {}
        for name in raw:
            key = _key(name)
            if not key:
                continue
            forms.setdefault(key, None)
            if key.endswith(SUFFIXES) and len(key) >= 3 and _CJK_RUNS.fullmatch(key):
                forms.setdefault(key[:-1], None)
            for suffix in LATIN_SUFFIXES:
                if key.endswith(suffix) and len(key) > len(suffix):
                    forms.setdefault(key[: -len(suffix)], None)
        usable = tuple(f for f in forms if _usable(f))
        if usable:
            names[pk] = usable
            for form in usable:
                by_name.setdefault(form, []).append(pk)
    return PlaceNames({k: tuple(v) for k, v in by_name.items()}, names)


def _usable(name: str) -> bool:
    if _CJK_RUNS.fullmatch(name):
        return len(name) >= 2
    letters = sum(c.isalpha() for c in name)
    return letters >= MIN_LATIN_PLACE_NAME and name not in STOPWORDS


def named_places(query: str, names: PlaceNames) -> list[int]:
    """The places the query names, in the order it names them: whole runs of one to
    LONGEST_PLACE_NAME words in Latin script, and any stretch of two or more characters of a
    Japanese run (there are no spaces to mark a name's ends), longest first."""
    text = normalise(query)
    found: dict[int, None] = {}
    words = _LATIN_WORDS.findall(_CJK_RUNS.sub(" ", text))
    for start in range(len(words)):
        for size in range(min(LONGEST_PLACE_NAME, len(words) - start), 0, -1):
            for pk in names.by_name.get(" ".join(words[start:start + size]), ()):
                found.setdefault(pk, None)
    for run in _CJK_RUNS.findall(text):
        for size in range(min(len(run), 3 * LONGEST_PLACE_NAME), 1, -1):
            for start in range(len(run) - size + 1):
                for pk in names.by_name.get(run[start:start + size], ()):
                    found.setdefault(pk, None)
    return list(found)


def expand(query: str, terms: list[Term]) -> Expansion:
    """Themes the query names (by a name or a synonym, in either language) and places it names,
    and their other names as extra terms (those already in the query left out). A query term that
    is a place's name ("kamaishi") takes the place's other names as alternatives (釜石市, 釜石), so
    the query's own full-text search finds them; only the names of places named inside a longer
    term or across terms (富山のまちづくり, "banda aceh") are searched on their own."""
    if not query.strip():
        return Expansion((), ())
    already = {a for t in terms for a in t.alternatives}
    nodes = theme_nodes()
    found = tag_text(query, nodes, None, limit=MAX_THEMES, min_confidence=0.9)
    by_id = {n.id: n for n in nodes}
    ids = tuple(tid for tid, _confidence in found)
    phrases: dict[str, None] = {}

    def add(name: str) -> None:
        text = _key(name)
        if len(text) >= MIN_SYNONYM_LENGTH and text not in already:
            phrases.setdefault(text, None)

    for tid in ids:
        node = by_id[tid]
        for name in (node.name_en, node.name_ja, *node.synonyms_en, *node.synonyms_ja):
            add(name)
    theme_names = len(phrases)
    names = place_names()
    places = tuple(named_places(query, names)[:MAX_PLACES])
    for pk in places:
        forms = names.names[pk]
        named_by = [t for t in terms if not t.phrase and t.text in forms]
        for term in named_by:
            term.variants.extend(f for f in forms if f not in term.alternatives)
        for name in forms:
            if named_by:
                already.add(name)
            else:
                add(name)
    expanded = tuple(Term(text=p, phrase=" " in p) for p in phrases)
    return Expansion(ids, expanded, places, searched=expanded[theme_names:])
