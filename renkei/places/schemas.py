"""JSON shapes of the places API.

Place bodies are the exchange format of ``docs/data-formats.md`` (the keys of
``renkei/places/validation.py`` FIELDS): a record exported from the API imports again, and the
other way round. Their numbers, booleans and hazards go to that validator as they came, exactly
as a JSON import file's would (``"1,500,000"``, ``"yes"``, ``"flood;tsunami"``), so the API,
the importer and the forms accept the same values and fail with the same message naming the same
field. The bodies are the services' typed inputs (``places/inputs.py``), so the checks that need no
database run while the body is read; the services check the rest (a known theme, a free slug).
Unknown keys are refused everywhere, so a misspelt field is a 422 naming it rather than a silent
no-op. The error format and pages of a list are core's (``core/schemas.py``).
"""


from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema

from renkei.core.schemas import ErrorDetail, ErrorOut, Page, PageQuery  # noqa: F401 - still importable from here
from renkei.places.inputs import Country, ExpertiseIn, NeedIn, OrganisationIn, PlaceIn, Text, ThemeIn
from renkei.places.models import Level


def _texts(value: dict | None) -> dict[str, str]:
    """A bilingual text with both main languages always present (other languages kept)."""
    value = dict(value or {})
    return {"en": value.pop("en", ""), "ja": value.pop("ja", ""), **value}


# --- contacts -----------------------------------------------------------------------------------

def _contacts_of(kind: str):
    """The resolver of a ``contacts`` field: what the reader may see of a place's or an organisation's."""

    def resolve(obj, context) -> list:
        from renkei.places.selectors import contacts_for

        return contacts_for(viewer=context["request"].user, **{kind: obj})

    return staticmethod(resolve)


class ContactOut(Schema):
    name: str
    title: str
    organisation: str
    email: str | None = Field(description="only for signed-in users with a role")
    phone: str | None = Field(description="only for signed-in users with a role")


# --- needs and expertise ------------------------------------------------------------------------

class _StatementOut(Schema):
    updated_at: datetime
    id: int
    place: str = Field(description="the place's URL name (slug)")
    theme: str | None = Field(description="theme code; null when the text is not yet tagged (no theme fits yet)")
    theme_name: str | None
    suggested_themes: list[str] = Field(
        description="for a statement not yet tagged: codes of the themes its text is closest to, best first")
    description: dict[str, str] = Field(description="text per language: en, ja, …")
    evidence: list[str] = Field(description="links (http/https) backing the statement")
    version: int = Field(description="also the ETag; send it as If-Match on PATCH or DELETE (412 when stale)")

    @staticmethod
    def resolve_place(obj) -> str:
        return obj.place.slug

    @staticmethod
    def resolve_theme(obj) -> str | None:
        return obj.theme.code if obj.theme_id else None

    @staticmethod
    def resolve_theme_name(obj) -> str | None:
        return obj.theme.name if obj.theme_id else None

    @staticmethod
    def resolve_suggested_themes(obj) -> list[str]:
        return [] if obj.theme_id else list(obj.suggested_themes or [])

    @staticmethod
    def resolve_description(obj) -> dict[str, str]:
        return _texts(obj.description)

    @staticmethod
    def resolve_evidence(obj) -> list[str]:
        return list(obj.evidence or [])


class NeedOut(_StatementOut):
    priority: int = Field(description="1 (low) to 5 (urgent)")


class ExpertiseOut(_StatementOut):
    maturity: int = Field(description="1 (emerging) to 5 (proven, documented, transferable)")


class NeedCreate(NeedIn):
    description: dict[str, str] = Field(description='text per language: {"en": "…", "ja": "…"}')


class NeedPatch(NeedIn):
    """Send only the fields to change."""


class ExpertiseCreate(ExpertiseIn):
    description: dict[str, str] = Field(description='text per language: {"en": "…", "ja": "…"}')


class ExpertisePatch(ExpertiseIn):
    """Send only the fields to change."""


