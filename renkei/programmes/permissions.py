"""Who may do what with programmes, calls and applications."""

from __future__ import annotations

from typing import TYPE_CHECKING

from renkei.accounts.models import Role
from renkei.accounts.permissions import has_role, represented_place_ids

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from renkei.accounts.models import User
    from renkei.places.models import Place
    from renkei.programmes.models import Programme


def can_manage_programme(user: User | AnonymousUser, programme: Programme) -> bool:
    """Administrators, and programme officers named on the programme (any officer when none is named)."""
    if has_role(user, Role.ADMINISTRATOR):
        return True
    if not has_role(user, Role.PROGRAMME_OFFICER):
        return False
    officer_ids = set(programme.officers.values_list("pk", flat=True)) if programme.pk else set()
    return not officer_ids or user.pk in officer_ids


def can_create_programme(user: User | AnonymousUser) -> bool:
    return has_role(user, Role.ADMINISTRATOR, Role.PROGRAMME_OFFICER)


def can_apply_for(user: User | AnonymousUser, place: Place) -> bool:
    return place.pk in represented_place_ids(user) or has_role(user, Role.ADMINISTRATOR)
