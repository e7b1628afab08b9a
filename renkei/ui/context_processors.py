from django.conf import settings

from renkei.accounts.permissions import roles_of


def renkei(request):
    return {
        "RENKEI_LANGUAGES": settings.LANGUAGES,
        "viewer_roles": roles_of(getattr(request, "user", None)),
    }
