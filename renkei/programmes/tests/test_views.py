from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from renkei.accounts.models import Role
from renkei.accounts.tests.factories import UserFactory
from renkei.core.tests.files import pdf_with_text
from renkei.places.tests.factories import PlaceFactory
from renkei.programmes import services
from renkei.programmes.models import Application

pytestmark = pytest.mark.django_db


@pytest.fixture
def call(officer):
    programme = services.programme_create(actor=officer, data={"title_en": "City Partnership Program",
                                                               "eligible_countries": ["JP"]})
    now = timezone.now()
    call = services.call_create(actor=officer, programme=programme, data={
        "title_en": "Call 2016", "slug": "call-2016", "opens_at": now - timedelta(days=1),
        "closes_at": now + timedelta(days=3), "description": {"en": "Joint research and study tours"}},
        questions=[{"text_en": "What can you offer?"}, {"text_en": "Letter", "kind": "file", "required": False}],
        criteria=[{"name_en": "Relevance", "weight": 2}])
    return call


def test_officer_opens_the_call_in_the_browser(client, call, officer):
    client.force_login(officer)
    html = client.get("/calls/call-2016/").content.decode()
    assert "Open the call" in html
    client.post("/calls/call-2016/status/", {"to": "open"})
    call.refresh_from_db()
    assert call.status == "open"
    client.post("/calls/call-2016/status/", {"to": "decided"})
    call.refresh_from_db()
    assert call.status == "open"  # illegal step refused with a message


