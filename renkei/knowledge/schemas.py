"""JSON shapes of the knowledge library's API."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from ninja import Schema
from pydantic import Field


class ErrorOut(Schema):
    error: dict


class FileOut(Schema):
    id: int
    name: str
    kind: str
    size: int
    pages: int | None
    text_status: str
    url: str


class ProductOut(Schema):
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
    files: list[FileOut]
    url: str


class ProductIn(Schema):
    """A product as the service takes it. Texts are per language (``{"en": …, "ja": …}``); themes,
    places and organisations by code or URL name; without themes, the themes of the text are taken."""

    kind: str
    title: dict[str, str]
    summary: dict[str, str] = Field(default_factory=dict)
    body: dict[str, str] = Field(default_factory=dict, description="Markdown per language")
    video_url: str = ""
    themes: list[str] | None = None
    places: list[str] = Field(default_factory=list)
    organisations: list[str] = Field(default_factory=list)
    partnership: str | None = None
    activity: str | None = None
    pilot: int | None = None
    published_on: date | None = None
    authors: list[str] = Field(default_factory=list)
    licence: str = "CC-BY-4.0"
    suits_min_population: int | None = None
    suits_max_population: int | None = None
    preconditions: dict[str, str] = Field(default_factory=dict)
    cost_min_eur: Decimal | None = None
    cost_max_eur: Decimal | None = None
    visibility: str = "public"
    editors: list[str] = Field(default_factory=list, description="user names of co-authors who may edit")
    status: str = "draft"
    slug: str = ""


class ProductPatch(Schema):
    """Only the fields given change; ``version`` (from the last read) guards against lost edits."""

    version: int | None = None
    kind: str | None = None
    title: dict[str, str] | None = None
    summary: dict[str, str] | None = None
    body: dict[str, str] | None = None
    video_url: str | None = None
    themes: list[str] | None = None
    places: list[str] | None = None
    organisations: list[str] | None = None
    partnership: str | None = None
    activity: str | None = None
    pilot: int | None = None
    published_on: date | None = None
    authors: list[str] | None = None
    licence: str | None = None
    suits_min_population: int | None = None
    suits_max_population: int | None = None
    preconditions: dict[str, str] | None = None
    cost_min_eur: Decimal | None = None
    cost_max_eur: Decimal | None = None
    visibility: str | None = None
    editors: list[str] | None = None


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


class RequestIn(Schema):
    place: str = Field(description="URL name of the asking place")
    title: dict[str, str]
    description: dict[str, str] = Field(default_factory=dict)
    themes: list[str] | None = None


class AnswerIn(Schema):
    place: str = Field(description="URL name of the answering place")
    text: str
    products: list[str] = Field(default_factory=list, description="URL names of products that help")


class AnswerOut(Schema):
    id: int
    place: str
    text: str
    products: list[str]
    created_at: datetime


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


class RequestDetailOut(RequestOut):
    suggested_places: list[SuggestedPlaceOut]
    suggested_products: list[SimilarOut] = Field(description="products on the request's themes, then others "
                                                 "close in meaning; similarity is the cosine to the request")


class ToPartnershipIn(Schema):
    answer: int = Field(description="the answer whose place becomes the partner")


class ToActivityIn(Schema):
    kind: str
    starts_at: datetime
    ends_at: datetime
    timezone: str = "Asia/Tokyo"
    venue: str = ""
    online_url: str = ""


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
    text: str


class ThemeSuggestionOut(Schema):
    code: str
    name_en: str
    name_ja: str
    confidence: float
