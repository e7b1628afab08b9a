"""The IATI app's API schemas."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Field, Schema

from renkei.core.schemas import Page
from renkei.iati.inputs import SettingsIn


class SettingsOut(Schema):
    reporting_organisation: str | None = Field(None, description="the reporting organisation's slug")
    organisation_identifier: str
    collaboration_type: str
    aid_type: str
    flow_type: str
    finance_type: str
    currency: str
    language: str
    site_address: str
    version: int
    activities_url: str = Field(description="the published activity file")
    organisation_url: str = Field(description="the published organisation file")

    @staticmethod
    def resolve_reporting_organisation(obj) -> str | None:
        return obj.reporting_organisation.slug if obj.reporting_organisation_id else None


class SettingsPatch(SettingsIn):
    version: int | None = Field(None, description="the version you read (409 if changed meanwhile)")


class SkippedOut(Schema):
    kind: str = Field(description="partnership or programme")
    slug: str
    title: str
    identifier: str = Field(description="the IATI identifier it would have")
    reasons: list[str]
    updated_at: datetime | None = Field(None, description="when the partnership or programme last changed")


class SkippedPage(Page[SkippedOut]):
    pass


class IatiDocumentOut(Schema):
    id: int
    partnership: str | None = Field(None, description="the partnership's URL name")
    programme: str | None = Field(None, description="the programme's URL name")
    url: str
    format: str = Field(description="the media type, e.g. application/pdf")
    title: dict[str, str] = Field(description="text per language")
    categories: list[str] = Field(description="IATI DocumentCategory codes")
    languages: list[str]
    document_date: date | None
    source: str = Field(description="the IATI identifier of the activity it was imported with")
    updated_at: datetime

    @staticmethod
    def resolve_partnership(obj) -> str | None:
        return obj.partnership.slug if obj.partnership_id else None

    @staticmethod
    def resolve_programme(obj) -> str | None:
        return obj.programme.slug if obj.programme_id else None


class IatiDocumentPage(Page[IatiDocumentOut]):
    pass