def test_who_may_apply_names_countries_and_levels_in_the_readers_language(client, call, officer):
    call.programme.eligible_levels = ["city"]
    call.programme.save()
    client.force_login(officer)
    english = client.get("/calls/call-2016/").content.decode()
    assert "<dd>Japan</dd>" in english and "<dd>City / municipality</dd>" in english
    japanese = client.get("/calls/call-2016/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "<dd>日本</dd>" in japanese and "<dd>JP</dd>" not in japanese and "<dd>city</dd>" not in japanese


def test_focal_point_applies_with_a_file_and_sees_errors(client, call, officer):
    services.call_transition(actor=officer, call=call, to="open")
    toyama = PlaceFactory(slug="toyama", name_en="Toyama")
    fp = UserFactory(roles=[Role.FOCAL_POINT], places=[toyama])
    client.force_login(fp)
    html = client.get("/calls/call-2016/").content.decode()
    assert "Joint research and study tours" in html and "/calls/call-2016/apply/toyama/" in html
    q_text, q_file = list(call.questions.all())
    bad = client.post("/calls/call-2016/apply/toyama/", {
        f"q{q_text.pk}": "Compact city", "submit": "1",
        f"q{q_file.pk}": SimpleUploadedFile("letter.exe", b"MZ...", content_type="application/octet-stream")})
    assert "only PDF" in bad.content.decode()
    assert not Application.objects.exists()
    ok = client.post("/calls/call-2016/apply/toyama/", {
        f"q{q_text.pk}": "Compact city", "submit": "1",
        f"q{q_file.pk}": SimpleUploadedFile("letter.pdf", pdf_with_text("Letter"), content_type="application/pdf")})
    assert ok.status_code == 302
    assert Application.objects.get().status == "submitted"
    PlaceFactory(slug="other")
    assert client.get("/calls/call-2016/apply/other/").status_code == 403


def test_review_and_committee_pages(client, call, officer):
    services.call_transition(actor=officer, call=call, to="open")
    toyama = PlaceFactory(slug="toyama", name_en="Toyama")
    fp = UserFactory(roles=[Role.FOCAL_POINT], places=[toyama])
    q = call.questions.first()
    application = services.application_save(actor=fp, call=call, place=toyama, answers={q.pk: "Secret answer"},
                                            submit=True)
    honest = UserFactory(roles=[Role.REVIEWER])
    conflicted = UserFactory(roles=[Role.REVIEWER])
    seat_a = services.review_assign(actor=officer, application=application, reviewer=honest)
    seat_b = services.review_assign(actor=officer, application=application, reviewer=conflicted)
    client.force_login(conflicted)
    html = client.get(f"/reviews/{seat_b.pk}/").content.decode()
    assert "Secret answer" not in html and "conflict of interest" in html
    client.post(f"/reviews/{seat_b.pk}/", {"declare": "1", "conflicted": "yes", "conflict_note": "Former staff"})
    html = client.get(f"/reviews/{seat_b.pk}/").content.decode()
    assert "cannot see or score" in html and "Secret answer" not in html
    client.force_login(honest)
    client.post(f"/reviews/{seat_a.pk}/", {"declare": "1", "conflicted": "no"})
    assert "Secret answer" in client.get(f"/reviews/{seat_a.pk}/").content.decode()
    crit = call.criteria.get()
    bad = client.post(f"/reviews/{seat_a.pk}/", {f"c{crit.pk}": "9"})
    assert "from 1 to 5" in bad.content.decode()
    client.post(f"/reviews/{seat_a.pk}/", {f"c{crit.pk}": "4", f"comment{crit.pk}": "Strong"})
    assert client.get("/calls/call-2016/committee/").status_code == 403
    client.force_login(officer)
    services.call_transition(actor=officer, call=call, to="closed")
    html = client.get("/calls/call-2016/committee/").content.decode()
    assert "Toyama" in html and "4.0" in html and ">Assign</button>" in html
    client.post("/calls/call-2016/committee/", {"application": application.pk, "decision": "selected",
                                                 "reason": "Best fit"})
    application.refresh_from_db()
    assert application.status == "selected" and application.decision_reason == "Best fit"
    html = client.get("/calls/call-2016/committee/").content.decode()
    assert ">Assign</button>" not in html  # a decided application gets no more reviewers
    services.call_transition(actor=officer, call=call, to="decided")
    html = client.get("/calls/call-2016/committee/").content.decode()
    assert ">Assign</button>" not in html and ">Select</button>" not in html


def test_officer_creates_a_call_with_row_errors(client, officer):
    programme = services.programme_create(actor=officer, data={"title_en": "CPP"})
    client.force_login(officer)
    base = {"programme": programme.pk, "title_en": "Call 2027", "opens_at": "2027-01-10T09:00",
            "closes_at": "2027-02-10T17:00", "timezone": "Asia/Tokyo", "places_to_select": "2",
            "questions-TOTAL_FORMS": "4", "questions-INITIAL_FORMS": "0",
            "questions-0-text_en": "Why?", "questions-0-kind": "text", "questions-0-required": "on",
            "questions-1-text_en": "Letter", "questions-1-kind": "file",
            "questions-2-text_en": "Size", "questions-2-kind": "choice", "questions-2-required": "on",
            "questions-3-kind": "text", "questions-3-required": "on",
            "criteria-TOTAL_FORMS": "3", "criteria-INITIAL_FORMS": "0",
            "criteria-0-name_en": "Relevance", "criteria-0-name_ja": "関連性", "criteria-0-weight": "2",
            "criteria-1-name_en": "Capacity", "criteria-1-weight": "1", "criteria-2-weight": "1"}
    bad = client.post("/calls/new/", {**base, "questions-2-choices": "only", "timezone": "Mars/Olympus",
                                      "criteria-1-weight": "-2", "criteria-2-weight": "3"}).content.decode()
    assert "Question 3 – Options: A choice question needs at least two options" in bad
    assert ('<a href="#id_criteria-1-weight">Criterion 2 – Weight: Ensure this value is greater than or equal '
            'to 0.') in bad
    assert ('<a href="#id_criteria-2-name_en">Criterion 3 – Name (English): Give the criterion a name, or clear '
            'its weight.</a>') in bad
    assert "Time zone of the dates: Mars/Olympus is not a time zone; choose one from the list." in bad
    assert 'id="id_criteria-1-weight_error"' in bad and 'value="関連性"' in bad
    response = client.post("/calls/new/", {**base, "questions-2-choices": "small\nlarge", "timezone": "Europe/Paris"})
    assert response.status_code == 302
    from renkei.programmes.models import Call

    call = Call.objects.get(title__en="Call 2027")
    assert call.status == "draft" and call.opens_at.hour == 8  # 09:00 in Paris in winter is 08:00 UTC
    assert call.timezone == "Europe/Paris"
    assert [q.kind for q in call.questions.all()] == ["text", "file", "choice"]
    assert not call.questions.get(kind="file").required
    assert call.questions.get(kind="choice").choices == ["small", "large"]
    assert [(c.name, c.weight) for c in call.criteria.all()] == [
        ({"en": "Relevance", "ja": "関連性"}, 2.0), ({"en": "Capacity"}, 1.0)]


def test_the_criteria_in_the_readers_language(client, call, officer):
    """The call page and the reviewer's page name a criterion in Japanese for Japanese readers, in English
    when it has no Japanese name."""
    criterion = call.criteria.get()
    services.criterion_update(actor=officer, criterion=criterion, data={"name": {"en": "Relevance", "ja": "関連性"}})
    services.criterion_add(actor=officer, call=call, data={"name": {"en": "Capacity"}, "weight": 1})
    client.force_login(officer)
    english = client.get("/calls/call-2016/").content.decode()
    assert "<li>Relevance <span" in english and "<li>Capacity <span" in english and "関連性" not in english
    japanese = client.get("/calls/call-2016/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "<li>関連性 <span" in japanese and "<li>Capacity <span" in japanese and "Relevance" not in japanese

    services.call_transition(actor=officer, call=call, to="open")
    toyama = PlaceFactory(slug="toyama", name_en="Toyama")
    fp = UserFactory(roles=[Role.FOCAL_POINT], places=[toyama])
    application = services.application_save(actor=fp, call=call, place=toyama,
                                            answers={call.questions.first().pk: "Answer"}, submit=True)
    reviewer = UserFactory(roles=[Role.REVIEWER])
    seat = services.review_assign(actor=officer, application=application, reviewer=reviewer)
    client.force_login(reviewer)
    client.post(f"/reviews/{seat.pk}/", {"declare": "1", "conflicted": "no"})
    japanese = client.get(f"/reviews/{seat.pk}/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert ">関連性 <span" in japanese and ">Capacity <span" in japanese and "Relevance" not in japanese
    english = client.get(f"/reviews/{seat.pk}/").content.decode()
    assert ">Relevance <span" in english and "関連性" not in english


def test_focal_point_cannot_create_calls(client, focal_point):
    client.force_login(focal_point)
    assert client.get("/calls/new/").status_code == 403
