"""Values from a CSV file in long format (one value a row), and back out again.

Columns: ``place`` (URL name), ``indicator`` (code), ``year``, ``value``, ``source``, and optionally
``note``, ``period`` and ``disaggregation`` (see docs/data-formats.md). Every bad row is reported by
its line; when there is one, nothing is written. The checks are made column by column over the
whole file (lookups by dictionary, ranges with numpy), and the new values are written in one
transaction in batches (PostgreSQL: COPY)."""

from __future__ import annotations

import csv
import io
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
from renkei.core.importing import RowError, csv_problem
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


def stored_moment(moment):
    """A moment as ``insert_values`` writes it (SQLite: the text Django stores; PostgreSQL: itself)."""
    connection.ensure_connection()
    return moment if connection.vendor == "postgresql" else connection.ops.adapt_datetimefield_value(moment)


def insert_values(rows: list[tuple]) -> None:
    """Insert value rows (in ``INSERT_COLUMNS`` order, the moment made by ``stored_moment``) as fast
    as the database allows: COPY on PostgreSQL, the driver's own executemany on SQLite."""
    if not rows:
        return
    names = ", ".join(INSERT_COLUMNS)
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor, cursor.cursor.copy(f"COPY indicators_value ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join(["?"] * len(INSERT_COLUMNS))
    connection.connection.executemany(f"INSERT INTO indicators_value ({names}) VALUES ({marks})", rows)  # noqa: S608


def _read(text: str, report: ValuesReport, progress: Progress) -> tuple[dict[str, tuple], list[int]] | None:
    """The file's columns (each a tuple of strings, "" where the file has no such column) and the
    line of each row, or None when the file as a whole is unusable (its errors in ``report``)."""
    # strict: a quote left open or text after a closing quote is refused, not read into the field
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)  # the header may be quoted even when no field is
    except StopIteration:
        report.errors.append(RowError(None, "file", _("is empty")))
        return None
    except csv.Error as exc:
        report.errors.append(RowError(1, "header", csv_problem(exc)))
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
    width = len(header)
    rows: list[list[str]] = []
    lines: list[int] = []
    line = 1
    if '"' not in text:  # no quoted field: each line is a row, split at its commas (much faster)
        body = text.split("\n")[1:]
        for number, raw in enumerate(progress(body, len(body), _("Reading values")), start=2):
            row = raw.split(",")
            if len(row) == width:
                rows.append(row)
                lines.append(number)
            elif raw.strip():
                report.errors.append(RowError(number, "line", _("has %(n)s fields, the header %(m)s")
                                              % {"n": len(row), "m": width}))
        if "\r" in text and rows:
            rows = [[cell.rstrip("\r") for cell in row] for row in rows]
        reader = ()
    try:
        for row in progress(reader, text.count("\n"), _("Reading values")):
            line = reader.line_num
            if len(row) == width:
                rows.append(row)
                lines.append(line)
            elif row and (len(row) > 1 or row[0].strip()):
                report.errors.append(RowError(line, "line", _("has %(n)s fields, the header %(m)s")
                                              % {"n": len(row), "m": width}))
    except csv.Error as exc:
        report.errors.append(RowError(line + 1, "line", csv_problem(exc)))
        return None
    report.rows = len(lines) + len(report.errors)
    if not lines and not report.errors:
        report.errors.append(RowError(None, "file", _("has no values")))
        return None
    transposed = list(zip(*rows, strict=True)) if rows else [()] * width
    empty = ("",) * len(rows)
    columns = {name: transposed[header.index(name)] if name in header else empty for name in COLUMNS}
    return columns, lines


def _numbers(texts: tuple, dtype) -> tuple[np.ndarray, np.ndarray]:
    """``texts`` as numbers (all at once; row by row only when some do not parse) and which parsed."""
    try:
        return np.array(texts).astype(dtype), np.ones(len(texts), dtype=bool)
    except (ValueError, OverflowError):
        out, ok = np.zeros(len(texts), dtype=dtype), np.ones(len(texts), dtype=bool)
        for k, text in enumerate(texts):
            try:
                out[k] = int(text) if dtype is np.int64 else float(text)
            except (ValueError, OverflowError):
                ok[k] = False
        return out, ok


