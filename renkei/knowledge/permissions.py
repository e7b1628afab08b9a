"""Who may see and change what in the library.

- Published products are seen by everyone (visibility "public") or by signed-in users holding a
  role ("members"); "internal" ones, and every draft, only by their authors (the creator and the
  co-authors named as editors), knowledge managers and administrators.
- Anyone with a role that produces knowledge (focal points, programme officers, secretariats,
  knowledge managers, administrators) may write a draft; its authors may edit it; only knowledge
  managers and administrators publish, unpublish and curate anybody's product.
- A city's focal point asks and answers knowledge requests for the places they act for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from renkei.accounts.models import Role
from renkei.accounts.permissions import has_any_role, has_role, represented_place_ids

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from renkei.accounts.models import User
    from renkei.knowledge.models import KnowledgeRequest, Product
    from renkei.places.models import Place

    Actor = User | AnonymousUser

AUTHORING_ROLES = (Role.ADMINISTRATOR, Role.KNOWLEDGE_MANAGER, Role.FOCAL_POINT, Role.PROGRAMME_OFFICER,
                   Role.NETWORK_SECRETARIAT)


def is_curator(user: Actor) -> bool:
    return has_role(user, Role.ADMINISTRATOR, Role.KNOWLEDGE_MANAGER)


def is_author(user: Actor, product: Product) -> bool:
    if not getattr(user, "is_authenticated", False) or not getattr(user, "pk", None) or not product.pk:
        return False
    return product.created_by_id == user.pk or product.editors.filter(pk=user.pk).exists()


def can_view(user: Actor, product: Product) -> bool:
    if is_curator(user) or is_author(user, product):
        return True
    if product.status != product.Status.PUBLISHED:
        return False
    if product.visibility == product.Visibility.PUBLIC:
        return True
    return product.visibility == product.Visibility.MEMBERS and has_any_role(user)


def can_create(user: Actor) -> bool:
    return has_role(user, *AUTHORING_ROLES)


def can_edit(user: Actor, product: Product) -> bool:
    return is_curator(user) or (has_role(user, *AUTHORING_ROLES) and is_author(user, product))


def can_publish(user: Actor) -> bool:
    return is_curator(user)


def can_delete(user: Actor, product: Product) -> bool:
    return is_curator(user) or (has_role(user, *AUTHORING_ROLES) and is_author(user, product)
                                and product.status == product.Status.DRAFT)


def can_rebuild_index(user: Actor) -> bool:
    return is_curator(user)


def acts_for(user: Actor, place: Place | None) -> bool:
    """May this user speak for the place (ask or answer a request in its name)?"""
    if has_role(user, Role.ADMINISTRATOR, Role.PROGRAMME_OFFICER):
        return True
    return place is not None and place.pk in represented_place_ids(user)


def can_manage_request(user: Actor, request: KnowledgeRequest) -> bool:
    """Close a request: its place's focal points, officers, administrators and knowledge managers."""
    return has_role(user, Role.ADMINISTRATOR, Role.PROGRAMME_OFFICER, Role.KNOWLEDGE_MANAGER) or acts_for(
        user, request.place)


def can_convert_request(user: Actor, request: KnowledgeRequest) -> bool:
    """Turn a request into a partnership or an activity: those who may create them for its place."""
    return acts_for(user, request.place)
