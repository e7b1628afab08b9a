"""Typed inputs of the places services, shared by the API schemas, the forms and the importers.

A place is the exchange format of ``docs/data-formats.md``: its values arrive as a file's cells
would (``"1,500,000"``, ``"yes"``, ``"flood;tsunami"``), so each field's validator turns the text
into a value and fails with a message naming the field, whoever sent it. What needs the database
(a free URL name, a known theme, the parent's identity) is the services' business.

The API schemas in ``places/schemas.py`` subclass these models, forms hand their cleaned values
as a dict, and the services ``parse`` whatever they get.
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Annotated, Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.text import slugify
from django.utils.translation import gettext as _
from pydantic import AfterValidator, BeforeValidator, ConfigDict, Field, ValidationInfo, WithJsonSchema, field_validator
from pydantic import ValidationError as PydanticError

from renkei.core.errors import ErrorCollector
from renkei.core.inputs import Input, collect, reject_nul
from renkei.core.timezones import is_zone
from renkei.places.models import Hazard, IncomeGroup, Level
from renkei.places.reading import is_kana, to_hiragana

if TYPE_CHECKING:
    from renkei.places.models import Organisation, Place

_TRUE = {"1", "true", "yes", "y", "t"}
_FALSE = {"0", "false", "no", "n", "f", ""}
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(value: Any) -> str:
    """A cell as text: empty for a blank one, stripped otherwise (NUL characters refused)."""
    if blank(value):
        return ""
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        raise ValueError(_("must be text"))
    return str(reject_nul(value)).strip()


def _cut(limit: int, *, required: bool):
    def check(value: str) -> str:
        if required and not value:
            raise ValueError(_("is required"))
        return value[:limit]
    return check


def Text(limit: int, *, required: bool = False) -> Any:  # noqa: N802 - used as a type
    """A cell as text (see ``text``), cut to ``limit`` characters; ``required`` refuses it empty."""
    return Annotated[str | None, BeforeValidator(text), AfterValidator(_cut(limit, required=required))]


def web_address(value: str) -> bool:
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        return False
    return True


def _country(value: Any) -> str:
    raw = text(value)
    code = country_code(raw) if raw else ""
    if code is None:
        raise ValueError(_("%(value)r is not an ISO 3166-1 country") % {"value": raw})
    return code


def _website(value: Any) -> str:
    url = text(value)
    if url and not web_address(url):
        raise ValueError(_("must be an http(s) address"))
    return url


Country = Annotated[str | None, BeforeValidator(_country)]
Website = Annotated[str | None, BeforeValidator(_website)]


def country_code(value: str) -> str | None:
    """ISO 3166-1 alpha-2 from an alpha-2, alpha-3 or English name; None if unknown."""
    import pycountry

    value = (value or "").strip()
    if not value:
        return None
    try:
        country = pycountry.countries.lookup(value)
    except LookupError:
        return None
    return country.alpha_2


def number(value: Any, *, integer: bool, low: float, high: float) -> int | float:
    """A number from a cell (thousands separators allowed), within ``low``..``high``."""
    if isinstance(value, bool):
        raise ValueError(_("must be a number"))
    try:
        result = float(str(value).strip().replace(",", "")) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        raise ValueError(_("must be a number")) from None
    if math.isnan(result) or math.isinf(result):
        raise ValueError(_("must be a finite number"))
    if integer:
        if result != int(result):
            raise ValueError(_("must be a whole number"))
        result = int(result)
    if result < low:
        raise ValueError(_("must be at least %(n)s") % {"n": f"{low:g}"})
    if result > high:
        raise ValueError(_("must be at most %(n)s") % {"n": f"{high:g}"})
    return result


def flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise ValueError(_("must be true or false"))


def texts_by_language(value: Any) -> dict[str, str]:
    """``{"en": …, "ja": …}`` from a mapping (or a plain text, taken as English), blanks dropped."""
    if value is None:
        return {}
    if isinstance(value, str):
        value = {"en": value}
    if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise ValueError(_("must map language codes to text"))
    return {key.strip()[:8]: text(item) for key, item in value.items() if text(item)}


def _loose(*schemas: dict) -> Any:
    """Any JSON value, read as the importer reads a cell; the OpenAPI document shows the types accepted."""
    return Annotated[Any, WithJsonSchema({"anyOf": [*schemas, {"type": "null"}]})]


def _int_to_text(value: Any) -> Any:
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


ExternalId = Annotated[str | None, BeforeValidator(_int_to_text)]
Number = _loose({"type": "number"}, {"type": "string"})
WholeNumber = _loose({"type": "integer"}, {"type": "string"})
Flag = _loose({"type": "boolean"}, {"type": "string", "examples": ["yes", "no"]})
HazardList = _loose(
    {"type": "array", "items": {"type": "string", "enum": Hazard.values}},
    {"type": "string", "description": "separated by ;"},
)

# exchange-format key → (model field, whole number, lowest, highest)
NUMBERS = {
    "lat": ("latitude", False, -90, 90),
    "lon": ("longitude", False, -180, 180),
    "population": ("population", True, 0, 5e9),
    "population_year": ("population_year", True, 1800, 2200),
    "area_km2": ("area_km2", False, 0, 2e7),
    "share_65_plus": ("share_65_plus", False, 0, 100),
    "population_growth": ("population_growth", False, -100, 100),
}


# --- places ------------------------------------------------------------------------------------

class PlaceIn(Input):
    """One place in the exchange format. A key given empty clears the value (a name, a country:
    is required); a key left out leaves it alone on an update."""

    id: ExternalId = Field(None, description="external id (text or number); must be unique")
    slug: str | None = Field(None, description="URL name; made from the name when absent")
    level: str | None = Field(None, description=f"one of {', '.join(Level.values)}; default city")
    name: str | None = Field(None, description="name in English")
    name_ja: str | None = None
    name_ja_reading: str | None = Field(
        None, description="reading of the Japanese name in kana (katakana is stored as hiragana); "
        "made from name_ja when empty")
    name_local: str | None = None
    country: Country = Field(None, description="ISO 3166-1 alpha-2, alpha-3 or English name")
    parent: str | None = Field(None, description="URL name or external id of the enclosing place")
    lat: Number = Field(None, description="latitude, -90 to 90; with lon")
    lon: Number = Field(None, description="longitude, -180 to 180; with lat")
    population: WholeNumber = Field(None, description="0 to 5 000 000 000; thousands separators allowed")
    population_year: WholeNumber = Field(None, description="1800 to 2200")
    area_km2: Number = Field(None, description="0 to 20 000 000")
    share_65_plus: Number = Field(None, description="population aged 65+ (%), 0 to 100")
    population_growth: Number = Field(None, description="annual population growth (%), -100 to 100")
    coastal: Flag = Field(None, description="true/false (also yes/no, 1/0)")
    hazards: HazardList = Field(None, description=f"any of {', '.join(Hazard.values)}")
    income_group: str | None = Field(None, description=f"one of {', '.join(IncomeGroup.values)} or empty")
    timezone: str | None = Field(None, description="IANA time zone, e.g. Asia/Tokyo")
    website: Website = Field(None, description="http(s) address")
    summary_en: str | None = None
    summary_ja: str | None = None
    published: Flag = Field(None, description="default true; only officers and administrators may change it")

    @field_validator("id", "name", "name_ja", "name_local", "parent", "summary_en", "summary_ja", mode="before")
    @classmethod
    def _text(cls, value: Any) -> str:
        return text(value)

    @field_validator("name_ja_reading", mode="before")
    @classmethod
    def _reading(cls, value: Any) -> str:
        reading = to_hiragana(text(value))
        if len(reading) > 200:
            raise ValueError(_("must be at most %(n)s characters") % {"n": 200})
        if not is_kana(reading):
            raise ValueError(_("must be written in kana (hiragana or katakana)"))
        return reading

    @field_validator("id")
    @classmethod
    def _external_id(cls, value: str | None) -> str | None:
        return (value or "")[:120] or None

    @field_validator("name", "name_ja", "name_local")
    @classmethod
    def _name(cls, value: str) -> str:
        if len(value) > 200:
            raise ValueError(_("must be at most %(n)s characters") % {"n": 200})
        return value

    @field_validator("slug", mode="before")
    @classmethod
    def _slug(cls, value: Any) -> str | None:
        slug = text(value)
        if slug and (not _SLUG.match(slug) or len(slug) > 120):
            raise ValueError(_("must be lowercase letters, digits and hyphens"))
        return slug or None

    @field_validator("level", mode="before")
    @classmethod
    def _level(cls, value: Any) -> str:
        level = (text(value) or Level.CITY).lower()
        if level not in Level.values:
            raise ValueError(_("must be one of %(values)s") % {"values": ", ".join(Level.values)})
        return level

    @field_validator(*NUMBERS, mode="before")
    @classmethod
    def _number(cls, value: Any, info) -> int | float | None:
        if blank(value):
            return None
        _model_field, integer, low, high = NUMBERS[info.field_name]
        return number(value, integer=integer, low=low, high=high)

    @field_validator("coastal", "published", mode="before")
    @classmethod
    def _flag(cls, value: Any) -> bool:
        return flag(value)

    @field_validator("hazards", mode="before")
    @classmethod
    def _hazards(cls, value: Any) -> list[str]:
        if blank(value):
            return []
        if isinstance(value, str):
            items = [part.strip().lower() for part in re.split(r"[;,|]", value) if part.strip()]
        elif isinstance(value, list):
            items = [str(part).strip().lower() for part in value]
        else:
            raise ValueError(_("must be a list of hazards"))
        bad = [item for item in items if item not in Hazard.values]
        if bad:
            raise ValueError(_("unknown hazard %(value)r; use %(values)s")
                             % {"value": bad[0], "values": ", ".join(Hazard.values)})
        return list(dict.fromkeys(items))

    @field_validator("income_group", mode="before")
    @classmethod
    def _income_group(cls, value: Any) -> str:
        group = text(value).upper()
        if group and group not in IncomeGroup.values:
            raise ValueError(_("must be one of %(values)s") % {"values": ", ".join(IncomeGroup.values)})
        return group

    @field_validator("timezone", mode="before")
    @classmethod
    def _timezone(cls, value: Any) -> str:
        zone = text(value)
        if zone and not is_zone(zone):
            raise ValueError(_("%(value)r is not an IANA time zone") % {"value": zone})
        return zone

    def values(self) -> dict[str, Any]:
        """The given fields as model values (``parent`` stays a reference for the caller to resolve)."""
        given = self.model_fields_set
        renamed = {"id": "external_id", "name": "name_en", "published": "is_published",
                   **{key: spec[0] for key, spec in NUMBERS.items()}}
        out: dict[str, Any] = {}
        for key in given - {"parent", "summary_en", "summary_ja"}:
            value = getattr(self, key)
            if key in ("name", "country", "slug") and not value:
                continue  # a blank name or country is an error the caller reports; a blank URL name is made
            out[renamed.get(key, key)] = value
        if given & {"summary_en", "summary_ja"}:
            out["summary"] = {language: getattr(self, f"summary_{language}") for language in ("en", "ja")
                              if getattr(self, f"summary_{language}")}
        return out


REQUIRED = ["name", "country"]
EXTRA_KEYS = {"needs", "expertise"}  # a profile's statements travel beside the place, not in it


def read_place(raw: Any) -> tuple[PlaceIn, set[str], ErrorCollector]:
    """The record's good fields as a PlaceIn, the keys it gave (good or bad), and every field's problem."""
    errors = ErrorCollector()
    if isinstance(raw, PlaceIn):
        return raw, set(raw.model_fields_set), errors
    data = {key: value for key, value in dict(raw).items() if key not in EXTRA_KEYS}
    try:
        return PlaceIn.model_validate(data), set(data), errors
    except PydanticError as exc:
        collect(exc, errors)
        bad = {str(item["loc"][0]) for item in exc.errors() if item.get("loc")}
        good = {key: value for key, value in data.items() if key not in bad}
        return PlaceIn.model_validate(good), set(data), errors


# --- needs and expertise -----------------------------------------------------------------------

def _scale(value: Any) -> int:
    try:
        whole = int(value)
        if isinstance(value, bool) or (str(whole) != str(value).strip() and not isinstance(value, int)):
            raise ValueError
    except (TypeError, ValueError):
        raise ValueError(_("must be a whole number from 1 to 5")) from None
    if not 1 <= whole <= 5:
        raise ValueError(_("must be from 1 to 5"))
    return whole


Scale = Annotated[int | None, BeforeValidator(_scale)]

class StatementIn(Input):
    """What a need and an expertise statement share; on an update only the given fields change."""

    theme: str | int | None = Field(None, description=(
        "theme code, e.g. from GET /themes; left out or null when no theme fits: the text is kept "
        "\"not yet tagged\", matched by its meaning, with suggested themes to confirm"))
    description: dict[str, str] | None = Field(None, description='text per language: {"en": "…", "ja": "…"}')
    evidence: list[str] | None = Field(None, description="http(s) links")

    @field_validator("theme", mode="before")
    @classmethod
    def _theme(cls, value: Any) -> str | int | None:
        """A theme's code (a Theme, or its id from a tagger, is taken too); None: not yet tagged."""
        if value is None:
            return None
        value = getattr(value, "code", value)
        return value if isinstance(value, int) and not isinstance(value, bool) else text(value)

    @field_validator("description", mode="before")
    @classmethod
    def _description(cls, value: Any) -> dict[str, str]:
        description = texts_by_language(value)
        if not description:
            raise ValueError(_("is required in at least one language"))
        if any(len(item) > 4000 for item in description.values()):
            raise ValueError(_("must be at most %(n)s characters") % {"n": 4000})
        return description

    @field_validator("evidence", mode="before")
    @classmethod
    def _evidence(cls, value: Any) -> list[str]:
        links = value or []
        if isinstance(links, str):
            links = [line.strip() for line in links.splitlines() if line.strip()]
        if not isinstance(links, list) or not all(isinstance(link, str) for link in links):
            raise ValueError(_("must be a list of web addresses"))
        for link in links:
            if not web_address(link):
                raise ValueError(_("%(value)r is not an http(s) address") % {"value": link})
        return list(links)

    @property
    def scale(self) -> str:
        return "priority" if isinstance(self, NeedIn) else "maturity"


