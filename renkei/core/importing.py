"""What every file import shares: the error of one line, and reading a JSON-lines file.

Each importer (places, profiles, library) reports every bad line by its number, field and
message, and writes nothing when a line is wrong (see docs/data-formats.md).
"""

from __future__ import annotations

import csv
import json
import os
import stat
import sys
from pathlib import Path
from typing import NamedTuple

from django.conf import settings
from django.utils.translation import gettext as _

from renkei.core import jsonparse
from renkei.core.errors import ApplicationError


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


def read_regular_file(path: Path, *, max_bytes: int, name: str | None = None) -> bytes:
    """The bytes of a regular file, never more than ``max_bytes``: devices (``/dev/zero``), pipes and
    folders are refused, as is a larger file, with ApplicationError naming the file (``name``)."""
    name = name or str(path)
    try:
        # not blocking on a pipe, not following a link swapped in since the caller resolved the path
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0))
        try:
            info = os.fstat(descriptor)
            if not stat.S_ISREG(info.st_mode):
                raise ApplicationError(_("%(name)s is not a regular file") % {"name": name})
            if info.st_size > max_bytes:
                raise ApplicationError(_("%(name)s is larger than %(mb)s MB.") % {
                    "name": name, "mb": round(max_bytes / 1024 / 1024)})
            chunks, left = [], max_bytes + 1  # a file growing meanwhile still stops here
            while left > 0 and (chunk := os.read(descriptor, min(left, 1 << 20))):
                chunks.append(chunk)
                left -= len(chunk)
        finally:
            os.close(descriptor)
    except OSError as exc:
        raise ApplicationError(_("cannot read %(name)s: %(problem)s")
                               % {"name": name, "problem": exc.strerror or exc}) from exc
    data = b"".join(chunks)
    if len(data) > max_bytes:
        raise ApplicationError(_("%(name)s is larger than %(mb)s MB.") % {
            "name": name, "mb": round(max_bytes / 1024 / 1024)})
    return data


def read_import_file(file: str) -> bytes:
    """An import file named on the command line (``-``: standard input), at most
    ``RENKEI_MAX_IMPORT_BYTES``."""
    limit = settings.RENKEI_MAX_IMPORT_BYTES
    if file != "-":
        try:
            return read_regular_file(Path(file), max_bytes=limit, name=file)
        except ApplicationError as exc:
            if isinstance(exc.__cause__, OSError):  # missing, not allowed: said as a sentence
                raise ApplicationError(_("Cannot read %(file)s: %(problem)s") % {
                    "file": file, "problem": exc.__cause__.strerror or exc.__cause__}) from exc.__cause__
            raise
    data = sys.stdin.buffer.read(limit + 1)
    if len(data) > limit:
        raise ApplicationError(_("%(name)s is larger than %(mb)s MB.") % {
            "name": _("standard input"), "mb": round(limit / 1024 / 1024)})
    return data


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


def csv_problem(exc: csv.Error) -> str:
    """What the csv module (read strictly) found wrong, in the reader's language."""
    if "field larger than field limit" in str(exc):
        return _("has a cell longer than %(n)s characters") % {"n": f"{csv.field_size_limit():,}"}
    return _("is not valid CSV: a quoted field is not closed, or text follows its closing quote")
