"""The places admin writes through the services: the same checks, one audit entry, the version
bumped, the profile-change event — and a service's complaint lands on the admin form's field."""

import pytest

from renkei.core import hooks
from renkei.core.models import AuditEntry
from renkei.places.events import PROFILE_CHANGED
from renkei.places.models import Contact, Need, Organisation, Place
from renkei.places.tests.factories import NeedFactory, PlaceFactory, theme

pytestmark = pytest.mark.django_db


def place_form(place=None, **changes) -> dict:
    data = {
        "slug": "", "level": "city", "name_en": "Obuse", "name_ja": "", "name_local": "", "external_id": "",
        "country": "JP", "parent": "", "is_published": "on", "latitude": "36.7", "longitude": "138.3",
        "timezone": "", "population": "11000", "population_year": "", "area_km2": "", "share_65_plus": "",
        "population_growth": "", "income_group": "", "hazards": "[]", "website": "", "summary": "{}",
        "needs-TOTAL_FORMS": "0", "needs-INITIAL_FORMS": "0", "needs-MIN_NUM_FORMS": "0",
        "needs-MAX_NUM_FORMS": "1000", "expertise-TOTAL_FORMS": "0", "expertise-INITIAL_FORMS": "0",
        "expertise-MIN_NUM_FORMS": "0", "expertise-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return data


def test_a_place_added_in_the_admin_is_created_by_the_service(client, boss):
    with hooks.recorded() as events:
        response = client.post("/admin/places/place/add/", place_form(slug="obuse"))
    assert response.status_code == 302, response.content.decode()[:3000]
    place = Place.objects.get(slug="obuse")
    assert (place.population, place.version) == (11000, 1)
    assert AuditEntry.objects.filter(object_id=str(place.pk), action="create", actor=boss).count() == 1
    assert (PROFILE_CHANGED, {"place_id": place.pk}) in events


def test_a_service_error_lands_on_the_admin_field(client, boss, place):
    response = client.post(f"/admin/places/place/{place.pk}/change/",
                           place_form(slug="testville", name_en="Testville", latitude="95"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "must be at most 90" in html
    place.refresh_from_db()
    assert place.latitude == 35.0 and place.version == 1 and not AuditEntry.objects.exists()


def test_an_admin_edit_changes_only_what_the_form_changed_and_bumps_the_version_once(client, boss, place):
    response = client.post(f"/admin/places/place/{place.pk}/change/", place_form(
        slug="testville", name_en="Testville", name_ja="テスト市", latitude="35.0", longitude="135.0",
        population="100001", summary='{"en": "A town.", "ja": "町です。"}'))
    assert response.status_code == 302, response.content.decode()[:3000]
    place.refresh_from_db()
    assert (place.population, place.version) == (100001, 2)
    entry = AuditEntry.objects.get(object_id=str(place.pk))
    assert entry.action == "update" and entry.changes == {"population": [100000, 100001]}


def test_a_need_added_in_the_admin_goes_through_the_service(client, boss, place):
    response = client.post("/admin/places/need/add/", {
        "place": place.pk, "theme": theme().pk, "priority": "4", "description": "{}", "evidence": "[]"})
    assert response.status_code == 200
    assert "is required in at least one language" in response.content.decode()
    response = client.post("/admin/places/need/add/", {
        "place": place.pk, "theme": theme().pk, "priority": "4", "description": '{"en": "Sort waste"}',
        "evidence": "[]"})
    assert response.status_code == 302, response.content.decode()[:3000]
    need = Need.objects.get(place=place)
    assert AuditEntry.objects.filter(object_id=str(need.pk), action="create", actor=boss).count() == 1


def test_deleting_a_need_in_the_admin_is_audited_once(client, boss, place):
    need = NeedFactory(place=place, theme=theme())
    with hooks.recorded() as events:
        response = client.post(f"/admin/places/need/{need.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Need.objects.filter(pk=need.pk).exists()
    assert AuditEntry.objects.filter(object_id=str(need.pk), action="delete").count() == 1
    assert events == [(PROFILE_CHANGED, {"place_id": place.pk})]


def test_a_place_with_places_inside_is_not_deleted_from_the_admin(client, boss, place):
    PlaceFactory(slug="inner", parent=place)
    response = client.post(f"/admin/places/place/{place.pk}/delete/", {"post": "yes"}, follow=True)
    assert "move or delete them first" in response.content.decode()
    assert Place.objects.filter(pk=place.pk).exists()


def test_organisations_and_contacts_are_written_by_the_services(client, boss, place):
    response = client.post("/admin/places/organisation/add/", {
        "slug": "cn", "name_en": "Cities Network", "name_ja": "", "acronym": "CN", "org_type": "21",
        "country": "JP", "parent": "", "place": place.pk, "website": "", "description": "{}"})
    assert response.status_code == 302, response.content.decode()[:3000]
    org = Organisation.objects.get(acronym="CN")
    assert (org.slug, org.place) == ("cn", place)
    response = client.post("/admin/places/contact/add/", {
        "name": "Aiko Sato", "title": "", "organisation": org.pk, "place": "", "email": "aiko@example.org",
        "phone": "", "public_consent": "on"})
    assert response.status_code == 302, response.content.decode()[:3000]
    contact = Contact.objects.get(name="Aiko Sato")
    assert contact.organisation == org and contact.public_consent
    assert AuditEntry.objects.filter(action="create").count() == 2