class NeedIn(StatementIn):
    priority: Scale = Field(None, description="1 (low) to 5 (urgent); default 3")


class ExpertiseIn(StatementIn):
    maturity: Scale = Field(None, description="1 (emerging) to 5 (proven); default 3")


def statement_input(kind: str) -> type[StatementIn]:
    return {"need": NeedIn, "expertise": ExpertiseIn}[kind]


# --- organisations and contacts ----------------------------------------------------------------

class OrganisationIn(Input):
    slug: str | None = Field(None, description="URL name; made from the acronym or name when absent")
    name_en: Text(255, required=True) = None
    name_ja: Text(255) = None
    acronym: Text(30) = None
    org_type: str | None = Field(None, description="IATI OrganisationType code, e.g. 10 (government), "
                                                    "21 (international NGO)")
    country: Country = Field(None, description="ISO 3166-1 alpha-2, alpha-3 or English name")
    parent: str | None = Field(None, description="URL name of the parent organisation")
    place: str | None = Field(None, description="URL name or external id of the place")
    website: Website = Field(None, description="http(s) address")
    description: dict[str, str] | None = Field(None, description='text per language: {"en": "…", "ja": "…"}')

    @field_validator("parent", "place", mode="before")
    @classmethod
    def _reference(cls, value: Any) -> str:
        return text(getattr(value, "slug", value))

    @field_validator("slug", mode="before")
    @classmethod
    def _slug(cls, value: Any) -> str | None:
        return slugify(text(value)) or None

    @field_validator("org_type", mode="before")
    @classmethod
    def _org_type(cls, value: Any) -> str:
        from renkei.places.codelists import organisation_types

        code = text(value)
        if not code:
            raise ValueError(_("is required"))
        if code not in organisation_types():
            raise ValueError(_("%(value)r is not an IATI OrganisationType code") % {"value": code})
        return code

    @field_validator("description", mode="before")
    @classmethod
    def _description(cls, value: Any) -> dict[str, str]:
        if value is not None and not isinstance(value, (str, dict)):
            raise ValueError(_("must map language codes to text"))
        if isinstance(value, dict):
            value = {key: item for key, item in value.items() if isinstance(item, str)}
        return texts_by_language(value)


