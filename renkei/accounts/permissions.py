"""Role checks shared by every app. Domain rules (who may edit a place) live beside the domain."""

from __future__ import annotations

from renkei.accounts.models import Role


def roles_of(user) -> frozenset[str]:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    return user.role_set


def has_role(user, *roles: str) -> bool:
    return bool(roles_of(user) & set(roles))


def is_administrator(user) -> bool:
    return has_role(user, Role.ADMINISTRATOR)


def has_any_role(user) -> bool:
    """Signed in *and* holding a role: the bar for seeing private contact data."""
    return bool(roles_of(user))


# The order a person's roles are named in (the header, the start page's sections).
ROLE_ORDER = (Role.FOCAL_POINT, Role.PROGRAMME_OFFICER, Role.REVIEWER, Role.KNOWLEDGE_MANAGER, Role.EVALUATOR,
              Role.NETWORK_SECRETARIAT, Role.ADMINISTRATOR)


def role_names(user) -> list[str]:
    """The roles the user holds, named in the active language, in ROLE_ORDER."""
    held = roles_of(user)
    return [str(role.label) for role in ROLE_ORDER if role in held]


def represented_place_ids(user) -> frozenset[int]:
    if not has_role(user, Role.FOCAL_POINT):
        return frozenset()
    cached = getattr(user, "_represented_cache", None)
    if cached is None:
        cached = frozenset(user.represented_places.values_list("place_id", flat=True))
        user._represented_cache = cached
    return cached


class _System:
    """The actor for trusted batch work (demo loading, imports run from a shell on the server)."""

    is_authenticated = True
    is_active = True
    is_superuser = True
    pk = None
    role_set = frozenset({Role.ADMINISTRATOR})

    def __str__(self) -> str:
        return "system"


SYSTEM = _System()
