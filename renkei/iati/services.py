"""Writes of the IATI app: the publishing settings (one row), and applying an import plan
(``renkei.iati.importing``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from renkei.core.audit import audit_record, diff, snapshot
from renkei.core.errors import ApplicationError, NotAllowed, PreconditionFailed
from renkei.core.inputs import parse
from renkei.core.models import AuditEntry
from renkei.iati.inputs import SettingsIn
from renkei.iati.models import PublishingSettings
from renkei.iati.permissions import can_edit_settings
from renkei.places.models import Organisation

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from renkei.accounts.models import User

FIELDS = ["reporting_organisation", "organisation_identifier", "collaboration_type", "aid_type", "flow_type",
          "finance_type", "currency", "language", "site_address"]


@transaction.atomic
def settings_update(*, actor: User | AnonymousUser, data: SettingsIn | Mapping[str, Any],
                    expected_version: int | None = None) -> PublishingSettings:
    """Write the fields given onto the settings row (made the first time), and only those."""
    if not can_edit_settings(actor):
        raise NotAllowed(_("Only administrators change the IATI publishing settings."))
    values = parse(SettingsIn, data).given()
    if "reporting_organisation" in values:
        slug = values["reporting_organisation"]
        values["reporting_organisation"] = Organisation.objects.filter(slug=slug).first() if slug else None
        if slug and values["reporting_organisation"] is None:
            raise ApplicationError(_("no organisation has this URL name"), field="reporting_organisation")
    PublishingSettings.objects.get_or_create(pk=1)
    row = PublishingSettings.objects.select_for_update().get(pk=1)
    if expected_version is not None and row.version != expected_version:
        raise PreconditionFailed(_("Someone else changed the settings meanwhile; reload and try again."))
    before = snapshot(row, FIELDS)
    for name, value in values.items():
        setattr(row, name, value)
    changes = diff(before, snapshot(row, FIELDS))
    if changes:
        row.version += 1
        row.save(update_fields=[*values, "version", "updated_at"])
        audit_record(actor=actor, action=AuditEntry.Action.UPDATE, obj=row, changes=changes)
    return row
