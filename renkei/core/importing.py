"""What every file import shares: the error of one line, and reading a JSON-lines file.

Each importer (places, profiles, library) reports every bad line by its number, field and
message, and writes nothing when a line is wrong (see docs/data-formats.md).
"""

from __future__ import annotations

import json
from typing import NamedTuple

from django.utils.translation import gettext as _

from renkei.core import jsonparse


class RowError(NamedTuple):
    """One problem: the line it is on (None: the whole file), the field, and what is wrong.

    ``index`` is the position (from 0) of the object in a JSON list, since several objects may
    share a line; it is None for CSV and JSON lines.
    """

    line: int | None
    field: str
    message: str
    index: int | None = None

    def __str__(self) -> str:
        where = "" if self.line is None else _("line %(n)s") % {"n": self.line}
        if self.index is not None:
            where += " " + _("(index %(n)s)") % {"n": self.index}
        return f"{where}: {self.field}: {self.message}" if where else f"{self.field}: {self.message}"


def json_lines(data: bytes) -> tuple[list[tuple[int, dict]], list[RowError], bool]:
    """The objects of a JSON-lines file with their line numbers, the lines that are not one, and
    whether the file as a whole is unusable (not UTF-8, or empty)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return [], [RowError(None, "file", _("is not UTF-8 text (byte %(n)s)") % {"n": exc.start})], True
    rows, errors = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = jsonparse.loads(line)
        except json.JSONDecodeError as exc:
            errors.append(RowError(number, "line", _("is not valid JSON (%(problem)s)") % {"problem": exc.msg}))
            continue
        if not isinstance(value, dict):
            errors.append(RowError(number, "line", _("must be a JSON object")))
            continue
        rows.append((number, value))
    if not rows and not errors:
        return [], [RowError(None, "file", _("is empty"))], True
    return rows, errors, False
