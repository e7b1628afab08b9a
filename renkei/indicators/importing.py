"""Values from a CSV file in long format (one value a row), and back out again.

Columns: ``place`` (URL name), ``indicator`` (code), ``year``, ``value``, ``source``, and optionally
``note``, ``period`` and ``disaggregation`` (see docs/data-formats.md). Every bad row is reported by
its line; when there is one, nothing is written. The checks are made column by column over the
whole file (lookups by dictionary, ranges with numpy), and the new values are written in one
transaction in batches (PostgreSQL: COPY)."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from renkei.accounts.permissions import has_role, represented_place_ids
from renkei.core import hooks
from renkei.core.audit import audit_record
from renkei.core.errors import NotAllowed
from renkei.core.importing import RowError
from renkei.core.models import AuditEntry
from renkei.indicators import events, permissions
from renkei.indicators.inputs import MAX_YEAR, MIN_YEAR, normal_disaggregation, normal_period
from renkei.indicators.models import Indicator, Revision, Value
from renkei.indicators.units import range_problem, value_range
from renkei.places.selectors import visible_places

COLUMNS = ("place", "indicator", "year", "value", "source", "note", "period", "disaggregation")
REQUIRED = COLUMNS[:5]
BATCH = 10_000
INSERT_COLUMNS = ("place_id", "indicator_id", "year", "period", "disaggregation", "value", "source", "note",
                  "entered_by_id", "entered_at")

Progress = Callable[[Iterable[Any], int, str], Iterable[Any]]


def no_progress(items: Iterable[Any], total: int, description: str) -> Iterable[Any]:
    return items


@dataclass
class ValuesReport:
    rows: int = 0
    created: int = 0
    revised: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    fatal: bool = False
    dry_run: bool = False

    def error_lines(self) -> list[str]:
        return [str(error) for error in self.errors]

    def summary(self) -> str:
        text = _("%(rows)s values read: %(created)s new, %(revised)s revised (the old value kept as a revision), "
                 "%(unchanged)s unchanged.") % {"rows": self.rows, "created": self.created, "revised": self.revised,
                                                "unchanged": self.unchanged}
        return f"{text} {_('Dry run: nothing was written.')}" if self.dry_run else text


def insert_values(rows: list[tuple]) -> None:
    """Insert value rows (in ``INSERT_COLUMNS`` order) as fast as the database allows."""
    if not rows:
        return
    names = ", ".join(INSERT_COLUMNS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY indicators_value ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(INSERT_COLUMNS))
            cursor.executemany(f"INSERT INTO indicators_value ({names}) VALUES ({marks})", rows)  # noqa: S608


def _read(text: str, report: ValuesReport, progress: Progress) -> tuple[dict[str, list], list[int]] | None:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        report.errors.append(RowError(None, "file", _("is empty")))
        return None
    except csv.Error as exc:
        report.errors.append(RowError(1, "header", str(exc)))
        return None
    header = [name.strip().lower() for name in header]
    unknown = [name for name in header if name not in COLUMNS]
    missing = [name for name in REQUIRED if name not in header]
    if unknown or missing or len(set(header)) != len(header):
        if unknown:
            report.errors.append(RowError(1, "header", _("unknown columns: %(names)s (the columns are %(known)s)")
                                          % {"names": ", ".join(unknown), "known": ", ".join(COLUMNS)}))
        if missing:
            report.errors.append(RowError(1, "header", _("missing columns: %(names)s") % {"names": ", ".join(missing)}))
        if len(set(header)) != len(header):
            report.errors.append(RowError(1, "header", _("a column is named twice")))
        return None
    columns: dict[str, list] = {name: [] for name in COLUMNS}
    lines: list[int] = []
    width = len(header)
    positions = [(name, header.index(name)) for name in COLUMNS if name in header]
    absent = [name for name in COLUMNS if name not in header]
    total = text.count("\n")
    line = 1
    try:
        for row in progress(reader, total, _("Reading values")):
            line = reader.line_num
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            if len(row) != width:
                report.errors.append(RowError(line, "line", _("has %(n)s fields, the header %(m)s")
                                              % {"n": len(row), "m": width}))
                continue
            lines.append(line)
            for name, position in positions:
                columns[name].append(row[position].strip())
            for name in absent:
                columns[name].append("")
    except csv.Error as exc:
        report.errors.append(RowError(line + 1, "line", str(exc)))
        return None
    report.rows = len(lines) + sum(1 for e in report.errors if e.field == "line")
    if not lines and not report.errors:
        report.errors.append(RowError(None, "file", _("has no values")))
        return None
    return columns, lines


def values_import(*, source: bytes | str, actor, dry_run: bool = False, progress: Progress | None = None
                  ) -> ValuesReport:
    """Check every row of a CSV file of values and, when all are good, write them: a new value for a
    key already stored keeps the old one as a revision; an identical one changes nothing."""
    if not permissions.can_enter_any_values(actor):
        raise NotAllowed(_("You may not import indicator values."))
    progress = progress or no_progress
    report = ValuesReport(dry_run=dry_run)
    if isinstance(source, bytes):
        try:
            source = source.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            report.errors.append(RowError(None, "file", _("is not UTF-8 text (byte %(n)s)") % {"n": exc.start}))
            report.fatal = True
            return report
    if "\x00" in source:
        for number, text in enumerate(source.splitlines(), start=1):
            if "\x00" in text:
                report.errors.append(RowError(number, "line", _("must not contain NUL characters")))
        report.fatal = True
        return report
    read = _read(source, report, progress)
    if read is None:
        report.fatal = True
        return report
    columns, lines = read
    errors = report.errors
    n = len(lines)

    # places and indicators: one lookup each for the distinct names
    slugs = set(columns["place"])
    places: dict[str, int] = {}
    visible = visible_places(actor)
    chunk = sorted(slugs)
    for start in range(0, len(chunk), 900):
        places.update(visible.filter(slug__in=chunk[start:start + 900]).values_list("slug", "pk"))
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=set(columns["indicator"]))}
    allowed = None if has_role(actor, *permissions.OFFICERS) else represented_place_ids(actor)

    place_ids = np.zeros(n, dtype=np.int64)
    indicator_ids = np.zeros(n, dtype=np.int64)
    years = np.zeros(n, dtype=np.int64)
    values = np.zeros(n, dtype=np.float64)
    good = np.ones(n, dtype=bool)
    lows = np.full(n, -np.inf)
    highs = np.full(n, np.inf)
    bounds = {code: value_range(i.unit) for code, i in indicators.items()}
    periods: list[str] = [""] * n
    disaggregations: list[str] = [""] * n
    period_cache: dict[tuple[str, int], str | ValueError] = {}
    dis_cache: dict[tuple[str, str], str | ValueError] = {}

    def bad(k: int, name: str, message: str) -> None:
        errors.append(RowError(lines[k], name, message))
        good[k] = False

    for k in range(n):
        slug, code = columns["place"][k], columns["indicator"][k]
        pk = places.get(slug)
        if pk is None:
            bad(k, "place", _("no place has the URL name %(slug)s") % {"slug": slug} if slug else _("is required"))
        elif allowed is not None and pk not in allowed:
            bad(k, "place", _("you may not enter values for this place"))
        else:
            place_ids[k] = pk
        indicator = indicators.get(code)
        if indicator is None:
            bad(k, "indicator", _("no indicator has the code %(code)s") % {"code": code} if code else _("is required"))
        else:
            indicator_ids[k] = indicator.pk
            low, high = bounds[code]
            if low is not None:
                lows[k] = low
            if high is not None:
                highs[k] = high
        try:
            year = int(columns["year"][k])
        except ValueError:
            bad(k, "year", _("must be a whole number"))
        else:
            if not MIN_YEAR <= year <= MAX_YEAR:
                bad(k, "year", _("must be between %(low)s and %(high)s") % {"low": MIN_YEAR, "high": MAX_YEAR})
            years[k] = year
        try:
            value = float(columns["value"][k])
        except ValueError:
            bad(k, "value", _("must be a number") if columns["value"][k] else _("is required"))
        else:
            if math.isfinite(value):
                values[k] = value
            else:
                bad(k, "value", _("must be a finite number"))
        text = columns["source"][k]
        if not text:
            bad(k, "source", _("is required"))
        elif len(text) > 500:
            bad(k, "source", _("must be at most %(n)s characters") % {"n": 500})
        if len(columns["note"][k]) > 5000:
            bad(k, "note", _("must be at most %(n)s characters") % {"n": 5000})
        raw = columns["period"][k]
        if raw:
            key = (raw, int(years[k]))
            normal = period_cache.get(key)
            if normal is None:
                try:
                    normal = normal_period(*key)
                except ValueError as exc:
                    normal = exc
                period_cache[key] = normal
            if isinstance(normal, ValueError):
                bad(k, "period", str(normal))
            else:
                periods[k] = normal
        raw = columns["disaggregation"][k]
        if raw:
            key = (raw, code)
            normal = dis_cache.get(key)
            if normal is None:
                try:
                    normal = normal_disaggregation(raw)
                    dimension = normal.split(":")[0]
                    if normal and indicator is not None and dimension not in (indicator.disaggregations or []):
                        normal = ValueError(_("this indicator is not broken down by %(dimension)s")
                                            % {"dimension": normal.split(":")[0]})
                except ValueError as exc:
                    normal = exc
                dis_cache[key] = normal
            if isinstance(normal, ValueError):
                bad(k, "disaggregation", str(normal))
            else:
                disaggregations[k] = normal

    # ranges of the units, all rows at once
    out_of_range = good & ((values < lows) | (values > highs))
    for k in np.flatnonzero(out_of_range).tolist():
        bad(k, "value", range_problem(indicators[columns["indicator"][k]].unit, float(values[k])) or "")

    # the same key twice in the file
    keys: dict[tuple, int] = {}
    for k in np.flatnonzero(good).tolist():
        key = (int(place_ids[k]), int(indicator_ids[k]), int(years[k]), periods[k], disaggregations[k])
        if key in keys:
            bad(k, "line", _("repeats the place, indicator, year, period and disaggregation of line %(n)s")
                % {"n": lines[keys[key]]})
        else:
            keys[key] = k
    if errors:
        errors.sort(key=lambda e: (e.line or 0, e.field))
        return report

    # what is stored already for these keys
    existing: dict[tuple, tuple] = {}
    touched_places = sorted({key[0] for key in keys})
    touched_indicators = sorted({key[1] for key in keys})
    for start in range(0, len(touched_places), 500):
        for row in Value.objects.filter(place_id__in=touched_places[start:start + 500],
                                        indicator_id__in=touched_indicators).values_list(
                "place_id", "indicator_id", "year", "period", "disaggregation", "pk", "value", "source", "note",
                "entered_by_id", "entered_at").iterator(chunk_size=20_000):
            existing[row[:5]] = row[5:]
    now = timezone.now()
    actor_id = getattr(actor, "pk", None)
    new_rows, revisions, updates = [], [], []
    for key, k in keys.items():
        fields = (float(values[k]), columns["source"][k], columns["note"][k])
        stored = existing.get(key)
        if stored is None:
            new_rows.append((*key[:3], key[3], key[4], *fields, actor_id, now))
        elif (stored[1], stored[2], stored[3]) == fields:
            report.unchanged += 1
        else:
            revisions.append(Revision(current_id=stored[0], value=stored[1], source=stored[2], note=stored[3],
                                      entered_by_id=stored[4], entered_at=stored[5], replaced_at=now))
            updates.append(Value(pk=stored[0], value=fields[0], source=fields[1], note=fields[2],
                                 entered_by_id=actor_id, entered_at=now))
    report.created, report.revised = len(new_rows), len(updates)
    if dry_run:
        return report
    with transaction.atomic():
        batches = [new_rows[start:start + BATCH] for start in range(0, len(new_rows), BATCH)]
        for batch in progress(batches, len(batches), _("Writing values")):
            insert_values(batch)
        Revision.objects.bulk_create(revisions, batch_size=2000)
        Value.objects.bulk_update(updates, ["value", "source", "note", "entered_by_id", "entered_at"], batch_size=1000)
        counts: dict[int, list] = {}
        for key in keys:
            entry = counts.setdefault(key[1], [0, set()])
            entry[0] += 1
            entry[1].add(key[0])
        for indicator in Indicator.objects.filter(pk__in=counts):  # one entry per indicator imported
            audit_record(actor=actor, action=AuditEntry.Action.IMPORT, obj=indicator,
                         changes={"values": counts[indicator.pk][0], "places": len(counts[indicator.pk][1])})
        hooks.emit(events.VALUES_CHANGED, place_ids=touched_places, indicator_ids=touched_indicators)
    return report


def values_export(out, *, viewer, indicators: Iterable[str] = (), places: Iterable[str] = (),
                  progress: Progress | None = None) -> int:
    """Write the values the viewer may see as CSV in the import's format; returns how many."""
    qs = Value.objects.filter(place__in=visible_places(viewer))
    indicators, places = list(indicators), list(places)
    if indicators:
        qs = qs.filter(indicator__code__in=indicators)
    if places:
        qs = qs.filter(place__slug__in=places)
    total = qs.count()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    rows = qs.order_by("indicator__code", "place__slug", "year", "period", "disaggregation").values_list(
        "place__slug", "indicator__code", "year", "value", "source", "note", "period", "disaggregation")
    count = 0
    for row in (progress or no_progress)(rows.iterator(chunk_size=10_000), total, _("Exporting values")):
        writer.writerow((row[0], row[1], row[2], repr(row[3]), *row[4:]))
        count += 1
    return count
