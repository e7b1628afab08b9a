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
