"""Downloads of a list page as CSV or Excel: ``?download=csv`` or ``?download=xlsx`` on the page's own
address, with its filters, answers the rows the page lists (``core.spreadsheets`` writes them, text
cells made safe for spreadsheets), headings in the reader's language."""

from __future__ import annotations

import io
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from renkei.core.spreadsheets import CONTENT_TYPES, FORMATS, Sheet, write_csv, write_xlsx


def download_url(request: HttpRequest, format: str) -> str:
    query = request.GET.copy()
    for key in ("page", "download", "chart", "format"):
        query.pop(key, None)
    query["download"] = format
    return f"{request.path}?{query.urlencode()}"


def sheet_response(sheet: Sheet, format: str) -> HttpResponse:
    filename = f"{sheet.name}-{timezone.localdate().isoformat()}.{format}"
    response = HttpResponse(content_type=CONTENT_TYPES[format])
    if format == "csv":
        write_csv(sheet, response, bom=True)
    else:
        buffer = io.BytesIO()
        write_xlsx(sheet, buffer)
        response.write(buffer.getvalue())
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def download_response(request: HttpRequest, build: Callable[[], Sheet]) -> HttpResponse | None:
    """The page's rows as a file when the address asks for one (``?download=csv|xlsx``), else None."""
    format = request.GET.get("download")
    if format not in FORMATS:
        return None
    return sheet_response(build(), format)
