"""JSON shapes every API router shares: the error format and pages of a list."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Generic, TypeVar

from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import AfterValidator

from renkei.core.inputs import reasonable_moment

T = TypeVar("T")

# Past this a page number is refused with a 422 rather than overflowing a 64-bit OFFSET.
MAX_PAGE = 1_000_000


class ErrorDetail(Schema):
    code: str = Field(description="invalid, forbidden, not_found, conflict, unauthorized, …")
    message: str
    fields: dict[str, list[str]] = Field(description="field name → messages; empty when no field is to blame")


class ErrorOut(Schema):
    error: ErrorDetail


def _with_zone(value: datetime) -> datetime:
    if value.utcoffset() is None:
        raise ValueError(_("give the date and time with its time zone, like 2026-03-31T09:00:00+09:00"))
    return reasonable_moment(value)


AwareMoment = Annotated[datetime, AfterValidator(_with_zone)]


class PageQuery(Schema):
    """The query of every list: a page, its size, and ``updated_since`` for incremental sync."""

    page: int = Field(1, ge=1, le=MAX_PAGE, description="1-based page number; past the end gives an empty page")
    page_size: int = Field(50, ge=1, le=200, description="items per page, at most 200")
    updated_since: AwareMoment | None = Field(
        None, description="only what changed at or after this moment: an ISO 8601 date and time with its time "
        "zone (e.g. 2026-03-31T09:00:00+09:00); a client keeps the newest updated_at it saw and sends it next time")


class Page(Schema, Generic[T]):
    """One page of a list. Subclass it to name it in the OpenAPI document:
    ``class PlacePage(Page[PlaceOut]): pass``."""

    count: int
    page: int
    page_size: int
    results: list[T]


def since(rows, moment: datetime | None, *, field: str = "updated_at", key: Any = None):
    """The rows changed at or after ``moment`` (a queryset by ``field``, a list by ``key(row)``)."""
    if moment is None:
        return rows
    if hasattr(rows, "filter") and not isinstance(rows, list):
        return rows.filter(**{f"{field}__gte": moment})
    read = key or (lambda row: getattr(row, field))
    return [row for row in rows if (read(row) is not None and read(row) >= moment)]


def page_of(queryset, query: PageQuery, *, results: Any = None, since_key: Any = None,
            since_field: str = "updated_at") -> dict[str, Any]:
    """``{"count", "page", "page_size", "results"}`` for one page of ``queryset`` (a list works too),
    keeping only the rows changed since ``query.updated_since`` when it is given (``since_field`` names
    the column of a table whose rows are never edited, only replaced; ``since_key`` reads a list item's
    ``updated_at`` when it is not an attribute of the item)."""
    queryset = since(queryset, getattr(query, "updated_since", None), field=since_field, key=since_key)
    start = (query.page - 1) * query.page_size
    count = queryset.count() if hasattr(queryset, "count") and not isinstance(queryset, list) else len(queryset)
    items = queryset[start:start + query.page_size]
    return {"count": count, "page": query.page, "page_size": query.page_size,
            "results": list(items) if results is None else results(items)}


# Error answers an operation may give, for its ``response=`` map.
READ_ERRORS = {404: ErrorOut, 422: ErrorOut}
WRITE_ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 412: ErrorOut, 422: ErrorOut}
DELETED = {204: None, **WRITE_ERRORS}
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 412: ErrorOut, 422: ErrorOut}
