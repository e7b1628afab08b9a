"""Authentication for the JSON API.

``Authorization: Bearer <token>`` (from ``renkei token create`` or the admin), or the signed-in
browser session with its CSRF token for the web UI's own calls. A request that sends a bad token
is refused (401), even on endpoints that anonymous visitors may read: a client that believes it is
authenticated must learn that it is not.
"""

from __future__ import annotations

from django.conf import settings
from ninja.security import APIKeyCookie, HttpBearer

from renkei.accounts.services import api_token_authenticate


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The signed-in browser session; ninja checks CSRF only when a session cookie is present."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request):
        if not request.COOKIES.get(self.param_name):
            return None
        return super()._get_key(request)

    def authenticate(self, request, key):
        user = getattr(request, "user", None)
        return user if user is not None and user.is_authenticated else None


class Anonymous:
    """Reading published data needs no credentials; the selectors decide what is visible."""

    def __call__(self, request):
        if request.headers.get("Authorization"):
            return None  # a token was sent and did not authenticate: 401, not a silent downgrade
        return getattr(request, "user", None) or True


AUTH = [BearerToken(), SessionAuth(csrf=True)]
OPTIONAL_AUTH = [BearerToken(), SessionAuth(csrf=True), Anonymous()]