class StatementQuery(PageQuery):
    place: str | None = Field(None, description="a place's URL name (slug)")
    theme: str | None = Field(None, description="theme code; also matches its sub-themes")
    tagged: bool | None = Field(None, description="false: only statements not yet tagged (no theme fits yet); "
                                                  "true: only those with a theme")


class NeedPage(Page[NeedOut]):
    pass


class ExpertisePage(Page[ExpertiseOut]):
    pass


# --- places -------------------------------------------------------------------------------------

class PlaceOut(Schema):
    updated_at: datetime
    id: str | None = Field(description="external id (e.g. a GeoNames or national code)")
    slug: str = Field(description="URL name; read-only after creation unless sent explicitly")
    level: str = Field(json_schema_extra={"enum": Level.values})
    name: str = Field(description="name in English")
    name_ja: str
    name_ja_reading: str = Field(description="reading of the Japanese name in hiragana; places are sorted by it "
                                 "in Japanese")
    name_local: str
    country: str = Field(description="ISO 3166-1 alpha-2")
    parent: str | None = Field(description="URL name (slug) of the place this one is part of")
    lat: float | None
    lon: float | None
    population: int | None
    population_year: int | None
    area_km2: float | None
    share_65_plus: float | None = Field(description="population aged 65+ (%)")
    population_growth: float | None = Field(description="annual population growth (%)")
    coastal: bool
    hazards: list[str]
    income_group: str = Field(description="World Bank income group: LIC, LMC, UMC, HIC or empty")
    timezone: str
    website: str
    version: int = Field(description="also the ETag; send it as If-Match on PATCH or DELETE (412 when stale)")
    summary_en: str
    summary_ja: str
    published: bool
    version: int = Field(description="send it back on PATCH to detect concurrent edits (409)")
    url: str = Field(description="the place's web page")

    @staticmethod
    def resolve_id(obj) -> str | None:
        return obj.external_id

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.name_en

    @staticmethod
    def resolve_parent(obj) -> str | None:
        return obj.parent.slug if obj.parent_id else None

    @staticmethod
    def resolve_lat(obj) -> float | None:
        return obj.latitude

    @staticmethod
    def resolve_lon(obj) -> float | None:
        return obj.longitude

    @staticmethod
    def resolve_hazards(obj) -> list[str]:
        return list(obj.hazards or [])

    @staticmethod
    def resolve_summary_en(obj) -> str:
        return (obj.summary or {}).get("en", "")

    @staticmethod
    def resolve_summary_ja(obj) -> str:
        return (obj.summary or {}).get("ja", "")

    @staticmethod
    def resolve_published(obj) -> bool:
        return obj.is_published

    @staticmethod
    def resolve_url(obj) -> str:
        return f"/places/{obj.slug}/"


class PlaceDetail(PlaceOut):
    needs: list[NeedOut]
    expertise: list[ExpertiseOut]
    contacts: list[ContactOut] = Field(description="e-mail and phone only for signed-in users with a role")

    @staticmethod
    def resolve_needs(obj) -> list:
        return list(obj.needs.all())

    @staticmethod
    def resolve_expertise(obj) -> list:
        return list(obj.expertise.all())

    resolve_contacts = _contacts_of("place")


class PlacePage(Page[PlaceOut]):
    pass


class PlaceQuery(PageQuery):
    q: str | None = Field(None, description="words in the name (any language), URL name or external id")
    country: str | None = Field(None, description="ISO 3166-1 alpha-2 (alpha-3 and English names accepted)")
    level: str | None = Field(None, description=f"one of {', '.join(Level.values)}")
    theme: str | None = Field(None, description="theme code: places with a need or expertise in it or below it")
    min_population: int | None = Field(None, ge=0)
    max_population: int | None = Field(None, ge=0)


class PlaceCreate(PlaceIn):
    """The exchange format (docs/data-formats.md) as JSON: values as in a JSON import file."""

    name: str = Field(description="name in English")
    country: Country = Field(description="ISO 3166-1 alpha-2, alpha-3 or English name")


