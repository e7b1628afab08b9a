"""Interface labels for codes whose names come from outside Django's translation catalogue.

The IATI OrganisationType codelist ships English names only; the web pages show these labels so
that a Japanese reader sees Japanese, and fall back to the codelist for a code added later.
"""

from __future__ import annotations

import pycountry
from django.utils.translation import gettext_lazy as _

from renkei.places.codelists import organisation_types
from renkei.places.validation import country_label

ORGANISATION_TYPES = {
    "10": _("Government"),
    "11": _("Local government"),
    "15": _("Other public sector"),
    "21": _("International NGO"),
    "22": _("National NGO"),
    "23": _("Regional NGO"),
    "24": _("Partner-country NGO"),
    "30": _("Public–private partnership"),
    "40": _("Multilateral"),
    "60": _("Foundation"),
    "70": _("Private sector"),
    "71": _("Private sector in provider country"),
    "72": _("Private sector in recipient country"),
    "73": _("Private sector in third country"),
    "80": _("Academic, training and research"),
    "90": _("Other"),
}


def organisation_type_label(code: str) -> str:
    if not code:
        return ""
    label = ORGANISATION_TYPES.get(code)
    return str(label) if label is not None else organisation_types().get(code, code)


def organisation_type_choices() -> list[tuple[str, str]]:
    return [(code, organisation_type_label(code)) for code in organisation_types()]


def all_country_choices() -> list[tuple[str, str]]:
    """Every ISO 3166-1 country, named and sorted in the reader's language."""
    choices = [(c.alpha_2, country_label(c.alpha_2)) for c in pycountry.countries]
    return sorted(choices, key=lambda item: item[1].casefold())


def country_numeric(code: str) -> str:
    """ISO 3166-1 numeric code (the id of a country in the Natural Earth map), or ""."""
    country = pycountry.countries.get(alpha_2=code) if code else None
    return country.numeric if country else ""
