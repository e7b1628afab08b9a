"""Who may do what in a network. The secretariat of *that* network (its secretariat users, who
hold the network secretariat role) and administrators manage everything, money included; a
member's representatives (and the focal points of a member place) read that member's invoices and
statement; everyone sees a published network's public page (name, members, offices: no money)."""

from __future__ import annotations

from renkei.accounts.models import Role
from renkei.accounts.permissions import has_role, is_administrator, represented_place_ids


def can_create_network(user) -> bool:
    return is_administrator(user)


def can_manage(user, network) -> bool:
    if is_administrator(user):
        return True
    if not has_role(user, Role.NETWORK_SECRETARIAT) or not network.pk:
        return False
    return network.secretariat.filter(pk=user.pk).exists()


def speaks_for(user, member) -> bool:
    """The user represents this member (named representative, or focal point of its place)."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "pk", None):
        return False
    if member.place_id and member.place_id in represented_place_ids(user):
        return True
    return member.representatives.filter(pk=user.pk).exists()


def can_read_account(user, member) -> bool:
    """Invoices, payments and the statement of one member."""
    return can_manage(user, member.network) or speaks_for(user, member)
