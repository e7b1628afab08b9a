"""``renkei token``: API tokens for the JSON API.

    renkei token create USERNAME [--name NAME]   prints the new raw token, once
    renkei token list USERNAME                   prefix, name, created, last used, state
    renkei token revoke PREFIX                   the 8-character prefix that list shows (or the whole token)

Only a digest of each token is stored, so a lost token cannot be shown again: revoke it and
create a new one. ``create`` writes the raw token alone on standard output, so scripts can
capture it (``TOKEN=$(renkei token create alice --name ci)``); the advice goes to standard error.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from renkei.accounts.models import ApiToken, User
from renkei.accounts.services import api_token_create, api_token_revoke

PREFIX_LENGTH = 8


def _user(username: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"No user named {username!r}.")
    return user


def _token_for(ref: str) -> ApiToken:
    """The token a prefix (``abcd1234``, ``rk_abcd1234``) or a whole raw token names."""
    ref = ref.strip()
    if ref.startswith("rk_") and len(ref) > 3 + PREFIX_LENGTH:
        token = ApiToken.objects.select_related("user").filter(digest=ApiToken.hash(ref)).first()
        if token is None:
            raise CommandError("No token matches that value.")
        return token
    prefix = ref[3:] if ref.startswith("rk_") and len(ref) == 3 + PREFIX_LENGTH else ref
    if len(prefix) != PREFIX_LENGTH:
        raise CommandError(f"A token prefix has {PREFIX_LENGTH} characters (see `renkei token list USERNAME`).")
    matches = list(ApiToken.objects.select_related("user").filter(prefix=prefix).order_by("revoked", "-created_at"))
    if not matches:
        raise CommandError(f"No token with prefix {prefix!r}.")
    active = [token for token in matches if not token.revoked]
    if len(active) > 1:
        owners = ", ".join(sorted({token.user.username for token in active}))
        raise CommandError(f"{len(active)} active tokens share the prefix {prefix!r} ({owners}); pass the whole token.")
    return (active or matches)[0]


class Command(BaseCommand):
    help = "Create, list and revoke API tokens (Authorization: Bearer <token>)."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", metavar="{create,list,revoke}", required=True)
        create = actions.add_parser("create", help="Create a token for a user and print it once.")
        create.add_argument("username")
        create.add_argument("--name", default="command line", help="What the token is for (default: command line).")
        listing = actions.add_parser("list", help="List a user's tokens.")
        listing.add_argument("username")
        revoke = actions.add_parser("revoke", help="Revoke a token by its prefix.")
        revoke.add_argument("prefix", help=f"the {PREFIX_LENGTH}-character prefix shown by `list`, or the whole token")

    def handle(self, *args, action, **options):
        getattr(self, f"_{action}")(**options)

    def _create(self, *, username, name, **options):
        user = _user(username)
        name = name.strip()
        if not name or len(name) > 100:
            raise CommandError("--name must have 1 to 100 characters.")
        if not user.is_active:
            self.stderr.write(f"Warning: {user.username} is inactive; the token will not work until reactivated.")
        token, raw = api_token_create(user=user, name=name)
        self.stdout.write(raw)
        self.stderr.write(
            f"Token {token.name!r} ({token.prefix}) for {user.username}. It is shown only this once: store it now. "
            f"Revoke it with `renkei token revoke {token.prefix}`."
        )

    def _list(self, *, username, **options):
        user = _user(username)
        tokens = list(user.api_tokens.order_by("-created_at", "-id"))
        if not tokens:
            self.stdout.write(f"{user.username} has no API tokens.")
            return
        self.stdout.write(f"{'PREFIX':<10}{'CREATED':<18}{'LAST USED':<18}{'STATE':<9}NAME")
        for token in tokens:
            created = timezone.localtime(token.created_at).strftime("%Y-%m-%d %H:%M")
            used = timezone.localtime(token.last_used_at).strftime("%Y-%m-%d %H:%M") if token.last_used_at else "never"
            state = "revoked" if token.revoked else "active"
            self.stdout.write(f"{token.prefix:<10}{created:<18}{used:<18}{state:<9}{token.name}")

    def _revoke(self, *, prefix, **options):
        token = _token_for(prefix)
        if api_token_revoke(token=token):
            self.stdout.write(f"Revoked {token.name!r} ({token.prefix}) of {token.user.username}.")
        else:
            self.stdout.write(f"{token.name!r} ({token.prefix}) of {token.user.username} was already revoked.")
