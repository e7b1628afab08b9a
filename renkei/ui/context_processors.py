from django.conf import settings
from django.utils.functional import SimpleLazyObject

from renkei.accounts.permissions import role_names, roles_of


def renkei(request):
    return {
        "RENKEI_LANGUAGES": settings.LANGUAGES,
        "viewer_roles": roles_of(getattr(request, "user", None)),
        # The header names the signed-in user's roles in the active language (lazy: the role set is cached).
        "viewer_role_names": SimpleLazyObject(lambda: ", ".join(role_names(getattr(request, "user", None)))),
    }
