"""The portfolio as tables: criteria by partnership, indicator progress, learning by side; written as
CSV (one table) or XLSX (one sheet per table). Text cells pass through ``escape_formula`` so no
spreadsheet runs them; numbers stay numbers. Shared by the portfolio page and ``renkei evaluation
export``."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from renkei.core.spreadsheets import escape_formula
from renkei.evaluation.models import Criterion
from renkei.evaluation.progress import STATUS_LABELS

TABLES = ("scores", "progress", "learning")


@dataclass(frozen=True)
class Table:
    name: str  # scores, progress, learning
    title: str
    headers: list[str]
    rows: list[list[Any]]


def portfolio_tables(report, progress: Callable[[Iterable, int, str], Iterable] | None = None) -> list[Table]:
    rows = report.rows if progress is None else progress(report.rows, len(report.rows), _("partnerships"))
    scores, indicators, learning = [], [], []
    for row in rows:
        p = row.partnership
        scores.append([p.slug, p.title_text, p.get_kind_display(), *[row.scores[c] for c in Criterion.values],
                       row.evaluation.get_kind_display() if row.evaluation else ""])
        for indicator, current in row.indicators:
            prog = current.progress if current else None
            indicators.append([
                p.slug, indicator.result.get_level_display(), indicator.name_text, indicator.unit,
                indicator.baseline_value, current.target.value if current else None,
                current.actual.value if current and current.actual else None,
                None if prog is None or prog.progress is None else round(100 * prog.progress, 1),
                None if prog is None or prog.elapsed is None else round(100 * prog.elapsed, 1),
                str(STATUS_LABELS[prog.status]) if prog else str(STATUS_LABELS["no_data"]),
                bool(current and current.actual and current.actual.is_sample)])
        for side in row.learning.sides.values():
            learning.append([p.slug, side.label, side.participants, side.mean_gain, side.normalised_gain,
                             side.adoptions, side.score, row.learning.balance, row.learning.score])
    return [
        Table("scores", _("Criteria by partnership"),
              [_("Partnership"), _("Name of the partnership"), _("Kind"), *[str(c.label) for c in Criterion],
               _("Evaluation")], scores),
        Table("progress", _("Indicator progress"),
              [_("Partnership"), _("Level of the result"), _("Indicator"), _("Unit"), _("Baseline"), _("Target"),
               _("Actual"), _("Progress (%)"), _("Time elapsed (%)"), _("Status"), _("Sample value")], indicators),
        Table("learning", _("Learning by side"),
              [_("Partnership"), _("Side"), _("Participants"), _("Mean gain (points)"), _("Normalised gain"),
               _("Adoptions"), _("Side's learning"), _("Balance"), _("Mutual learning")], learning),
    ]


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        # a true/false cell; "yes" alone is a decision's answer (採用) in the project's catalogue
        return pgettext("true or false", "yes") if value else pgettext("true or false", "no")
    if isinstance(value, int | float):
        return value
    return escape_formula(str(value))


def to_csv(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([_cell(h) for h in table.headers])
    for row in table.rows:
        writer.writerow([_cell(v) for v in row])
    return out.getvalue()


def to_xlsx(tables: list[Table]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for table in tables:
        sheet = book.create_sheet(title=table.title[:31])
        sheet.append([_cell(h) for h in table.headers])
        for row in table.rows:
            sheet.append([_cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
