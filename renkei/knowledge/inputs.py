"""What the library's services take: a product, a knowledge request, an answer, a request's next
step. The same models serve the JSON API (``schemas.py`` builds on them), the library's forms
(form → dict → :func:`renkei.core.inputs.parse`) and ``renkei library import`` (one line → one
model), so a bad value fails with the same message wherever it comes from.

Each field checks itself (language codes of a text, a population that fits a city, an amount
in euros …); what needs the database (does this theme exist?) is left to the service.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.translation import gettext as _
from pydantic import BeforeValidator, ConfigDict, Field, field_validator

from renkei.core.inputs import Input, reject_nul
from renkei.knowledge.models import Product

MAX_POPULATION = 10_000_000_000  # more than live on Earth: a slip of the keyboard, not a city
MAX_EUROS = Decimal("99999999999999.5")  # rounds to 15 digits; the columns hold 14
LANGUAGE_CODES = frozenset({"en", "ja", "id", "de", "fi", "sv", "fr", "es", "pt", "zh", "ko", "th", "vi", "tl", "ms",
                            "it", "nl", "pl", "ar"})
MAX_ANSWER = 5000


# --- one kind of value each ---------------------------------------------------------------------

def _texts(max_length: int):
    """Text per language (``{"en": …, "ja": …}``; plain text is taken as English); empty ones dropped."""

    def check(value: Any) -> dict[str, str]:
        if value in (None, ""):
            return {}
        if isinstance(value, str):
            value = {"en": value}
        if not isinstance(value, dict):
            raise ValueError(_("give the text per language, like {\"en\": \"…\", \"ja\": \"…\"}"))
        out = {}
        for language, text in value.items():
            if language not in LANGUAGE_CODES:
                raise ValueError(_("%(code)s is not a language code we know (use en, ja, id, de, …)")
                                 % {"code": language})
            if text is None:
                continue
            if not isinstance(text, str):
                raise ValueError(_("the %(code)s text must be text") % {"code": language})
            text = reject_nul(text).strip()
            if len(text) > max_length:
                raise ValueError(_("the %(code)s text is longer than %(n)s characters")
                                 % {"code": language, "n": max_length})
            if text:
                out[language] = text
        return out

    return BeforeValidator(check)


def _population(value: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(str(value).replace(",", "").replace("_", "").strip())
    except ValueError:
        raise ValueError(_("must be a whole number")) from None
    if number < 0:
        raise ValueError(_("must not be negative"))
    if number > MAX_POPULATION:
        raise ValueError(_("The population must be at most %(n)s.") % {"n": f"{MAX_POPULATION:,}"})
    return number


def _euros(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except InvalidOperation:
        raise ValueError(_("must be an amount in euros, like 50000")) from None
    if not amount.is_finite() or amount >= MAX_EUROS:  # NaN cannot even be compared with 0
        raise ValueError(_("must be an amount in euros, like 50000"))
    if amount < 0:
        raise ValueError(_("must not be negative"))
    return amount.quantize(Decimal(1))


def _day(value: Any) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        value = value.date()
    if not isinstance(value, date):
        try:
            value = date.fromisoformat(str(value).strip())
        except ValueError:
            raise ValueError(_("use a date like 2016-11-03")) from None
    if value > timezone.localdate():
        raise ValueError(_("cannot be in the future"))
    return value


def _names(value: Any) -> list[str]:
    """Codes, URL names or user names: a list, or one text separated by commas or lines."""
    if value in (None, ""):
        return []
    if isinstance(value, str):
        value = value.replace("\n", ",").split(",")
    if not isinstance(value, (list, tuple)):
        raise ValueError(_("must be a list"))
    return list(dict.fromkeys(str(getattr(v, "slug", v)).strip() for v in value if str(v).strip()))


def _some_names(value: Any) -> list[str] | None:
    """Like :func:`_names`, but nothing given stays ``None`` (themes: take those of the text)."""
    return None if value in (None, "") else _names(value)


def _slug(value: Any) -> str | None:
    if value in (None, ""):
        return None
    return str(getattr(value, "slug", value)).strip() or None


def _pilot(value: Any) -> int | None:
    if value in (None, ""):
        return None
    value = getattr(value, "pk", value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    raise ValueError(_("give the pilot's number"))


def _authors(value: Any) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        value = value.replace(";", "\n").splitlines()
    if not isinstance(value, list) or not all(isinstance(a, str) for a in value):
        raise ValueError(_("give a list of names"))
    return [a.strip() for a in value if a.strip()]


def _video_url(value: Any) -> str:
    url = (value or "").strip() if isinstance(value, str) or value is None else value
    if not isinstance(url, str):
        raise ValueError(_("must be text"))
    if url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            raise ValueError(_("must be a web address starting with http:// or https://")) from None
    return url


def _choice(values: list[str], default: str | None = None):
    def check(value: Any) -> str:
        if value in (None, "") and default is not None:
            return default
        if value not in values:
            raise ValueError(_("choose one of: %(values)s") % {"values": ", ".join(values)})
        return value

    return BeforeValidator(check)


def _required_texts(cls, value: dict[str, str]) -> dict[str, str]:
    if not value:
        raise ValueError(_("is required (in at least one language)"))
    return value


Title = Annotated[dict[str, str], _texts(300)]
Summary = Annotated[dict[str, str], _texts(3000)]
Body = Annotated[dict[str, str], _texts(200_000)]
Description = Annotated[dict[str, str], _texts(5000)]
Population = Annotated[int | None, BeforeValidator(_population)]
Euros = Annotated[Decimal | None, BeforeValidator(_euros)]
Day = Annotated[date | None, BeforeValidator(_day)]
Names = Annotated[list[str], BeforeValidator(_names)]
SomeNames = Annotated[list[str] | None, BeforeValidator(_some_names)]
Slug = Annotated[str | None, BeforeValidator(_slug)]


# --- products -----------------------------------------------------------------------------------

class ProductChange(Input):
    """A product's fields. When editing, only the fields given change (``given()``); texts are per
    language; themes, places and organisations by code or URL name, co-authors by user name."""

    kind: Annotated[str | None, _choice(Product.Kind.values)] = None
    title: Title = Field(default_factory=dict)
    summary: Summary = Field(default_factory=dict)
    body: Body = Field(default_factory=dict, description="Markdown per language")
    video_url: Annotated[str, BeforeValidator(_video_url)] = ""
    themes: SomeNames = Field(None, description="theme codes; without them, the themes of the text are taken")
    places: Names = Field(default_factory=list)
    organisations: Names = Field(default_factory=list)
    partnership: Slug = None
    activity: Slug = None
    pilot: Annotated[int | None, BeforeValidator(_pilot)] = None
    published_on: Day = None
    authors: Annotated[list[str], BeforeValidator(_authors)] = Field(default_factory=list)
    licence: Annotated[str, _choice(Product.Licence.values, Product.Licence.CC_BY)] = Product.Licence.CC_BY
    suits_min_population: Population = None
    suits_max_population: Population = None
    preconditions: Summary = Field(default_factory=dict)
    cost_min_eur: Euros = None
    cost_max_eur: Euros = None
    visibility: Annotated[str, _choice(Product.Visibility.values, Product.Visibility.PUBLIC)] = \
        Product.Visibility.PUBLIC
    editors: Names = Field(default_factory=list, description="user names of co-authors who may edit")

    _some_title = field_validator("title")(_required_texts)


class ProductNew(ProductChange):
    """A new product: its type and a title are required. Curators may create it published;
    ``slug`` is the URL name (made from the title when not given)."""

    model_config = ConfigDict(validate_default=True)

    status: Annotated[str, _choice(Product.Status.values, Product.Status.DRAFT)] = Product.Status.DRAFT
    slug: str = ""


# --- knowledge requests -------------------------------------------------------------------------

class RequestNew(Input):
    """A city asks for help; without themes, the themes of its text are taken."""

    title: Title
    description: Description = Field(default_factory=dict)
    themes: SomeNames = None

    _some_title = field_validator("title")(_required_texts)


class RequestChange(Input):
    """A request's own words and themes; only the fields given change."""

    title: Title = Field(default_factory=dict)
    description: Description = Field(default_factory=dict)
    themes: SomeNames = None

    _some_title = field_validator("title")(_required_texts)


class AnswerNew(Input):
    """A place's answer to a request, with products of the library that help (by URL name)."""

    text: str
    products: Names = Field(default_factory=list, description="URL names of products that help")

    @field_validator("text", mode="before")
    @classmethod
    def _some_text(cls, value: Any) -> Any:
        if value is None or (isinstance(value, str) and not value.strip()):
            raise ValueError(_("is required"))
        if isinstance(value, str) and len(value) > MAX_ANSWER:
            raise ValueError(_("is longer than %(n)s characters") % {"n": MAX_ANSWER})
        return reject_nul(value)


class ActivityFromRequest(Input):
    """A learning activity made of a request: its type, when and where."""

    kind: str
    starts_at: datetime
    ends_at: datetime
    timezone: str = "Asia/Tokyo"
    venue: str = ""
    online_url: str = ""

    @field_validator("starts_at", "ends_at", mode="before")
    @classmethod
    def _required(cls, value: Any) -> Any:
        if value in (None, ""):
            raise ValueError(_("is required"))
        return value

    @field_validator("timezone", mode="before")
    @classmethod
    def _zone(cls, value: Any) -> Any:
        return value or "Asia/Tokyo"
