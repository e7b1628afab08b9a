"""Charts drawn in the browser by Observable Plot (ADR 7) from rows the server puts in the page.

The same rows make the chart's accessible data table and its CSV download, so the three can never
disagree. A value of ``None`` is missing: the table says so and no mark is drawn (never a zero).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from renkei.core.spreadsheets import Column, escape_formula

Kind = Literal["bar", "strip", "line", "heatmap"]
_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")


@dataclass
class Chart:
    """One chart: its kind, caption, table columns and rows, and which columns the marks use.

    ``x``/``y`` name the columns on the axes; ``fill`` a column that colours marks (heat-map cells,
    groups of bars); ``series`` a column that splits lines; ``highlight`` a boolean column whose true
    rows are drawn in the accent colour (the place being benchmarked); ``label`` the column whose text
    titles each mark (its tooltip, and how a test finds the mark's row in the table).
    """

    id: str
    kind: Kind
    title: str
    columns: Sequence[Column]
    rows: list[dict[str, Any]]
    x: str
    y: str
    fill: str | None = None
    series: str | None = None
    highlight: str | None = None
    label: str | None = None
    domain: tuple[float, float] | None = None
    x_label: str = ""
    y_label: str = ""
    note: str = ""
    height: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not _ID.match(self.id):
            raise ValueError(f"chart id {self.id!r}: lowercase letters, digits and hyphens only")
        keys = {column.key for column in self.columns}
        for name in (self.x, self.y, self.fill, self.series, self.label):
            if name is not None and name not in keys:
                raise ValueError(f"chart {self.id}: {name!r} is not one of its columns")

    @property
    def label_key(self) -> str:
        return self.label or self.y

    @cached_property
    def _texts(self) -> list[tuple[list[str], str]]:
        """Per row, each cell's text and the row's mark title (made once: the table, the JSON and the
        CSV all use them)."""
        labels = [str(column.label) for column in self.columns]
        out = []
        for row in self.rows:
            cells = [cell_text(column, row.get(column.key)) for column in self.columns]
            out.append((cells, " · ".join(f"{label}: {text}" for label, text in zip(labels, cells, strict=True))))
        return out


    def drawn_rows(self) -> list[dict[str, Any]]:
        """The rows that get a mark: those whose plotted values are all present."""
        needed = [self.x, self.y] + ([self.fill] if self.fill and self.kind == "heatmap" else [])
        return [row for row in self.rows if all(row.get(key) is not None for key in needed)]

    def table(self) -> list[dict[str, Any]]:
        """Rows for a template: each cell's text, whether it is missing, the row's mark title and
        whether it has a mark."""
        drawn = {id(row) for row in self.drawn_rows()}
        out = []
        for row, (texts, title) in zip(self.rows, self._texts, strict=True):
            cells = [{"text": text, "missing": row.get(column.key) is None, "number": column.number}
                     for column, text in zip(self.columns, texts, strict=True)]
            out.append({"cells": cells, "title": title, "drawn": id(row) in drawn,
                        "highlight": bool(self.highlight and row.get(self.highlight))})
        return out

    def table_html(self) -> str:
        """The data table's body rows as HTML (made here rather than by a template loop: a chart of a
        few hundred rows would cost more in template rendering than the rest of its page)."""
        drawn = {id(row) for row in self.drawn_rows()}
        number = [column.number for column in self.columns]
        parts = []
        for row, (texts, title) in zip(self.rows, self._texts, strict=True):
            attributes = f' data-mark-title="{escape(title)}"'
            if id(row) in drawn:
                attributes += " data-drawn"
            if self.highlight and row.get(self.highlight):
                attributes += ' class="highlight"'
            cells = []
            for column, text, is_number in zip(self.columns, texts, number, strict=True):
                body = escape(text)
                if row.get(column.key) is None:
                    body = f'<span class="missing">{body}</span>'
                cells.append(f'<td class="num">{body}</td>' if is_number else f"<td>{body}</td>")
            parts.append(f"<tr{attributes}>{''.join(cells)}</tr>")
        return mark_safe("\n".join(parts))  # noqa: S308 - every text above is escaped

    def spec(self) -> dict[str, Any]:
        """What the browser draws: plain JSON for `renkei/charts.js`."""
        drawn = []
        titles = {id(row): title for row, (_texts, title) in zip(self.rows, self._texts, strict=True)}
        for row in self.drawn_rows():
            item = {key: row.get(key) for key in {self.x, self.y, self.fill, self.series} if key}
            item["_title"] = titles[id(row)]
            if self.highlight:
                item["_highlight"] = bool(row.get(self.highlight))
            drawn.append(item)
        numeric = {column.key for column in self.columns if column.number}

        def categories(key: str) -> list | None:
            # every category, also those whose values are all missing: they keep their place on the axis
            return None if key in numeric else list(dict.fromkeys(row.get(key) for row in self.rows
                                                                   if row.get(key) is not None))

        line = None
        if self.kind == "line":
            # every point in order, a missing value as null: the line breaks there instead of joining its
            # neighbours across the missing year (the dots are the drawn rows only)
            line = [{key: row.get(key) for key in {self.x, self.y, self.series} if key} for row in self.rows
                    if row.get(self.x) is not None]
        missing = []
        if self.kind == "heatmap" and self.fill:
            missing = [{self.x: row[self.x], self.y: row[self.y]} for row in self.rows
                       if row.get(self.fill) is None and row.get(self.x) is not None and row.get(self.y) is not None]
        return {
            "xDomain": categories(self.x), "yDomain": categories(self.y), "missing": missing,
            "id": self.id, "kind": self.kind, "x": self.x, "y": self.y, "fill": self.fill,
            "series": self.series, "domain": list(self.domain) if self.domain else None,
            "xNumeric": self.x in numeric, "yNumeric": self.y in numeric,
            "xLabel": self.x_label or _label(self.columns, self.x),
            "yLabel": self.y_label or _label(self.columns, self.y),
            "height": self.height, "rows": drawn, "line": line, **self.extra,
        }

    def csv(self) -> str:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow([column.label for column in self.columns])
        for row in self.rows:
            writer.writerow([_csv_cell(row.get(column.key)) for column in self.columns])
        return buffer.getvalue()


def _label(columns: Iterable[Column], key: str) -> str:
    for column in columns:
        if column.key == key:
            return column.label + (f" ({column.unit})" if column.unit else "")
    return key


def cell_text(column: Column, value: Any) -> str:
    if value is None:
        return gettext("missing")
    if column.number and isinstance(value, int | float) and not isinstance(value, bool):
        decimals = column.decimals if column.decimals is not None else (0 if float(value).is_integer() else 1)
        return f"{float(value):.{decimals}f}"  # English and Japanese write numbers alike: 1234.5
    return str(value)


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    return escape_formula(value) if isinstance(value, str) else str(value)


def chart_csv_response(request: HttpRequest, charts: Iterable[Chart]) -> HttpResponse | None:
    """``?chart=<id>&format=csv`` on a page with charts answers that chart's rows as CSV."""
    wanted = request.GET.get("chart")
    if not wanted or request.GET.get("format") != "csv":
        return None
    for chart in charts:
        if chart.id == wanted:
            response = HttpResponse(chart.csv(), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="{chart.id}.csv"'
            return response
    return None


def csv_url(request: HttpRequest, chart: Chart) -> str:
    """The page's own address with its query kept, asking for ``chart``'s rows as CSV."""
    query = request.GET.copy()
    query["chart"] = chart.id
    query["format"] = "csv"
    return f"{request.path}?{query.urlencode()}"
