"""Demo publishing settings: JICA reports the demo partnerships to IATI (idempotent).

``XM-DAC-701-8`` (OECD DAC registration agency, Japan's donor code 701, JICA's agency code 8) follows
the DAC's conventions but is not verified against any shipped list: ``renkei/data/iati/`` holds no
organisation-identifier codelist (docs/data-formats.md, "Settings"). A real publisher enters the
identifier it registered with IATI."""

from renkei.accounts.permissions import SYSTEM
from renkei.iati.models import PublishingSettings
from renkei.iati.services import settings_update
from renkei.places.models import Organisation

DEMO = {"reporting_organisation": "jica", "organisation_identifier": "XM-DAC-701-8",
        "site_address": "http://localhost:8000", "collaboration_type": "1", "aid_type": "D02", "flow_type": "10",
        "finance_type": "110", "currency": "EUR", "language": "en"}


def iati_demo_load() -> int:
    """Set the demo settings the first time (an administrator's later changes are kept); 1 if written."""
    if PublishingSettings.objects.exists() or not Organisation.objects.filter(slug="jica").exists():
        return 0
    settings_update(actor=SYSTEM, data=DEMO)
    return 1
