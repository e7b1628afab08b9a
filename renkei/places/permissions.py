"""Who may see and change places, organisations, themes and contacts.

Services call these before they write; selectors call them to decide what a viewer sees.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from renkei.accounts.models import Role
from renkei.accounts.permissions import has_any_role, has_role, represented_place_ids

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from renkei.accounts.models import User
    from renkei.places.models import Place

    Actor = User | AnonymousUser

EDITORS = (Role.ADMINISTRATOR, Role.PROGRAMME_OFFICER)


def can_create_place(user: Actor) -> bool:
    return has_role(user, *EDITORS)


def can_edit_place(user: Actor, place: Place | None) -> bool:
    if place is None:
        return False
    return has_role(user, *EDITORS) or place.pk in represented_place_ids(user)


def can_delete_place(user: Actor) -> bool:
    return has_role(user, Role.ADMINISTRATOR)


def can_view_place(user: Actor, place: Place) -> bool:
    return place.is_published or can_edit_place(user, place)


def can_manage_organisations(user: Actor) -> bool:
    return has_role(user, Role.ADMINISTRATOR, Role.PROGRAMME_OFFICER, Role.NETWORK_SECRETARIAT)


def can_delete_organisation(user: Actor) -> bool:
    return has_role(user, Role.ADMINISTRATOR)


def can_manage_themes(user: Actor) -> bool:
    return has_role(user, Role.ADMINISTRATOR)


def can_see_private_contacts(user: Actor) -> bool:
    return has_any_role(user)


def can_import(user: Actor) -> bool:
    return has_role(user, *EDITORS)
