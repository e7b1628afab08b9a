"""URL names (slugs) that are free, readable and fit their column on every database."""

from __future__ import annotations

from django.utils.text import slugify


def unique_slug(model, base: str, *, exclude_pk=None, fallback: str = "item", field: str = "slug") -> str:
    """``base`` slugified, cut to leave room for a ``-N`` suffix, made unique among ``model`` rows."""
    max_length = model._meta.get_field(field).max_length or 120
    base = (slugify(base) or fallback)[: max_length - 10].strip("-") or fallback
    candidate, n = base, 1
    qs = model.objects.all() if exclude_pk is None else model.objects.exclude(pk=exclude_pk)
    while qs.filter(**{field: candidate}).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate
