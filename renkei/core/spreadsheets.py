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

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(text: str) -> str:
    """``text`` with a single quote in front if a spreadsheet would read it as a formula."""
    return "'" + text if text.lstrip("'").startswith(FORMULA_START) else text


def unescape_formula(text: str) -> str:
    """The text :func:`escape_formula` was given (a cell without the quote it adds is left as it is)."""
    return text[1:] if text.startswith("'") and text.lstrip("'").startswith(FORMULA_START) else text
