"""Import of actuals from CSV (docs/data-formats.md, "Results actuals"): one actual per line, for a
result indicator named by its id and its partnership's slug. Every line is checked as the API and the
page check it (``ActualIn`` and ``actual_record``); a file with a bad line writes nothing, unless
``skip_invalid`` writes the good lines. Errors name the line and the field."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from renkei.core.errors import ApplicationError, NotAllowed
from renkei.core.importing import RowError, csv_problem
from renkei.core.inputs import parse
from renkei.core.spreadsheets import unescape_formula
from renkei.evaluation import services
from renkei.evaluation.inputs import ActualIn
from renkei.evaluation.models import ResultIndicator
from renkei.evaluation.permissions import can_enter_results

COLUMNS = ("partnership", "result_indicator", "period_start", "period_end", "value", "evidence_url", "source",
           "is_sample")
REQUIRED = ("partnership", "result_indicator", "period_start", "period_end", "value")
TRUE, FALSE = {"true", "yes", "1", "y"}, {"false", "no", "0", "n", ""}


@dataclass
class ActualsReport:
    rows: int = 0
    written: int = 0
    skipped: int = 0
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False
    fatal: bool = False

    def summary(self) -> str:
        text = _("%(written)s actuals recorded, %(skipped)s lines skipped") % {"written": self.written,
                                                                               "skipped": self.skipped}
        return text + (" " + _("(dry run: nothing was written)") if self.dry_run else "")

    def error_lines(self) -> list[str]:
        return [str(error) for error in self.errors]


class _Rollback(Exception):
    pass


def _rows(data: bytes, report: ActualsReport) -> list[tuple[int, dict[str, str]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        report.fatal = True
        report.errors.append(RowError(None, "file", _("is not UTF-8 text (byte %(n)s)") % {"n": exc.start}))
        return []
    if "\x00" in text:
        report.fatal = True
        report.errors.append(RowError(None, "file", _("must not contain NUL characters")))
        return []
    # strict: a quote left open or text after a closing quote is refused, not read into the field
    reader = csv.DictReader(io.StringIO(text), strict=True)
    try:
        header = reader.fieldnames or []
    except csv.Error as exc:
        return _broken(report, 1, exc)
    missing = [name for name in REQUIRED if name not in header]
    unknown = [name for name in header if name not in COLUMNS]
    if missing or unknown:
        report.fatal = True
        if missing:
            report.errors.append(RowError(1, "header", _("missing columns: %(names)s") % {"names": ", ".join(missing)}))
        if unknown:
            report.errors.append(RowError(1, "header", _("unknown columns: %(names)s") % {"names": ", ".join(unknown)}))
        return []
    out = []
    line = 1
    try:
        for row in reader:
            line = reader.line_num
            if None in row:
                report.errors.append(RowError(line, "line", _("has more cells than the header")))
                continue
            if not any((value or "").strip() for value in row.values()):
                continue
            out.append((line, {key: unescape_formula((value or "").strip()) for key, value in row.items()}))
    except csv.Error as exc:  # broken quoting, or a cell longer than the csv module's limit
        return _broken(report, line + 1, exc)
    if not out and not report.errors:
        report.fatal = True
        report.errors.append(RowError(None, "file", _("is empty")))
    return out


def _broken(report: ActualsReport, line: int, exc: csv.Error) -> list:
    report.fatal = True
    report.errors.append(RowError(line, "line", csv_problem(exc)))
    return []


def actuals_import(*, source: bytes, actor, skip_invalid: bool = False, dry_run: bool = False,
                   progress: Callable[[Iterable, int, str], Iterable] | None = None) -> ActualsReport:
    """Record the actuals of a CSV file, each through ``services.actual_record``."""
    report = ActualsReport(dry_run=dry_run)
    rows = _rows(source, report)
    report.rows = len(rows)
    if report.fatal:
        return report
    indicators: dict[int, ResultIndicator] = {}
    ids = {int(v["result_indicator"]) for _line, v in rows if v.get("result_indicator", "").isdigit()}
    for row in ResultIndicator.objects.filter(pk__in=ids).select_related("result__partnership"):
        indicators[row.pk] = row
    plans: list[tuple[int, ResultIndicator, ActualIn]] = []
    for line, values in rows:
        bad = len(report.errors)
        key = values.get("result_indicator", "")
        indicator = indicators.get(int(key)) if key.isdigit() else None
        if indicator is None:
            report.errors.append(RowError(line, "result_indicator", _("no result indicator has the id %(id)s")
                                          % {"id": key or "—"}))
        elif indicator.result.partnership.slug != values.get("partnership"):
            report.errors.append(RowError(line, "partnership", _("result indicator %(id)s belongs to %(slug)s")
                                          % {"id": key, "slug": indicator.result.partnership.slug}))
        elif not can_enter_results(actor, indicator.result.partnership):
            report.errors.append(RowError(line, "partnership", _("you may not enter this partnership's results")))
        sample = values.get("is_sample", "").lower()
        if sample not in TRUE | FALSE:
            report.errors.append(RowError(line, "is_sample", _("must be true or false")))
        data: dict[str, Any] = {name: values[name] for name in ("period_start", "period_end", "value",
                                                                "evidence_url", "source") if name in values}
        data["is_sample"] = sample in TRUE
        try:
            parsed = parse(ActualIn, data)
        except ApplicationError as exc:
            for name, messages in exc.errors.items():
                report.errors.extend(RowError(line, name, message) for message in messages)
            continue
        if len(report.errors) == bad and indicator is not None:
            plans.append((line, indicator, parsed))
    bad_lines = {error.line for error in report.errors}
    report.skipped = len(bad_lines)
    if report.errors and not skip_invalid:
        return report
    try:
        with transaction.atomic():
            items = plans if progress is None else progress(plans, len(plans), _("actuals"))
            for line, indicator, parsed in items:
                try:
                    with transaction.atomic():
                        services.actual_record(actor=actor, result_indicator=indicator, data=parsed)
                except NotAllowed as exc:
                    report.errors.append(RowError(line, "partnership", exc.message))
                    continue
                except ApplicationError as exc:
                    for name, messages in (exc.errors or {"": [exc.message]}).items():
                        report.errors.extend(RowError(line, name or "line", m) for m in messages)
                    continue
                report.written += 1
            if dry_run or (report.errors and not skip_invalid and len({e.line for e in report.errors}) > len(
                    bad_lines)):
                raise _Rollback
    except _Rollback:
        if dry_run:
            return report
        report.written = 0
    report.skipped = len({error.line for error in report.errors})
    return report
