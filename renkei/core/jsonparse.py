"""Reading JSON that people send (import files, request bodies, backups) without a traceback.

``json.loads`` reports bad syntax as a ``JSONDecodeError`` with the line and column, but two
things it does not: lists and objects nested thousands deep (a ``RecursionError``) and an integer
longer than Python converts (4,300 digits: a plain ``ValueError``). :func:`loads` refuses both as a
``JSONDecodeError`` pointing at the place in the text, so every caller reports them like any other
syntax error: ``line 4: file: is not valid JSON: … (column 12)``.
"""

from __future__ import annotations

import itertools
import json
import re
import sys
from typing import Any

from django.utils.translation import gettext as _

#: deeper than any document Renkei reads, far from what Python's recursion allows
MAX_DEPTH = 100

_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_STRING_OR_BRACKET = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]', re.DOTALL)


def loads(text: str | bytes | bytearray) -> Any:
    """``json.loads(text)``; raises ``json.JSONDecodeError`` (a ValueError) for anything it cannot read."""
    if isinstance(text, bytes | bytearray):
        text = text.decode(json.detect_encoding(text), "surrogatepass")  # what json.loads does
    position = _too_deep(text)
    if position is not None:
        raise json.JSONDecodeError(_("lists and objects are nested more than %(n)s deep") % {"n": MAX_DEPTH},
                                   text, position)
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        raise
    except (ValueError, RecursionError) as exc:  # an integer too long to convert (or a call stack already deep)
        limit = sys.get_int_max_str_digits()
        found = re.search(rf"\d{{{limit + 1},}}", _blank_strings(text)) if limit else None
        if found is None:
            raise json.JSONDecodeError(str(exc), text, 0) from exc
        raise json.JSONDecodeError(_("a number has more than %(n)s digits") % {"n": f"{limit:,}"},
                                   text, found.start()) from exc


def _blank_strings(text: str) -> str:
    """The text with every string's contents replaced by spaces (so positions stay the same)."""
    return _STRING.sub(lambda m: '"' + " " * (len(m.group()) - 2) + '"', text)


def _too_deep(text: str) -> int | None:
    """Where the nesting first goes deeper than MAX_DEPTH, or None. Cheap for ordinary documents:
    only brackets outside strings are counted, and the positions are looked for only when needed."""
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return None
    brackets = re.sub(r"[^\[\]{}]+", "", _STRING.sub("", text))
    steps = (1 if c in "[{" else -1 for c in brackets)
    if max(itertools.accumulate(steps, initial=0)) <= MAX_DEPTH:
        return None
    depth = 0
    for match in _STRING_OR_BRACKET.finditer(text):
        char = match.group()
        if char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return match.start()
        elif char in "]}":
            depth -= 1
    return None
