"""Who may do what with indicators, values and peer groups.

Values are public statistics: anyone, visitors included, sees the values of the places they may see.
Administrators and programme officers enter values for any place and keep the catalogue (custom
indicators); a city focal point enters values for the places they represent. Peer groups are saved
by signed-in users with a role; their owner (and administrators) change them; a shared group is
visible to everyone, a private one to its owner and administrators."""

from __future__ import annotations

from typing import TYPE_CHECKING

from renkei.accounts.models import Role
from renkei.accounts.permissions import has_any_role, has_role, represented_place_ids

if TYPE_CHECKING:
    from renkei.indicators.models import PeerGroup
    from renkei.places.models import Place

OFFICERS = (Role.ADMINISTRATOR, Role.PROGRAMME_OFFICER)


def can_manage_catalogue(user) -> bool:
    return has_role(user, *OFFICERS)


def can_enter_values(user, place: Place) -> bool:
    return has_role(user, *OFFICERS) or place.pk in represented_place_ids(user)


def can_enter_any_values(user) -> bool:
    """Whether the user may enter values for some place (the import page and the form are offered)."""
    return has_role(user, *OFFICERS) or bool(represented_place_ids(user))


def can_save_peer_groups(user) -> bool:
    return has_any_role(user)


def can_change_peer_group(user, group: PeerGroup) -> bool:
    if has_role(user, Role.ADMINISTRATOR):
        return True
    return getattr(user, "pk", None) is not None and group.owner_id == user.pk and has_any_role(user)