class ContactIn(Input):
    model_config = ConfigDict(arbitrary_types_allowed=True)

    name: Text(200, required=True) = None
    title: Text(200) = None
    organisation: Any = Field(None, description="the Organisation the person works for")
    place: Any = Field(None, description="the Place the person works for")
    email: str | None = None
    phone: str | None = None
    public_consent: bool | None = None

    @field_validator("email", "phone", mode="before")
    @classmethod
    def _text(cls, value: Any) -> str:
        return text(value)

    @field_validator("organisation", "place")
    @classmethod
    def _works_for(cls, value: Organisation | Place | None, info: ValidationInfo) -> Organisation | Place | None:
        from renkei.places.models import Organisation, Place

        if info.field_name == "organisation" and value is not None and not isinstance(value, Organisation):
            raise ValueError(_("must be an organisation"))
        if info.field_name == "place" and value is not None and not isinstance(value, Place):
            raise ValueError(_("must be a place"))
        return value

    @field_validator("public_consent", mode="before")
    @classmethod
    def _consent(cls, value: Any) -> bool:
        return bool(value)


# --- themes ------------------------------------------------------------------------------------

_THEME_CODE = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+)*")


class ThemeIn(Input):
    """A theme of the taxonomy; its code is its identity (it cannot change once made)."""

    code: str | None = Field(None, description="lowercase letters, digits, hyphens and underscores; "
                                               "cannot change later")
    parent: str | None = Field(None, description="code of the broader theme")
    name_en: str | None = None
    name_ja: str | None = None
    synonyms_en: list[str] | None = None
    synonyms_ja: list[str] | None = None
    dac_codes: list[str] | None = None
    sdg_targets: list[str] | None = None
    description_en: str | None = None
    description_ja: str | None = None
    related: list[str] | None = Field(None, description="codes of related themes (the relation is symmetric)")
    position: int | None = Field(None, description="order in lists (0 or more); default: after the last theme")

    @field_validator("code", "parent", "name_en", "name_ja", "description_en", "description_ja", mode="before")
    @classmethod
    def _text(cls, value: Any) -> str:
        return text(value)

    @field_validator("code")
    @classmethod
    def _code(cls, value: str) -> str:
        if not value:
            raise ValueError(_("is required"))
        if len(value) > 80 or not _THEME_CODE.fullmatch(value):
            raise ValueError(_("must be lowercase letters, digits, hyphens and underscores (at most 80)"))
        return value

    @field_validator("name_en", "name_ja")
    @classmethod
    def _name(cls, value: str) -> str:
        if not value:
            raise ValueError(_("is required"))
        if len(value) > 200:
            raise ValueError(_("must be at most %(n)s characters") % {"n": 200})
        return value

    @field_validator("synonyms_en", "synonyms_ja", "dac_codes", "sdg_targets", mode="before")
    @classmethod
    def _words(cls, value: Any) -> list[str]:
        value = value or []
        if not isinstance(value, list) or not all(
            isinstance(item, (str, int)) and not isinstance(item, bool) for item in value
        ):
            raise ValueError(_("must be a list of text"))
        return list(dict.fromkeys(word for word in (str(item).strip() for item in value) if word))

    @field_validator("related", mode="before")
    @classmethod
    def _related(cls, value: Any) -> list[str]:
        value = value or []
        if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
            raise ValueError(_("must be a list of theme codes"))
        return list(dict.fromkeys(code.strip() for code in value if code.strip()))

    @field_validator("position", mode="before")
    @classmethod
    def _position(cls, value: Any) -> int:
        if value is None:
            return 0
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(_("must be a whole number, 0 or more"))
        return value
