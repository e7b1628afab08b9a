"""Who may do what with IATI publishing."""

from renkei.accounts.models import Role
from renkei.accounts.permissions import has_role


def can_edit_settings(user) -> bool:
    return has_role(user, Role.ADMINISTRATOR)


def can_see_problems(user) -> bool:
    """The partnerships that cannot be published, and why: administrators and programme officers."""
    return has_role(user, Role.ADMINISTRATOR, Role.PROGRAMME_OFFICER)


def can_import(user) -> bool:
    return has_role(user, Role.ADMINISTRATOR)


def can_manage_document_link(user, link) -> bool:
    """An imported document link is removed by whoever manages its partnership or programme."""
    if link.partnership_id:
        from renkei.partnerships.services import can_manage

        return can_manage(user, link.partnership)
    from renkei.programmes.permissions import can_manage_programme

    return can_manage_programme(user, link.programme)
