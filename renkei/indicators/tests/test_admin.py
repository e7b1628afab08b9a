"""The admin writes through the services: custom indicators, values (a change keeps a revision, a
value out of its unit's range is refused on its field) and peer groups."""

import pytest

from renkei.core.tests.forms import management
from renkei.indicators.models import Indicator, PeerGroup, Revision, Value
from renkei.indicators.tests.conftest import record

pytestmark = pytest.mark.django_db


def test_a_custom_indicator_in_the_admin(staff_client):
    data = {"code": "trees", "name": '{"en": "Street trees per person", "ja": "一人当たりの街路樹"}',
            "definition": "{}", "unit": "per_capita", "direction": "higher", "disaggregations": "[]"}
    answer = staff_client.post("/admin/indicators/indicator/add/", data)
    assert answer.status_code == 302, answer.content.decode()[:3000]
    indicator = Indicator.objects.get(code="trees")
    assert indicator.custom and indicator.name["ja"] == "一人当たりの街路樹"
    bad = staff_client.post("/admin/indicators/indicator/add/", {**data, "code": "11.6.2"})
    assert bad.status_code == 200 and "another indicator has this code" in bad.content.decode()
    assert staff_client.get("/admin/indicators/indicator/").status_code == 200
    assert staff_client.get("/admin/indicators/framework/").status_code == 200


def test_values_in_the_admin(staff_client, place, transport):
    value = record(place, transport, 2022, 55)
    url = f"/admin/indicators/value/{value.pk}/change/"
    assert staff_client.get(url).status_code == 200
    form = {"value": "140", "source": "Survey", "note": "", **management("revisions", 0, 0)}
    refused = staff_client.post(url, form)
    assert refused.status_code == 200 and "must be at most 100" in refused.content.decode()
    answer = staff_client.post(url, {**form, "value": "60"})
    assert answer.status_code == 302
    value.refresh_from_db()
    assert value.value == 60 and Revision.objects.get(current=value).value == 55
    added = staff_client.post("/admin/indicators/value/add/", {
        "place": str(place.pk), "indicator": str(transport.pk), "year": "2023", "period": "", "disaggregation": "",
        "value": "61", "source": "Survey", "note": "", **management("revisions", 0, 0)})
    assert added.status_code == 302 and Value.objects.count() == 2
    staff_client.post(f"/admin/indicators/value/{value.pk}/delete/", {"post": "yes"})
    assert Value.objects.count() == 1


def test_peer_groups_in_the_admin(staff_client, place):
    answer = staff_client.post("/admin/indicators/peergroup/add/", {
        "slug": "", "name": '{"en": "By hand"}', "kind": "list", "criteria": "{}", "places": [str(place.pk)]})
    assert answer.status_code == 302, answer.content.decode()[:2000]
    group = PeerGroup.objects.get()
    assert group.slug == "by-hand" and [p.slug for p in group.places.all()] == ["testville"]
