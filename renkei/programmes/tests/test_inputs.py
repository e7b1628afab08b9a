"""Typed inputs of the services, partial updates that lock the row, the admin writing through the
services, and the API's pages, query checks and error format."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from renkei.accounts.models import Role
from renkei.accounts.tests.factories import UserFactory
from renkei.core.errors import ApplicationError, Conflict, NotAllowed
from renkei.core.inputs import parse
from renkei.core.models import AuditEntry
from renkei.programmes import services
from renkei.programmes.inputs import CallIn, ProgrammeIn
from renkei.programmes.models import Call, Programme

pytestmark = pytest.mark.django_db


def call_data(**extra):
    now = timezone.now()
    return {"title": {"en": "Call"}, "opens_at": now - timedelta(days=1), "closes_at": now + timedelta(days=3),
            **extra}


def test_a_flat_title_is_folded_into_the_text_per_language():
    data = parse(ProgrammeIn, {"title_en": " CPP ", "title_ja": "シティ"})
    assert data.title == {"en": "CPP", "ja": "シティ"}
    assert parse(ProgrammeIn, {"title": {"en": "CPP", "ja": ""}}).title == {"en": "CPP"}


def test_every_bad_field_is_named():
    with pytest.raises(ApplicationError) as caught:
        parse(CallIn, {"title": {"ja": "募集"}, "opens_at": "2027-02-01T00:00Z", "closes_at": "2027-01-01T00:00Z",
                       "timezone": "Mars/Olympus", "places_to_select": 0, "questions": [{"kind": "choice",
                                                                                         "text": {"en": "Size"}}],
                       "criteria": [{"name": {"en": "Fit"}, "weight": -1}], "colour": "red"})
    assert set(caught.value.errors) == {"title", "closes_at", "timezone", "places_to_select", "questions.0",
                                        "criteria.0.weight", "colour"}


def test_service_errors_are_in_the_readers_language(officer):
    with translation.override("ja"), pytest.raises(ApplicationError) as caught:
        services.programme_create(actor=officer, data={"title": {"ja": "シティ"}})
    assert caught.value.errors == {"title": ["英語のテキストを入力してください"]}
    programme = services.programme_create(actor=officer, data={"title": {"en": "CPP"}})
    with translation.override("ja"), pytest.raises(ApplicationError) as caught:
        services.call_create(actor=officer, programme=programme, data=call_data(timezone="Mars/Olympus"))
    assert caught.value.errors == {"timezone": ["タイムゾーンではありません（例：Asia/Tokyo）"]}


def test_create_takes_the_typed_input_and_a_mapping_alike(officer):
    programme = services.programme_create(actor=officer, data=ProgrammeIn(title={"en": "Typed"}))
    assert programme.slug == "typed" and programme.title_text == "Typed"
    call = services.call_create(actor=officer, programme=programme, data=parse(CallIn, call_data(
        questions=[{"text": {"en": "Why?", "ja": "なぜ？"}}], criteria=[{"name": {"en": "Fit"}, "weight": 2}])))
    question = call.questions.get()
    assert question.text == {"en": "Why?", "ja": "なぜ？"}
    with translation.override("ja"):
        assert question.text_text == "なぜ？" and call.criteria.get().name_text == "Fit"


def test_update_writes_only_the_fields_given_and_checks_the_version(officer):
    programme = services.programme_create(actor=officer, data={"title": {"en": "CPP"}, "min_population": 10})
    Programme.objects.filter(pk=programme.pk).update(max_population=500)  # a concurrent edit
    updated = services.programme_update(actor=officer, programme=programme, data={"title": {"en": "CPP 2"}},
                                        version=programme.version)
    updated.refresh_from_db()
    assert updated.title == {"en": "CPP 2"} and updated.max_population == 500 and updated.min_population == 10
    assert updated.version == 2
    with pytest.raises(Conflict):
        services.programme_update(actor=officer, programme=updated, data={"is_published": False}, version=1)
    stranger = UserFactory(roles=[Role.FOCAL_POINT])
    with pytest.raises(NotAllowed):
        services.programme_update(actor=stranger, programme=updated, data={"is_published": False})
    assert AuditEntry.objects.filter(object_id=str(programme.pk), action="update").count() == 1


def test_call_update_keeps_the_dates_in_order(officer):
    programme = services.programme_create(actor=officer, data={"title": {"en": "CPP"}})
    call = services.call_create(actor=officer, programme=programme, data=call_data())
    with pytest.raises(ApplicationError) as caught:
        services.call_update(actor=officer, call=call, data={"closes_at": call.opens_at - timedelta(hours=1)})
    assert "closes_at" in caught.value.errors
    services.call_update(actor=officer, call=call, data={"title_ja": "募集", "title_en": "Call", "places_to_select": 3})
    call.refresh_from_db()
    assert call.title == {"en": "Call", "ja": "募集"} and call.places_to_select == 3 and call.status == "draft"


def test_the_admin_writes_through_the_services(client, officer):
    boss = UserFactory(username="boss", is_staff=True, is_superuser=True, roles=[Role.ADMINISTRATOR])
    client.force_login(boss)
    response = client.post("/admin/programmes/programme/add/", {
        "slug": "", "title_en": "Admin programme", "title_ja": "管理プログラム", "description": "{}",
        "eligible_countries": "[]", "eligible_levels": "[]", "is_published": "on"})
    assert response.status_code == 302, response.context["adminform"].form.errors.as_json()
    programme = Programme.objects.get(slug="admin-programme")
    assert programme.title == {"en": "Admin programme", "ja": "管理プログラム"}
    assert AuditEntry.objects.filter(object_id=str(programme.pk), action="create", actor=boss).exists()
    response = client.post(f"/admin/programmes/programme/{programme.pk}/change/", {
        "slug": "admin-programme", "title_en": "Admin programme", "title_ja": "", "description": "{}",
        "eligible_countries": "[]", "eligible_levels": "[]", "is_published": "on"})
    assert response.status_code == 302
    programme.refresh_from_db()
    assert programme.title == {"en": "Admin programme"} and programme.version == 2
    bad = client.post(f"/admin/programmes/programme/{programme.pk}/change/", {
        "slug": "admin-programme", "title_en": "Admin programme", "description": "{}", "eligible_countries": "[]",
        "eligible_levels": "[]", "starts_on": "2027-01-01", "ends_on": "2026-01-01"})
    assert bad.status_code == 200 and "must end after it starts" in bad.content.decode()
    assert client.get("/admin/programmes/call/?q=Admin").status_code == 200
    assert client.get("/admin/programmes/programme/?q=Admin").status_code == 200


def test_the_admin_edits_a_calls_texts_in_two_boxes(client, officer):
    programme = services.programme_create(actor=officer, data={"title": {"en": "CPP"}})
    call = services.call_create(actor=officer, programme=programme, data=call_data(
        questions=[{"text": {"en": "Why?"}}], criteria=[{"name": {"en": "Fit"}}]))
    client.force_login(UserFactory(is_staff=True, is_superuser=True, roles=[Role.ADMINISTRATOR]))
    page = client.get(f"/admin/programmes/call/{call.pk}/change/").content.decode()
    assert 'name="title_en"' in page and 'name="questions-0-text_ja"' in page and 'value="Why?"' in page
    question, criterion = call.questions.get(), call.criteria.get()
    local = timezone.localtime
    data = {"programme": programme.pk, "slug": call.slug, "title_en": "Call", "title_ja": "募集",
            "description": "{}", "opens_at_0": local(call.opens_at).strftime("%Y-%m-%d"),
            "opens_at_1": local(call.opens_at).strftime("%H:%M:%S"),
            "closes_at_0": local(call.closes_at).strftime("%Y-%m-%d"),
            "closes_at_1": local(call.closes_at).strftime("%H:%M:%S"), "timezone": "Asia/Tokyo",
            "places_to_select": "2",
            "questions-TOTAL_FORMS": "1", "questions-INITIAL_FORMS": "1", "questions-MIN_NUM_FORMS": "0",
            "questions-MAX_NUM_FORMS": "1000", "questions-0-id": question.pk, "questions-0-call": call.pk,
            "questions-0-position": "0", "questions-0-kind": "text", "questions-0-text_en": "Why?",
            "questions-0-text_ja": "なぜ？", "questions-0-choices": "[]", "questions-0-required": "on",
            "criteria-TOTAL_FORMS": "1", "criteria-INITIAL_FORMS": "1", "criteria-MIN_NUM_FORMS": "0",
            "criteria-MAX_NUM_FORMS": "1000", "criteria-0-id": criterion.pk, "criteria-0-call": call.pk,
            "criteria-0-position": "0", "criteria-0-name_en": "Fit", "criteria-0-name_ja": "適合",
            "criteria-0-weight": "1.5"}
    response = client.post(f"/admin/programmes/call/{call.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors.as_json()
    call.refresh_from_db()
    assert call.title == {"en": "Call", "ja": "募集"} and call.places_to_select == 2
    assert call.questions.get().text == {"en": "Why?", "ja": "なぜ？"}
    assert Call.objects.get().criteria.get().name == {"en": "Fit", "ja": "適合"}
