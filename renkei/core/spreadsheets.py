"""Text cells that spreadsheets open safely ("CSV injection", OWASP).

Excel, LibreOffice and Google Sheets run a cell starting with ``=``, ``+``, ``-`` or ``@`` (or a tab
or carriage return followed by one) as a formula, so a place named ``=HYPERLINK("http://…", "x")``
would become a link, or worse, in whoever opens the export. Every CSV or XLSX file Renkei writes
passes its text cells through :func:`escape_formula`, which puts a single quote in front; numbers
are written as numbers and never escaped. :func:`unescape_formula` takes the quote off again, so an
import of the file gives back the text exactly (a text that itself starts with quotes before such a
character gets one more quote, and loses exactly one).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, BinaryIO, TextIO

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(text: str) -> str:
    """``text`` with a single quote in front if a spreadsheet would read it as a formula."""
    return "'" + text if text.lstrip("'").startswith(FORMULA_START) else text


def unescape_formula(text: str) -> str:
    """The text :func:`escape_formula` was given (a cell without the quote it adds is left as it is)."""
    return text[1:] if text.startswith("'") and text.lstrip("'").startswith(FORMULA_START) else text


@dataclass(frozen=True)
class Column:
    """A column of a table that is shown, charted or downloaded: its key in the rows, its heading, and
    whether its values are numbers (written as numbers, right-aligned, never escaped)."""

    key: str
    label: str
    number: bool = False
    unit: str = ""
    decimals: int | None = None


@dataclass
class Sheet:
    """A list as a table: a title (the Excel sheet's name and the file's), columns and rows (dicts by
    column key; ``None`` is an empty cell). The rows are the ones the page shows, filters applied."""

    title: str
    name: str
    columns: Sequence[Column]
    rows: Iterable[Mapping[str, Any]]


FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _text(value: Any) -> str:
    if isinstance(value, datetime):
        return value.isoformat(timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "✓" if value else ""
    if isinstance(value, list | tuple):
        return "; ".join(str(item) for item in value)
    return str(value)


def _cell(column: Column, value: Any) -> Any:
    if value is None:
        return None
    if column.number and isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return value
    return escape_formula(_text(value))


def write_csv(sheet: Sheet, out: TextIO, *, bom: bool = False) -> int:
    """The sheet as CSV (UTF-8; a byte order mark first when ``bom``, for Excel on Windows)."""
    if bom:
        out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([column.label for column in sheet.columns])
    count = 0
    for row in sheet.rows:
        writer.writerow(["" if (cell := _cell(column, row.get(column.key))) is None else cell
                         for column in sheet.columns])
        count += 1
    return count


def write_xlsx(sheet: Sheet, out: BinaryIO) -> int:
    """The sheet as an Excel workbook (openpyxl, write-only: rows stream to the file)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    title = "".join(ch for ch in sheet.title if ch not in "[]:*?/\\")[:31] or "Renkei"
    ws = book.create_sheet(title)
    bold = Font(bold=True)
    header = []
    for column in sheet.columns:
        cell = WriteOnlyCell(ws, value=column.label)
        cell.font = bold
        header.append(cell)
    ws.append(header)
    ws.freeze_panes = "A2"
    count = 0
    for row in sheet.rows:
        # control characters (a NUL or a form feed pasted into a free text) cannot be in a workbook
        ws.append([ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value
                   for value in (_cell(column, row.get(column.key)) for column in sheet.columns)])
        count += 1
    book.save(out)
    return count