def _lookup(texts: tuple, found: dict[str, int]) -> np.ndarray:
    """The id of each name (0: unknown), names with spaces around them read too."""
    ids = np.fromiter((found.get(text, 0) for text in texts), dtype=np.int64, count=len(texts))
    for k in np.flatnonzero(ids == 0).tolist():
        ids[k] = found.get(texts[k].strip(), 0)
    return ids


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
    good = np.ones(n, dtype=bool)

    def bad(k: int, name: str, message: str) -> None:
        errors.append(RowError(lines[k], name, message))
        good[k] = False

    # places and indicators: one lookup each for the distinct names, then a dictionary per row
    names = sorted({text.strip() for text in set(columns["place"])})
    places: dict[str, int] = {}
    visible = visible_places(actor)
    for start in range(0, len(names), 900):
        places.update(visible.filter(slug__in=names[start:start + 900]).values_list("slug", "pk"))
    indicators = {i.code: i for i in Indicator.objects.filter(code__in={t.strip() for t in set(columns["indicator"])})}
    place_ids = _lookup(columns["place"], places)
    indicator_ids = _lookup(columns["indicator"], {code: i.pk for code, i in indicators.items()})
    for k in np.flatnonzero(place_ids == 0).tolist():
        slug = columns["place"][k].strip()
        bad(k, "place", _("no place has the URL name %(slug)s") % {"slug": slug} if slug else _("is required"))
    allowed = None if has_role(actor, *permissions.OFFICERS) else represented_place_ids(actor)
    if allowed is not None:
        for k in np.flatnonzero((place_ids != 0) & ~np.isin(place_ids, list(allowed))).tolist():
            bad(k, "place", _("you may not enter values for this place"))
    for k in np.flatnonzero(indicator_ids == 0).tolist():
        code = columns["indicator"][k].strip()
        bad(k, "indicator", _("no indicator has the code %(code)s") % {"code": code} if code else _("is required"))

    years, parsed = _numbers(columns["year"], np.int64)
    for k in np.flatnonzero(~parsed).tolist():
        bad(k, "year", _("must be a whole number"))
    for k in np.flatnonzero(parsed & ((years < MIN_YEAR) | (years > MAX_YEAR))).tolist():
        bad(k, "year", _("must be between %(low)s and %(high)s") % {"low": MIN_YEAR, "high": MAX_YEAR})
    values, parsed = _numbers(columns["value"], np.float64)
    for k in np.flatnonzero(~parsed).tolist():
        bad(k, "value", _("must be a number") if columns["value"][k].strip() else _("is required"))
    for k in np.flatnonzero(parsed & ~np.isfinite(values)).tolist():
        bad(k, "value", _("must be a finite number"))
    # the ranges of the units, all rows at once
    by_id = {i.pk: i for i in indicators.values()}
    lows = np.full(n, -np.inf)
    highs = np.full(n, np.inf)
    for pk, indicator in by_id.items():
        low, high = value_range(indicator.unit)
        rows = indicator_ids == pk
        if low is not None:
            lows[rows] = low
        if high is not None:
            highs[rows] = high
    for k in np.flatnonzero(good & ((values < lows) | (values > highs))).tolist():
        bad(k, "value", range_problem(by_id[int(indicator_ids[k])].unit, float(values[k])) or "")

    sources = columns["source"]
    lengths = np.fromiter(map(len, sources), dtype=np.int64, count=n)
    for k in np.flatnonzero(lengths > 500).tolist():
        bad(k, "source", _("must be at most %(n)s characters") % {"n": 500})
    if (lengths == 0).any() or any(text != text.strip() for text in set(sources)):
        sources = tuple(text.strip() for text in sources)
        for k, text in enumerate(sources):
            if not text:
                bad(k, "source", _("is required"))
    notes = columns["note"]
    for k in np.flatnonzero(np.fromiter(map(len, notes), dtype=np.int64, count=n) > 5000).tolist():
        bad(k, "note", _("must be at most %(n)s characters") % {"n": 5000})

    # periods and disaggregations: most rows have none; each distinct one is checked once
    periods, disaggregations = [""] * n, [""] * n
    cache: dict[tuple, str | ValueError] = {}
    for k in [k for k, text in enumerate(columns["period"]) if text]:
        key = ("period", columns["period"][k], int(years[k]))
        if key not in cache:
            try:
                cache[key] = normal_period(key[1], key[2])
            except ValueError as exc:
                cache[key] = exc
        if isinstance(cache[key], ValueError):
            bad(k, "period", str(cache[key]))
        else:
            periods[k] = cache[key]
    for k in [k for k, text in enumerate(columns["disaggregation"]) if text]:
        key = ("disaggregation", columns["disaggregation"][k], int(indicator_ids[k]))
        if key not in cache:
            try:
                normal = normal_disaggregation(key[1])
                indicator = by_id.get(key[2])
                if normal and indicator is not None and normal.split(":")[0] not in (indicator.disaggregations or []):
                    raise ValueError(_("this indicator is not broken down by %(dimension)s")
                                     % {"dimension": normal.split(":")[0]})
                cache[key] = normal
            except ValueError as exc:
                cache[key] = exc
        if isinstance(cache[key], ValueError):
            bad(k, "disaggregation", str(cache[key]))
        else:
            disaggregations[k] = cache[key]

    # the same key twice in the file: sort the keys, compare neighbours
    period_codes = np.unique(np.array(periods, dtype=object).astype(str), return_inverse=True)[1]
    dis_codes = np.unique(np.array(disaggregations, dtype=object).astype(str), return_inverse=True)[1]
    order = np.lexsort((np.arange(n), dis_codes, period_codes, years, indicator_ids, place_ids))
    same = np.ones(max(n - 1, 0), dtype=bool)
    for array in (place_ids, indicator_ids, years, period_codes, dis_codes):
        same &= array[order[1:]] == array[order[:-1]]
    for first, k in zip(order[:-1][same].tolist(), order[1:][same].tolist(), strict=True):
        if good[first] and good[k]:
            bad(k, "line", _("repeats the place, indicator, year, period and disaggregation of line %(n)s")
                % {"n": lines[first]})
    if errors:
        errors.sort(key=lambda e: (e.line or 0, e.field))
        return report

    # what is stored already for these places and indicators
    touched_places = np.unique(place_ids).tolist()
    touched_indicators = np.unique(indicator_ids).tolist()
    existing: dict[tuple, tuple] = {}
    table = Value._meta.db_table
    with connection.cursor() as cursor:
        for start in range(0, len(touched_places), 500):
            chunk = touched_places[start:start + 500]
            if not Value.objects.filter(place_id__in=chunk).exists():
                continue
            marks = ",".join(["%s"] * len(chunk))
            sql = ("SELECT place_id, indicator_id, year, period, disaggregation, id, value, source, note "  # noqa: S608
                   f"FROM {table} WHERE place_id IN ({marks})")
            cursor.execute(sql, chunk)
            wanted = set(touched_indicators)
            for row in cursor.fetchall():
                if row[1] in wanted:
                    existing[row[:5]] = row[5:]
    now = timezone.now()
    stamp = stored_moment(now)
    actor_id = getattr(actor, "pk", None)
    notes = tuple(text.strip() for text in notes) if any(notes) else notes
    place_list, indicator_list, year_list, value_list = (place_ids.tolist(), indicator_ids.tolist(), years.tolist(),
                                                          values.tolist())
    new_rows, revisions, updates = [], [], []
    if not existing:
        new_rows = list(zip(place_list, indicator_list, year_list, periods, disaggregations, value_list, sources,
                            notes, [actor_id] * n, [stamp] * n, strict=True))
    else:
        for k in range(n):
            key = (place_list[k], indicator_list[k], year_list[k], periods[k], disaggregations[k])
            fields = (value_list[k], sources[k], notes[k])
            stored = existing.get(key)
            if stored is None:
                new_rows.append((*key, *fields, actor_id, stamp))
            elif (stored[1], stored[2], stored[3]) == fields:
                report.unchanged += 1
            else:
                revisions.append(Revision(current_id=stored[0], value=stored[1], source=stored[2], note=stored[3],
                                          replaced_at=now))
                updates.append(Value(pk=stored[0], value=fields[0], source=fields[1], note=fields[2],
                                     entered_by_id=actor_id, entered_at=now))
    report.created, report.revised = len(new_rows), len(updates)
    if dry_run or not (new_rows or updates):
        return report
    for start in range(0, len(revisions), 900):  # who entered each replaced value, and when
        chunk = revisions[start:start + 900]
        entered = {pk: (by, at) for pk, by, at in Value.objects.filter(
            pk__in=[r.current_id for r in chunk]).values_list("pk", "entered_by_id", "entered_at")}
        for revision in chunk:
            revision.entered_by_id, revision.entered_at = entered[revision.current_id]
    with transaction.atomic():
        batches = [new_rows[start:start + BATCH] for start in range(0, len(new_rows), BATCH)]
        for batch in progress(batches, len(batches), _("Writing values")):
            insert_values(batch)
        Revision.objects.bulk_create(revisions, batch_size=2000)
        Value.objects.bulk_update(updates, ["value", "source", "note", "entered_by_id", "entered_at"], batch_size=1000)
        for indicator in Indicator.objects.filter(pk__in=touched_indicators):  # one entry per indicator imported
            rows = indicator_ids == indicator.pk
            audit_record(actor=actor, action=AuditEntry.Action.IMPORT, obj=indicator,
                         changes={"values": int(rows.sum()), "places": int(np.unique(place_ids[rows]).size)})
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
