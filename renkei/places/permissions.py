"""Who may see and change places, organisations, themes and contacts.

Services call these before they write; selectors call them to decide what a viewer sees.
"""

from __future__ import annotations

from renkei.accounts.models import Role
from renkei.accounts.permissions import has_any_role, has_role, represented_place_ids

EDITORS = (Role.ADMINISTRATOR, Role.PROGRAMME_OFFICER)


def can_create_place(user) -> bool:
    return has_role(user, *EDITORS)


def can_edit_place(user, place) -> bool:
    if place is None:
        return False
    return has_role(user, *EDITORS) or place.pk in represented_place_ids(user)


def can_delete_place(user) -> bool:
    return has_role(user, Role.ADMINISTRATOR)


def can_view_place(user, place) -> bool:
    return place.is_published or can_edit_place(user, place)


def can_manage_organisations(user) -> bool:
    return has_role(user, Role.ADMINISTRATOR, Role.PROGRAMME_OFFICER, Role.NETWORK_SECRETARIAT)


def can_delete_organisation(user) -> bool:
    return has_role(user, Role.ADMINISTRATOR)


def can_manage_themes(user) -> bool:
    return has_role(user, Role.ADMINISTRATOR)


def can_see_private_contacts(user) -> bool:
    return has_any_role(user)


def can_import(user) -> bool:
    return has_role(user, *EDITORS)
