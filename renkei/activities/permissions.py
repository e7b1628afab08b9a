"""Who may run learning activities."""

from __future__ import annotations

from typing import TYPE_CHECKING

from renkei.accounts.models import Role
from renkei.accounts.permissions import has_role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from renkei.accounts.models import User
    from renkei.activities.models import Activity

ORGANISERS = (Role.ADMINISTRATOR, Role.PROGRAMME_OFFICER, Role.FOCAL_POINT, Role.NETWORK_SECRETARIAT)


def can_create_activity(user: User | AnonymousUser) -> bool:
    return has_role(user, *ORGANISERS)


def can_manage_activity(user: User | AnonymousUser, activity: Activity) -> bool:
    """Administrators and programme officers; for an activity of a partnership, the people who manage
    that partnership (its members' focal points); for a free-standing one, whoever may create one."""
    if has_role(user, Role.ADMINISTRATOR, Role.PROGRAMME_OFFICER):
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    if activity.partnership_id:
        from renkei.partnerships.services import can_manage

        return can_manage(user, activity.partnership)
    return has_role(user, Role.FOCAL_POINT, Role.NETWORK_SECRETARIAT)
