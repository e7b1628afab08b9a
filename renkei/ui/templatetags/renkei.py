"""Template filters every app's pages may use ({% load renkei %}); filters about places are in
the places app ({% load places %})."""

from django import template
from django.utils.translation import get_language

from renkei.core.text import pick_language
from renkei.ui import exports
from renkei.ui.charts import csv_url

register = template.Library()


@register.filter
def people(value) -> str:
    """31000 → "31,000" in English, "3.1万" in Japanese (how a Japanese reader says it)."""
    if value is None or value == "":
        return "—"
    value = int(value)
    if (get_language() or "en").startswith("ja") and value >= 10_000:
        if value >= 100_000_000:
            return f"{value / 100_000_000:.1f}億".replace(".0億", "億")
        return f"{value / 10_000:,.1f}万".replace(".0万", "万")
    return f"{value:,}"


@register.filter
def measure(value, decimals: int = 3) -> str:
    """A measured value with at most ``decimals`` decimals and no trailing zeros: 54.5, not 54.500
    (which reads as fifty-four thousand in much of Europe); thousands separated: 12,345.25."""
    if value is None or value == "":
        return "—"
    text = f"{float(value):,.{int(decimals)}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


@register.filter
def scale(value) -> range:
    return range(1, 6)


@register.filter
def lang_text(texts: dict) -> str:
    return pick_language(texts)


@register.filter
def get_item(mapping: dict, key):
    return mapping.get(key, key)


@register.filter
def other_name(obj) -> str:
    """The name in the other interface language (English beside Japanese, and the reverse),
    or "" when it is missing or the same."""
    japanese = (get_language() or "en").startswith("ja")
    other = getattr(obj, "name_en", "") if japanese else getattr(obj, "name_ja", "")
    return other if other and other != getattr(obj, "name", "") else ""


@register.filter
def audit_value(value) -> str:
    """A value from an audit entry's changes, short and readable."""
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if isinstance(value, dict):
        return " / ".join(f"{k}: {v}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


@register.simple_tag(takes_context=True)
def chart_csv_url(context, chart) -> str:
    """The address of a chart's CSV download (`ui.charts.chart_csv_response` answers it)."""
    return csv_url(context["request"], chart)


@register.simple_tag(takes_context=True)
def download_url(context, format: str) -> str:
    """This page's address, filters kept, asking for its list as a file (`ui.exports.download_response`)."""
    return exports.download_url(context["request"], format)
