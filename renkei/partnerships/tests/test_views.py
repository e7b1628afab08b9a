import pytest

from renkei.partnerships.demo import partnerships_demo_load
from renkei.partnerships.models import Partnership
from renkei.places.demo import demo_load
from renkei.programmes.demo import programmes_demo_load

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    demo_load()
    programmes_demo_load()
    partnerships_demo_load()


def test_partnership_pages(client, demo, officer):
    html = client.get("/partnerships/").content.decode()
    assert "Kamakura — Umeå (IUC)" in html and "JICA — Kamaishi — Banda Aceh" in html
    html = client.get("/partnerships/toyama-world-bank-cpp/").content.decode()
    assert "2016-11-03" in html and "Memorandum of understanding" in html
    assert "Change status" not in html
    client.force_login(officer)
    html = client.get("/partnerships/jica-kamaishi-banda-aceh/").content.decode()
    assert "Change status" in html
    client.post("/partnerships/jica-kamaishi-banda-aceh/status/", {"to": "suspended", "reason": ""})
    assert Partnership.objects.get(slug="jica-kamaishi-banda-aceh").status == "active"
    client.post("/partnerships/jica-kamaishi-banda-aceh/status/", {"to": "suspended", "reason": "Pandemic"})
    assert Partnership.objects.get(slug="jica-kamaishi-banda-aceh").status == "suspended"


def test_visitor_cannot_change_status(client, demo, focal_point):
    client.force_login(focal_point)
    assert client.post("/partnerships/kamakura-umea/status/", {"to": "closed", "reason": "x"}).status_code == 403


def test_focal_point_adds_plan_items_pilots_and_agreements(client, demo):
    from renkei.accounts.models import Role
    from renkei.accounts.tests.factories import UserFactory
    from renkei.places.models import Place

    p = Partnership.objects.get(slug="jica-kamaishi-banda-aceh")
    fp = UserFactory(roles=[Role.FOCAL_POINT], places=[Place.objects.get(slug="kamaishi")])
    client.force_login(fp)
    client.post("/partnerships/jica-kamaishi-banda-aceh/add/action/",
                {"objective": "Share recovery lessons", "action": "Study tour to Banda Aceh", "due_on": "2027-03-31"})
    assert p.objectives.get().actions.get().due_on.isoformat() == "2027-03-31"
    client.post("/partnerships/jica-kamaishi-banda-aceh/add/pilot/", {"title": "Disaster memory exchange"})
    assert p.pilots.count() == 1
    response = client.post("/partnerships/jica-kamaishi-banda-aceh/add/agreement/",
                           {"kind": "loi", "signed_on": "yesterday"}, follow=True)
    assert "use a date like" in response.content.decode() and not p.agreements.exists()
    client.post("/partnerships/jica-kamaishi-banda-aceh/add/agreement/", {"kind": "loi", "signed_on": "2023-05-01"})
    assert p.agreements.get().kind == "loi"
    stranger = UserFactory(roles=[Role.FOCAL_POINT], places=[Place.objects.get(slug="essen")])
    client.force_login(stranger)
    assert client.post("/partnerships/jica-kamaishi-banda-aceh/add/pilot/", {"title": "x"}).status_code == 403
