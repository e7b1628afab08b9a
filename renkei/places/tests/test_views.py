"""The admin pages for places, people and the audit log: they load, and every edit is audited."""

import pytest

from renkei.accounts.models import ApiToken, Role
from renkei.accounts.services import api_token_create
from renkei.accounts.tests.factories import UserFactory
from renkei.core.audit import audit_record
from renkei.core.models import AuditEntry
from renkei.places.models import Need
from renkei.places.tests.factories import ContactFactory, NeedFactory, OrganisationFactory, PlaceFactory, theme

pytestmark = pytest.mark.django_db


@pytest.fixture
def boss(client):
    user = UserFactory(username="boss", is_staff=True, is_superuser=True, roles=[Role.ADMINISTRATOR])
    client.force_login(user)
    return user


def test_admin_lists_and_forms_load(client, boss, place):
    NeedFactory(place=place)
    OrganisationFactory()
    ContactFactory(place=place)
    audit_record(actor=boss, action="update", obj=place, changes={"population": [1, 2]})
    api_token_create(user=boss, name="script")
    for model in ("places/place", "places/organisation", "places/contact", "places/theme", "places/need",
                  "places/expertise", "accounts/user", "accounts/apitoken", "core/auditentry"):
        response = client.get(f"/admin/{model}/")
        assert response.status_code == 200, model
    assert client.get(f"/admin/places/place/{place.pk}/change/").status_code == 200
    assert client.get("/admin/places/place/?q=testville").status_code == 200
    assert client.get("/admin/places/place/?country=JP&level__exact=city&is_published__exact=1").status_code == 200
    assert "Solid waste" in client.get("/admin/places/theme/?q=landfill").content.decode()  # a synonym
    assert client.get(f"/admin/accounts/user/{boss.pk}/change/").status_code == 200


def test_inline_need_edits_are_audited(client, boss, place):
    need = NeedFactory(place=place, priority=2, theme=theme("solid-waste"))
    data = {
        "slug": "testville", "level": "city", "name_en": "Testville", "name_ja": "テスト市", "name_local": "",
        "external_id": "", "country": "JP", "parent": "", "is_published": "on", "latitude": "35",
        "longitude": "135", "timezone": "", "population": "100000", "population_year": "", "area_km2": "",
        "share_65_plus": "", "population_growth": "", "income_group": "", "hazards": "[]", "website": "",
        "summary": '{"en": "A town.", "ja": "町です。"}',
        "needs-TOTAL_FORMS": "2", "needs-INITIAL_FORMS": "1", "needs-MIN_NUM_FORMS": "0", "needs-MAX_NUM_FORMS": "1000",
        "needs-0-id": str(need.pk), "needs-0-place": str(place.pk), "needs-0-theme": str(need.theme_id),
        "needs-0-priority": "5", "needs-0-description": '{"en": "We need help."}', "needs-0-evidence": "[]",
        "needs-1-place": str(place.pk), "needs-1-theme": str(theme("air-quality").pk), "needs-1-priority": "3",
        "needs-1-description": '{"en": "Cleaner air"}', "needs-1-evidence": "[]",
        "expertise-TOTAL_FORMS": "0", "expertise-INITIAL_FORMS": "0", "expertise-MIN_NUM_FORMS": "0",
        "expertise-MAX_NUM_FORMS": "1000",
    }
    response = client.post(f"/admin/places/place/{place.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    need.refresh_from_db()
    assert need.priority == 5 and need.version == 2
    new = Need.objects.get(place=place, theme__code="air-quality")
    need_entries = AuditEntry.objects.filter(content_type__model="need")
    update = need_entries.get(object_id=str(need.pk), action="update")
    assert update.actor == boss and update.changes == {"priority": [2, 5]}
    assert need_entries.filter(object_id=str(new.pk), action="create").exists()


def test_role_changes_in_the_user_admin_are_audited(client, boss, place):
    user = UserFactory(username="newbie")
    data = {
        "username": "newbie", "email": "newbie@example.org", "first_name": "", "last_name": "", "is_active": "on",
        "display_name": "", "preferred_language": "en", "last_login_0": "", "last_login_1": "",
        "date_joined_0": "2026-01-01", "date_joined_1": "00:00:00",
        "role_grants-TOTAL_FORMS": "1", "role_grants-INITIAL_FORMS": "0", "role_grants-MIN_NUM_FORMS": "0",
        "role_grants-MAX_NUM_FORMS": "1000", "role_grants-0-role": "focal_point", "role_grants-0-user": str(user.pk),
        "represented_places-TOTAL_FORMS": "1", "represented_places-INITIAL_FORMS": "0",
        "represented_places-MIN_NUM_FORMS": "0", "represented_places-MAX_NUM_FORMS": "1000",
        "represented_places-0-place": str(place.pk), "represented_places-0-user": str(user.pk),
    }
    response = client.post(f"/admin/accounts/user/{user.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    entry = AuditEntry.objects.filter(content_type__model="user", object_id=str(user.pk)).latest("id")
    assert entry.changes["roles"] == [[], ["focal_point"]] and entry.changes["places"] == [[], ["testville"]]


def test_api_token_digest_is_read_only_and_audit_log_cannot_be_changed(client, boss):
    token, _raw = api_token_create(user=boss, name="script")
    html = client.get(f"/admin/accounts/apitoken/{token.pk}/change/").content.decode()
    assert token.digest in html and 'name="digest"' not in html
    response = client.post(f"/admin/accounts/apitoken/{token.pk}/change/", {"revoked": "on", "digest": "x" * 64})
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked and token.digest != "x" * 64
    assert ApiToken.objects.count() == 1
    entry = AuditEntry.objects.latest("id")
    assert client.get("/admin/accounts/apitoken/add/").status_code == 403
    assert client.get(f"/admin/core/auditentry/{entry.pk}/change/").status_code == 200
    assert client.post(f"/admin/core/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403


def test_admin_delete_is_audited(client, boss):
    place = PlaceFactory(slug="to-delete")
    response = client.post(f"/admin/places/place/{place.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert AuditEntry.objects.filter(content_type__model="place", object_id=str(place.pk), action="delete",
                                     actor=boss).exists()