class PlacePatch(PlaceIn):
    version: int | None = Field(None, description="the version you read; a newer stored version gives 409")


# --- organisations ------------------------------------------------------------------------------

class OrganisationOut(Schema):
    updated_at: datetime
    slug: str
    name_en: str
    name_ja: str
    acronym: str
    org_type: str = Field(description="IATI OrganisationType code")
    org_type_name: str
    country: str
    parent: str | None = Field(description="URL name of the parent organisation")
    place: str | None = Field(description="URL name of the place it belongs to")
    website: str
    description: dict[str, str]

    @staticmethod
    def resolve_org_type_name(obj) -> str:
        from renkei.places.codelists import organisation_types

        return organisation_types().get(obj.org_type, "")

    @staticmethod
    def resolve_parent(obj) -> str | None:
        return obj.parent.slug if obj.parent_id else None

    @staticmethod
    def resolve_place(obj) -> str | None:
        return obj.place.slug if obj.place_id else None

    @staticmethod
    def resolve_description(obj) -> dict[str, str]:
        return _texts(obj.description)


class OrganisationDetail(OrganisationOut):
    contacts: list[ContactOut] = Field(description="e-mail and phone only for signed-in users with a role")

    resolve_contacts = _contacts_of("organisation")


class OrganisationPage(Page[OrganisationOut]):
    pass


class OrganisationQuery(PageQuery):
    q: str | None = Field(None, description="words in the name or acronym")
    type: str | None = Field(None, description="IATI OrganisationType code")
    country: str | None = Field(None, description="ISO 3166-1 alpha-2")


class OrganisationCreate(OrganisationIn):
    name_en: Text(255, required=True) = Field(description="name in English")
    org_type: str = Field(description="IATI OrganisationType code, e.g. 10 (government), 21 (international NGO)")


class OrganisationPatch(OrganisationIn):
    pass


# --- themes -------------------------------------------------------------------------------------

class ThemeRef(Schema):
    code: str
    name_en: str
    name_ja: str


class ThemeOut(Schema):
    updated_at: datetime
    code: str
    parent: str | None = Field(description="code of the broader theme")
    name: str = Field(description="name in the reader's language")
    name_en: str
    name_ja: str
    synonyms_en: list[str]
    synonyms_ja: list[str]
    dac_codes: list[str] = Field(description="OECD DAC (IATI Sector) codes")
    sdg_targets: list[str]
    description_en: str
    description_ja: str
    position: int

    @staticmethod
    def resolve_parent(obj) -> str | None:
        return obj.parent.code if obj.parent_id else None

    @staticmethod
    def resolve_dac_codes(obj) -> list[str]:
        return [str(code) for code in obj.dac_codes or []]

    @staticmethod
    def resolve_sdg_targets(obj) -> list[str]:
        return [str(code) for code in obj.sdg_targets or []]


class ThemeDetail(ThemeOut):
    children: list[ThemeRef]
    related: list[ThemeRef]

    @staticmethod
    def resolve_children(obj) -> list:
        return sorted(obj.children.all(), key=lambda t: (t.position, t.code))

    @staticmethod
    def resolve_related(obj) -> list:
        return sorted(obj.related.all(), key=lambda t: (t.position, t.code))


class ThemePage(Page[ThemeOut]):
    pass


class ThemeQuery(PageQuery):
    q: str | None = Field(None, description="words in the code or name")
    parent: str | None = Field(None, description="code of the broader theme; empty for the top level")
    page_size: int = Field(200, ge=1, le=200, description="items per page, at most 200 (the whole taxonomy fits)")


class ThemeCreate(ThemeIn):
    code: str = Field(description="lowercase letters, digits, hyphens and underscores; cannot change later")
    name_en: str
    name_ja: str


class ThemePatch(ThemeIn):
    code: str | None = Field(None, description="cannot change; accepted only if equal to the current code")
