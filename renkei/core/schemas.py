"""JSON shapes every API router shares: the error format and pages of a list."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from ninja import Field, Schema

T = TypeVar("T")

# Past this a page number is refused with a 422 rather than overflowing a 64-bit OFFSET.
MAX_PAGE = 1_000_000


class ErrorDetail(Schema):
    code: str = Field(description="invalid, forbidden, not_found, conflict, unauthorized, …")
    message: str
    fields: dict[str, list[str]] = Field(description="field name → messages; empty when no field is to blame")


class ErrorOut(Schema):
    error: ErrorDetail


class PageQuery(Schema):
    page: int = Field(1, ge=1, le=MAX_PAGE, description="1-based page number; past the end gives an empty page")
    page_size: int = Field(50, ge=1, le=200, description="items per page, at most 200")


class Page(Schema, Generic[T]):
    """One page of a list. Subclass it to name it in the OpenAPI document:
    ``class PlacePage(Page[PlaceOut]): pass``."""

    count: int
    page: int
    page_size: int
    results: list[T]


def page_of(queryset, query: PageQuery, *, results: Any = None) -> dict[str, Any]:
    """``{"count", "page", "page_size", "results"}`` for one page of ``queryset`` (a list works too)."""
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
