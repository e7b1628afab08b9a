"""Who may see and change a place's connected people: its focal points and administrators only.
Everyone else, signed in or not, sees the protected aggregates."""

from __future__ import annotations

from renkei.accounts.models import Role
from renkei.accounts.permissions import has_role, represented_place_ids


def can_manage_people(user, place) -> bool:
    """See individual records, add, edit, import, export and erase them, set the retention rule."""
    if place is None or not getattr(user, "is_authenticated", False):
        return False
    return has_role(user, Role.ADMINISTRATOR) or place.pk in represented_place_ids(user)
