"""What the IATI settings service takes, shared by the API, the settings page and the admin."""

from __future__ import annotations

import re
from typing import Annotated, Any

from django.utils.translation import gettext as _
from pydantic import BeforeValidator, Field, field_validator

from renkei.core.inputs import Input, reject_nul
from renkei.iati import codelists

Text = Annotated[str, BeforeValidator(reject_nul)]
# letters, digits and the separators IATI allows: no spaces, slashes, question marks or ampersands
IDENTIFIER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]*$")


def _coded(name: str):
    def check(value: Any) -> Any:
        if value is not None and not codelists.is_valid(name, str(value)):
            raise ValueError(_("%(value)r is not an IATI %(list)s code") % {"value": value, "list": name})
        return value
    return check


class SettingsIn(Input):
    """An edit of the publishing settings: only the fields given are written."""

    reporting_organisation: str | None = Field(None, description="the slug of the reporting organisation; "
                                                                 "empty clears it")
    organisation_identifier: Text | None = Field(None, max_length=100, description="IATI organisation identifier")
    collaboration_type: Annotated[str | None, BeforeValidator(_coded("CollaborationType"))] = None
    aid_type: Annotated[str | None, BeforeValidator(_coded("AidType"))] = None
    flow_type: Annotated[str | None, BeforeValidator(_coded("FlowType"))] = None
    finance_type: Annotated[str | None, BeforeValidator(_coded("FinanceType"))] = None
    currency: Annotated[str | None, BeforeValidator(_coded("Currency"))] = None
    language: Annotated[str | None, BeforeValidator(_coded("Language"))] = None
    site_address: Text | None = Field(None, max_length=200, description="http(s) address of this site")

    @field_validator("reporting_organisation", mode="before")
    @classmethod
    def _organisation(cls, value: Any) -> Any:
        value = getattr(value, "slug", value)
        return reject_nul(value) or None if isinstance(value, str) else value

    @field_validator("organisation_identifier")
    @classmethod
    def _identifier(cls, value: str | None) -> str | None:
        if value and not IDENTIFIER.match(value):
            raise ValueError(_("use letters, digits, hyphens, dots and colons only (no spaces or slashes)"))
        return value

    @field_validator("collaboration_type", "aid_type", "flow_type", "finance_type", "currency", "language")
    @classmethod
    def _given(cls, value: str | None) -> str | None:
        if value is None:
            raise ValueError(_("is required"))
        return value

    @field_validator("site_address")
    @classmethod
    def _address(cls, value: str | None) -> str | None:
        if value and not re.match(r"^https?://[^\s/?#]+(/[^\s?#]*)?$", value):
            raise ValueError(_("must be a web address starting with http:// or https://"))
        return (value or "").rstrip("/")
