"""The admin saves the settings through the service, and lists what cannot be published."""

import pytest

from renkei.iati.models import PublishingSettings
from renkei.partnerships.models import Partnership
from renkei.places.models import Organisation

pytestmark = pytest.mark.django_db

FORM = {"reporting_organisation": "", "organisation_identifier": "XM-DAC-701-8", "site_address": "",
        "collaboration_type": "1", "aid_type": "D02", "flow_type": "10", "finance_type": "110", "currency": "EUR",
        "language": "en"}


def test_the_settings_are_one_row_saved_through_the_service(demo, staff_client):
    assert staff_client.get("/admin/iati/publishingsettings/")["Location"].endswith("/add/")
    jica = Organisation.objects.get(slug="jica")
    response = staff_client.post("/admin/iati/publishingsettings/add/",
                                 {**FORM, "reporting_organisation": str(jica.pk)})
    assert response.status_code == 302
    row = PublishingSettings.objects.get()
    assert row.pk == 1 and row.reporting_organisation == jica and row.version == 2
    assert staff_client.get("/admin/iati/publishingsettings/")["Location"].endswith("/1/change/")
    assert "/admin/iati/publishingsettings/problems/" in staff_client.get(
        "/admin/iati/publishingsettings/1/change/").content.decode()
    response = staff_client.post("/admin/iati/publishingsettings/1/change/",
                                 {**FORM, "reporting_organisation": str(jica.pk), "organisation_identifier": "a b"})
    assert response.status_code == 200 and "use letters" in response.content.decode()
    assert PublishingSettings.objects.get().organisation_identifier == "XM-DAC-701-8"


def test_the_problems_page(publishing, staff_client):
    Partnership.objects.filter(slug="kamakura-umea").update(starts_on=None)
    content = staff_client.get("/admin/iati/publishingsettings/problems/").content.decode()
    assert "no start date" in content and "kamakura-umea" in content
