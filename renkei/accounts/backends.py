"""Permissions in the Django admin follow Renkei's roles: an administrator may administer everything.

Django's own permission tables are not used for people (roles are); without this backend an
administrator who is not a superuser would see "You don't have permission to view or edit anything".
"""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend

from renkei.accounts.permissions import is_administrator


class RoleBackend(ModelBackend):
    def has_perm(self, user_obj, perm, obj=None) -> bool:
        return is_administrator(user_obj) or super().has_perm(user_obj, perm, obj)

    def has_module_perms(self, user_obj, app_label) -> bool:
        return is_administrator(user_obj) or super().has_module_perms(user_obj, app_label)
