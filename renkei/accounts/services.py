from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from renkei.accounts.models import ApiToken, PlaceRepresentation, Role, RoleGrant, User
from renkei.core.errors import ApplicationError


@transaction.atomic
def user_create(
    *, username: str, password: str | None = None, email: str = "", roles: list[str] = (), places=(),
    display_name: str = "",
) -> User:
    if User.objects.filter(username=username).exists():
        raise ApplicationError(f"A user named {username!r} already exists.", field="username")
    unknown = set(roles) - set(Role.values)
    if unknown:
        raise ApplicationError(f"Unknown role(s): {', '.join(sorted(unknown))}.", field="roles")
    user = User(username=username, email=email, display_name=display_name)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.is_staff = Role.ADMINISTRATOR in roles
    user.save()
    for role in roles:
        RoleGrant.objects.create(user=user, role=role)
    for place in places:
        PlaceRepresentation.objects.create(user=user, place=place)
    return user


def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Returns the token and its raw value; the raw value is shown once and never stored."""
    raw = ApiToken.generate()
    token = ApiToken.objects.create(user=user, name=name, digest=ApiToken.hash(raw), prefix=raw[3:11])
    return token, raw


def api_token_authenticate(raw: str) -> User | None:
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=ApiToken.hash(raw), revoked=False, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user


def api_token_revoke(*, token: ApiToken) -> bool:
    """Revoke a token; False if it already was."""
    return bool(ApiToken.objects.filter(pk=token.pk, revoked=False).update(revoked=True))
