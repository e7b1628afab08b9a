"""``renkei import profiles FILE.jsonl``: one place per line with free-text needs and expertise.

Texts in any language are tagged onto taxonomy themes (synonyms, plus the multilingual encoder
when asked) and stored as needs and expertise. The place fields follow the places exchange format
and go through the same import (validation, upsert by id, else by country and name).

A text no theme is recognised in is kept all the same, as a statement "not yet tagged" (matched by its
meaning; the background task that embeds it suggests themes for a person to confirm); the report
counts, per line, the texts tagged and not yet tagged.

A line changes only the lists it gives: without ``replace`` their statements are added (or, for a
theme the place has already, their text updated) and the place's other statements stay; with
``replace`` a given list becomes the place's whole list of that kind (``"needs": []`` removes every
need). A list left out is never touched. docs/data-formats.md describes the format.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from renkei.core.errors import NotAllowed
from renkei.core.importing import RowError, json_lines
from renkei.engine.tagging import tag_text, theme_embeddings
from renkei.engine.types import ThemeNode
from renkei.places import permissions, services
from renkei.places.importing import ImportReport, SourceRow, no_progress, places_import
from renkei.places.models import Expertise, Need, Place, Theme

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from renkei.accounts.models import User

    Actor = User | AnonymousUser

PLACE_KEYS = {"id", "name", "name_ja", "country", "level", "population", "lat", "lon"}
KINDS = {"needs": (Need, "need"), "expertise": (Expertise, "expertise")}
ALL_KEYS = PLACE_KEYS | set(KINDS)
DEFAULT_WEIGHT = 3

#: a line's statements of one kind: (theme id, weight, text) for every theme a text was tagged with,
#: or (None, weight, text) for a text no theme was recognised in
Statements = list[tuple[int | None, int, str]]


@dataclass
class StatementCounts:
    added: int = 0
    updated: int = 0
    deleted: int = 0


@dataclass
class ProfilesReport(ImportReport):
    """The places import's report, with what happened to the needs and expertise."""

    statements: dict[str, StatementCounts] = field(
        default_factory=lambda: {kind: StatementCounts() for kind in KINDS})
    #: per line: [texts tagged with a theme, texts not yet tagged]
    tagging: dict[int, list[int]] = field(default_factory=dict)

    def tagging_lines(self) -> list[str]:
        """One line per input line with texts no theme was recognised in (they are kept)."""
        return [_("line %(line)s: %(tagged)s texts tagged, %(untagged)s not yet tagged (kept; themes will be "
                  "suggested)") % {"line": line, "tagged": tagged, "untagged": untagged}
                for line, (tagged, untagged) in sorted(self.tagging.items()) if untagged]

    def summary(self) -> str:
        needs, expertise = self.statements["needs"], self.statements["expertise"]
        counts = (_("needs: %(added)s added, %(updated)s updated, %(deleted)s deleted")
                  % {"added": needs.added, "updated": needs.updated, "deleted": needs.deleted},
                  _("expertise: %(added)s added, %(updated)s updated, %(deleted)s deleted")
                  % {"added": expertise.added, "updated": expertise.updated, "deleted": expertise.deleted})
        places = (_("places: created %(created)s, updated %(updated)s, unchanged %(unchanged)s, skipped %(skipped)s")
                  % {"created": self.created, "updated": self.updated, "unchanged": self.unchanged,
                     "skipped": self.skipped})
        tagged = sum(t for t, _u in self.tagging.values())
        untagged = sum(u for _t, u in self.tagging.values())
        texts = _("texts: %(tagged)s tagged, %(untagged)s not yet tagged") % {"tagged": tagged, "untagged": untagged}
        text = "; ".join([places, *counts, texts])
        return text + (" " + _("(dry run: nothing was written)") if self.dry_run else "")


@dataclass
class Tagger:
    themes: list[ThemeNode]
    embedder: object | None = None
    vectors: object | None = None

    @classmethod
    def from_database(cls, *, semantic: bool) -> Tagger:
        nodes = [ThemeNode(id=t.pk, code=t.code, parent_id=t.parent_id, name_en=t.name_en, name_ja=t.name_ja,
                           synonyms_en=tuple(t.synonyms_en), synonyms_ja=tuple(t.synonyms_ja))
                 for t in Theme.objects.order_by("id")]
        tagger = cls(nodes)
        if semantic:
            from renkei.engine.embedding import UsemEmbedder

            tagger.embedder = UsemEmbedder()
            tagger.vectors = theme_embeddings(nodes, tagger.embedder)
        return tagger

    def __call__(self, text: str) -> list[tuple[int, float]]:
        return tag_text(text, self.themes, embedder=self.embedder, theme_vectors=self.vectors, limit=2)


