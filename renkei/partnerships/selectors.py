from django.db.models import Q, QuerySet

from renkei.accounts.models import Role
from renkei.accounts.permissions import has_role, represented_place_ids
from renkei.core.errors import NotFound
from renkei.partnerships.models import Partnership


def partnership_list(*, viewer) -> QuerySet[Partnership]:
    """Visitors see published partnerships; officers all; focal points also their own places'."""
    qs = Partnership.objects.select_related("programme").prefetch_related("members__place",
                                                                          "members__organisation")
    if has_role(viewer, Role.ADMINISTRATOR, Role.PROGRAMME_OFFICER):
        return qs
    own = represented_place_ids(viewer)
    return qs.filter(Q(is_published=True) | Q(members__place_id__in=own)).distinct()


def partnership_get(*, viewer, slug: str) -> Partnership:
    p = partnership_list(viewer=viewer).filter(slug=slug).first()
    if p is None:
        raise NotFound("No such partnership.", field="slug")
    return p
