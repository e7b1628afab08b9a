"""Bilingual text: one shape everywhere, ``{"en": …, "ja": …}`` (other languages kept; ADR 0002)."""

from __future__ import annotations

from django.utils.translation import get_language

LANGUAGES = ("en", "ja")


def pick_language(texts: dict | None, language: str | None = None) -> str:
    """The text in the reader's language, else English, else any language we have."""
    if not texts:
        return ""
    if isinstance(texts, str):
        return texts
    language = (language or get_language() or "en")[:2]
    for key in (language, "en", "ja"):
        if texts.get(key):
            return texts[key]
    return next((value for value in texts.values() if value), "")


def texts(value: dict | None) -> dict[str, str]:
    """A bilingual text with both main languages present (empty when missing) and the others kept."""
    value = dict(value or {})
    return {"en": value.pop("en", "") or "", "ja": value.pop("ja", "") or "", **value}


def compact(value: dict | None) -> dict[str, str]:
    """The stored form: stripped, and without empty languages."""
    return {key: str(text).strip() for key, text in (value or {}).items() if text and str(text).strip()}