def profiles_import(*, source: bytes, actor: Actor, skip_invalid: bool = False, dry_run: bool = False,
                    replace: bool = False, semantic: bool = True, progress=None,
                    tagger: Tagger | None = None) -> ProfilesReport:
    """Upsert the places of the file and their needs and expertise (see the module's docstring for
    what ``replace`` changes). Never raises for bad data; nothing is written while a line is bad,
    unless ``skip_invalid``."""
    if not permissions.can_import(actor):
        raise NotAllowed(_("You may not import places."))
    parsed, errors, fatal = json_lines(source)
    report = ProfilesReport(dry_run=dry_run, fatal=fatal, errors=list(errors))
    if fatal:
        return report
    tagger = tagger or Tagger.from_database(semantic=semantic)
    bad_lines = {e.line for e in errors}
    plans: dict[int, dict[str, Statements]] = {}
    source_rows = []
    for line, value in (progress or no_progress)(parsed, len(parsed), "Tagging texts"):
        for key in sorted(set(value) - ALL_KEYS):
            report.errors.append(RowError(line, key, _("is not a known field")))
        statements: dict[str, Statements] = {}  # only the kinds the line gives
        for kind in KINDS:
            texts = value.get(kind)
            if texts is None:
                continue
            if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
                report.errors.append(RowError(line, kind, _("must be a list of texts")))
                continue
            statements[kind] = []
            for n, text in enumerate(texts):
                if not text.strip():
                    report.errors.append(RowError(line, f"{kind}[{n}]", _("is empty")))
                elif len(text) > 4000:
                    report.errors.append(RowError(line, f"{kind}[{n}]",
                                                  _("must be at most %(n)s characters") % {"n": 4000}))
                else:
                    tags = tagger(text)
                    counts = report.tagging.setdefault(line, [0, 0])
                    counts[0 if tags else 1] += 1
                    for theme_id, _confidence in tags or [(None, 0.0)]:
                        statements[kind].append((theme_id, DEFAULT_WEIGHT, text.strip()))
        plans[line] = statements
        source_rows.append(SourceRow(line=line, values={k: v for k, v in value.items() if k in PLACE_KEYS}))
    report.rows = len(parsed) + len(bad_lines)
    check = places_import(rows=source_rows, actor=actor, dry_run=True)
    report.errors = sorted(report.errors + check.errors, key=lambda e: (e.line or 0, e.field))
    if report.errors and not skip_invalid:
        return report
    bad = {e.line for e in report.errors}
    good = [row for row in source_rows if row.line not in bad]
    report.skipped = len({e.line for e in report.errors})
    if dry_run:
        report.created, report.updated, report.unchanged = check.created, check.updated, check.unchanged
        for row in good:
            _apply_statements(actor, _find(row.values), plans[row.line], replace=replace, report=report,
                              dry_run=True)
        return report
    with transaction.atomic():
        written = places_import(rows=good, actor=actor, progress=progress)
        if not written.written:  # a row failed while being written: nothing of the file is kept
            report.errors = sorted(report.errors + written.errors, key=lambda e: (e.line or 0, e.field))
            return report
        for row in good:
            _apply_statements(actor, _find(row.values), plans[row.line], replace=replace, report=report)
    report.created, report.updated, report.unchanged = written.created, written.updated, written.unchanged
    report.written = True
    return report


def _find(values: dict) -> Place | None:
    if values.get("id"):
        found = Place.objects.filter(external_id=str(values["id"])).first()
        if found:
            return found
    from renkei.places.validation import country_code

    qs = Place.objects.filter(country=country_code(str(values.get("country", ""))), name_en=values.get("name"))
    if values.get("level"):
        qs = qs.filter(level=values["level"])
    return qs.order_by("id").first()


def _apply_statements(actor: Actor, place: Place | None, plan: dict[str, Statements], *, replace: bool,
                      report: ProfilesReport, dry_run: bool = False) -> None:
    """Bring the place's statements of each kind the line gives in line with it, counting the changes
    in ``report`` (a dry run only counts; ``place`` is None for a place the file would create).

    A theme's texts become the English description of the place's (first) statement on that theme
    (other languages stay), or a new statement; with ``replace``, every other statement of that
    kind is deleted, so the line's list is the place's. Written through the services, so each
    change is audited and the place's embeddings refreshed."""
    codes = dict(Theme.objects.values_list("id", "code"))
    for kind, statements in plan.items():
        model, singular = KINDS[kind]
        counts = report.statements[kind]
        wanted: dict[int | None, list[str]] = {}
        for theme_id, _weight, text in statements:
            wanted.setdefault(theme_id, []).append(text)
        untagged = list(dict.fromkeys(wanted.pop(None, [])))
        existing: dict[int | None, list[Need | Expertise]] = {}
        for statement in model.objects.filter(place=place).order_by("pk") if place is not None else ():
            existing.setdefault(statement.theme_id, []).append(statement)
        # a text kept untagged before (or tagged since by a person) is the same statement again, and a
        # statement holding one of the line's untagged texts is that text's, never another theme's
        known_texts = {line for items in existing.values() for s in items
                       for line in (s.description.get("en") or "").splitlines()}
        holds_text = {s.pk for items in existing.values() for s in items
                      if set((s.description.get("en") or "").splitlines()) & set(untagged)}
        chosen = {theme_id: next((s for s in existing.get(theme_id, []) if s.pk not in holds_text), None)
                  for theme_id in wanted}
        if replace:  # the line's list is the place's
            keep = holds_text | {s.pk for s in chosen.values() if s is not None}
            extra = [s for items in existing.values() for s in items if s.pk not in keep]
            counts.deleted += len(extra)
            for statement in extra if not dry_run else ():
                services.statement_delete(actor=actor, obj=statement)
        for text in untagged:
            if text in known_texts:
                continue
            counts.added += 1
            if not dry_run:
                services.statement_create(actor=actor, place=place, kind=singular,
                                          data={"theme": None, "description": {"en": text}})
        for theme_id, texts in wanted.items():
            text = "\n".join(dict.fromkeys(texts))
            statement = chosen[theme_id]
            if statement is None:
                counts.added += 1
                if not dry_run:
                    services.statement_create(actor=actor, place=place, kind=singular,
                                              data={"theme": codes[theme_id], "description": {"en": text}})
            elif statement.description.get("en") != text:
                counts.updated += 1
                if not dry_run:
                    services.statement_update(actor=actor, obj=statement,
                                              data={"description": {**statement.description, "en": text}})
