import pytest

from renkei.accounts.permissions import SYSTEM
from renkei.core.errors import ApplicationError, Conflict, NotAllowed
from renkei.core.models import AuditEntry
from renkei.iati.models import PublishingSettings
from renkei.iati.services import settings_update


@pytest.mark.parametrize("who", ["officer", "focal_point", "reviewer", "no_role_user"])
def test_only_administrators_change_the_settings(request, demo, who):
    with pytest.raises(NotAllowed):
        settings_update(actor=request.getfixturevalue(who), data={"organisation_identifier": "XM-1"})
    assert not PublishingSettings.objects.exists()


def test_an_update_writes_only_the_fields_given(demo, admin_user):
    settings_update(actor=admin_user, data={"reporting_organisation": "jica",
                                            "organisation_identifier": "XM-DAC-701-8"})
    row = settings_update(actor=admin_user, data={"aid_type": "D01"})
    assert (row.reporting_organisation.slug, row.organisation_identifier, row.aid_type) == ("jica", "XM-DAC-701-8",
                                                                                             "D01")
    assert row.version == 3 and row.collaboration_type == "1"
    assert AuditEntry.objects.filter(object_repr__icontains="IATI").count() == 2


@pytest.mark.parametrize(("data", "field"), [
    ({"aid_type": "Z99"}, "aid_type"),
    ({"currency": "XXXX"}, "currency"),
    ({"language": "klingon"}, "language"),
    ({"organisation_identifier": "JP 8/x"}, "organisation_identifier"),
    ({"organisation_identifier": "XM-\x00"}, "organisation_identifier"),
    ({"organisation_identifier": "X" * 101}, "organisation_identifier"),
    ({"reporting_organisation": "nobody"}, "reporting_organisation"),
    ({"site_address": "ftp://x"}, "site_address"),
    ({"collaboration_type": None}, "collaboration_type"),
    ({"colour": "red"}, "colour"),
])
def test_bad_input_names_the_field_and_writes_nothing(demo, admin_user, data, field):
    with pytest.raises(ApplicationError) as caught:
        settings_update(actor=admin_user, data=data)
    assert field in caught.value.errors
    assert not PublishingSettings.objects.exists()


def test_a_stale_version_is_a_conflict(demo):
    settings_update(actor=SYSTEM, data={"aid_type": "D01"})
    with pytest.raises(Conflict):
        settings_update(actor=SYSTEM, data={"aid_type": "D02"}, expected_version=1)
    assert PublishingSettings.objects.get().aid_type == "D01"


def test_null_in_the_settings_clears_a_text_and_never_fails(db):
    from renkei.accounts.permissions import SYSTEM
    from renkei.iati.services import settings_update

    row = settings_update(actor=SYSTEM, data={"organisation_identifier": "XM-DAC-701-8"})
    row = settings_update(actor=SYSTEM, data={"organisation_identifier": None})
    assert row.organisation_identifier == ""
