"""JSON shapes of the knowledge library's API. What a client sends is the services' own input
(``inputs.py``), with the few fields only the API has (the place by URL name, the version)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import Field, field_validator

from renkei.core.schemas import Page
from renkei.knowledge.inputs import ActivityFromRequest, AnswerNew, ProductChange, ProductNew, RequestChange, RequestNew


class FileOut(Schema):
    id: int
    name: str
    kind: str
    size: int
    pages: int | None
    text_status: str
    url: str


class ProductOut(Schema):
    id: int
    slug: str
    kind: str
    title: dict[str, str]
    summary: dict[str, str]
    body: dict[str, str]
    languages: list[str]
    video_url: str
    themes: list[str]
    suggested_themes: list[list]
    places: list[str]
    organisations: list[str]
    partnership: str | None
    activity: str | None
    pilot: int | None
    published_on: date | None
    authors: list[str]
    licence: str
    suits_min_population: int | None
    suits_max_population: int | None
    preconditions: dict[str, str]
    cost_min_eur: Decimal | None
    cost_max_eur: Decimal | None
    status: str
    visibility: str
    version: int
    updated_at: datetime
    files: list[FileOut]
    url: str


def _per_language(cls, value: Any) -> Any:
    """In JSON a text is always an object per language (forms and imports may give plain text)."""
    if value is not None and not isinstance(value, dict):
        raise ValueError(_("give the text per language, like {\"en\": \"…\", \"ja\": \"…\"}"))
    return value


TEXTS = ("title", "summary", "body", "preconditions")


class ProductIn(ProductNew):
    """A product as the service takes it. Texts are per language (``{"en": …, "ja": …}``); themes,
    places and organisations by code or URL name; without themes, the themes of the text are taken."""

    _texts_per_language = field_validator(*TEXTS, mode="before")(_per_language)


class ProductPatch(ProductChange):
    """Only the fields given change; ``version`` (from the last read) guards against lost edits."""

    version: int | None = None

    _texts_per_language = field_validator(*TEXTS, mode="before")(_per_language)

    def changes(self) -> dict[str, Any]:
        return {name: value for name, value in self.given().items() if name != "version"}


class ProductPage(Page[ProductOut]):
    pass


class StatusIn(Schema):
    status: str = Field(description="draft or published")


class FacetOut(Schema):
    value: str
    label: str
    count: int
    selected: bool


class HitOut(Schema):
    slug: str
    kind: str
    title: dict[str, str]
    languages: list[str]
    published_on: date | None
    score: float
    fulltext: float | None = Field(description="full-text relevance scaled to the best match (None: not a text match)")
    semantic: float | None = Field(description="cosine between the query's and the product's embedding")
    title_html: str = Field(description="the title with the matched words in <mark>")
    snippet_html: str = Field(description="an escaped excerpt with the matched words in <mark>")
    url: str


class SearchOut(Schema):
    query: str
    mode: str
    sort: str
    total: int
    page: int
    pages: int
    results: list[HitOut]
    facets: dict[str, list[FacetOut]]
    corrections: dict[str, list[str]] = Field(description="query words the library lacks → the words searched too")
    themes: list[str] = Field(description="codes of the themes the query names: their names and synonyms in both "
                              "languages were searched too")
    places: list[str] = Field(description="URL names of the places the query names: their names in every script "
                              "were searched too")
    timings_ms: dict[str, float]


class SimilarOut(Schema):
    slug: str
    title: dict[str, str]
    kind: str
    similarity: float


class RequestIn(RequestNew):
    place: str = Field(description="URL name of the asking place")

    _texts_per_language = field_validator("title", "description", mode="before")(_per_language)

    def request(self) -> dict[str, Any]:
        return self.model_dump(exclude={"place"})


class AnswerIn(AnswerNew):
    place: str = Field(description="URL name of the answering place")

    def answer(self) -> dict[str, Any]:
        return self.model_dump(exclude={"place"})


class AnswerOut(Schema):
    id: int
    place: str
    text: str
    products: list[str]
    created_at: datetime
    updated_at: datetime


class SuggestedPlaceOut(Schema):
    place: str
    name: str
    score: float
    reasons: list[str]


class RequestOut(Schema):
    id: int
    place: str
    title: dict[str, str]
    description: dict[str, str]
    themes: list[str]
    status: str
    created_at: datetime
    answers: list[AnswerOut]
    activity: str | None
    partnership: str | None
    updated_at: datetime
    version: int


class RequestPage(Page[RequestOut]):
    pass


class RequestDetailOut(RequestOut):
    suggested_places: list[SuggestedPlaceOut]
    suggested_products: list[SimilarOut] = Field(description="products on the request's themes, then others "
                                                 "close in meaning; similarity is the cosine to the request")


class RequestPatch(RequestChange):
    """A request's own words and themes to change; only the fields given change."""


class ToPartnershipIn(Schema):
    answer: int = Field(description="the answer whose place becomes the partner")


class ToActivityIn(ActivityFromRequest):
    """The learning activity to make of the request."""


class IndexJobOut(Schema):
    id: int
    status: str
    total: int
    done: int
    percent: int
    error: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class ThemeSuggestionIn(Schema):
    text: str = Field(max_length=20_000)


class ThemeSuggestionOut(Schema):
    code: str
    name_en: str
    name_ja: str
    confidence: float
