"""Template filters naming the codes of places and organisations in the reader's language
({% load places %})."""

from django import template
from django.db.models import Count, Max

from renkei.core.cache import refreshed
from renkei.places.labels import organisation_type_label
from renkei.places.models import Hazard, IncomeGroup, Level, Theme
from renkei.places.validation import country_label

register = template.Library()


@register.filter
def country_name(code: str) -> str:
    return country_label(code) if code else ""


@register.filter
def hazard_label(code: str) -> str:
    return dict(Hazard.choices).get(code, code)


@register.filter
def level_label(code: str) -> str:
    return dict(Level.choices).get(code, code)


@register.filter
def income_label(code: str) -> str:
    return dict(IncomeGroup.choices).get(code, code)


@register.filter
def org_type(code: str) -> str:
    return organisation_type_label(code)


@register.filter
def suggested(codes) -> list[Theme]:
    """The themes of a list of theme codes (a statement's suggestions), in that order; unknown codes
    (a theme removed since) are left out."""
    if not codes:
        return []
    found = refreshed("places.themes-by-code", _theme_signature, lambda: {t.code: t for t in Theme.objects.all()})
    return [found[code] for code in codes if code in found]


def _theme_signature() -> tuple:
    return tuple(Theme.objects.aggregate(n=Count("id"), last=Max("id"), edited=Max("updated_at")).values())
