"""File answers through the API: uploaded by the place's focal points with the same service and
checks as the application page, listed and downloaded by whoever may read the application."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from renkei.accounts.models import Role
from renkei.accounts.services import api_token_create
from renkei.accounts.tests.factories import UserFactory
from renkei.core.tests.files import encrypted_pdf, pdf_with_text
from renkei.core.uploads import MAX_FILE_BYTES
from renkei.places.tests.factories import PlaceFactory
from renkei.programmes import services
from renkei.programmes.models import Answer, Application, ReviewAssignment

pytestmark = pytest.mark.django_db
PDF = pdf_with_text("Letter of support")


def bearer(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=user, name='t')[1]}"}


def files_in(root) -> list[Path]:
    return [p for p in Path(root).rglob("*") if p.is_file()] if Path(root).exists() else []


@pytest.fixture
def call(officer):
    programme = services.programme_create(actor=officer, data={"title": {"en": "CPP"}})
    now = timezone.now()
    call = services.call_create(actor=officer, programme=programme, data={
        "title": {"en": "Call"}, "slug": "call", "opens_at": now - timedelta(days=1),
        "closes_at": now + timedelta(days=3),
        "questions": [{"text": {"en": "Letter"}, "kind": "file"}, {"text": {"en": "Why?"}}],
        "criteria": [{"name": {"en": "Fit"}}]})
    services.call_transition(actor=officer, call=call, to="open")
    return call


@pytest.fixture
def applicant(call):
    place = PlaceFactory(slug="toyama")
    fp = UserFactory(roles=[Role.FOCAL_POINT], places=[place])
    application = services.application_save(actor=fp, call=call, place=place, answers={})
    return application, fp


def questions(call):
    return call.questions.get(kind="file"), call.questions.get(kind="text")


def upload(client, application, question, user=None, name="letter.pdf", content=PDF):
    headers = bearer(user) if user else {}
    return client.post(f"/api/v1/applications/{application.pk}/answers/{question.pk}/file",
                       {"file": SimpleUploadedFile(name, content)}, **headers)


def test_the_focal_point_uploads_and_everyone_who_may_read_downloads(client, call, applicant, officer, settings,
                                                                     django_capture_on_commit_callbacks):
    application, fp = applicant
    letter, _why = questions(call)
    response = upload(client, application, letter, fp)
    assert response.status_code == 200, response.content
    [answer] = response.json()["answers"]
    assert answer["question"] == letter.pk and answer["file"] is True and answer["file_name"] == "letter.pdf"
    assert answer["file_url"] == f"/api/v1/applications/{application.pk}/answers/{letter.pk}/file"
    assert Application.objects.get().status == "draft"
    for reader in (fp, officer):
        got = client.get(answer["file_url"], **bearer(reader))
        assert got.status_code == 200 and b"".join(got.streaming_content) == PDF
        assert 'filename="letter.pdf"' in got["Content-Disposition"]
    # the detail and the list carry it too
    detail = client.get(f"/api/v1/applications/{application.pk}", **bearer(officer)).json()
    assert detail["answers"][0]["file_name"] == "letter.pdf"
    # a new file replaces the old one, and the old one is removed
    with django_capture_on_commit_callbacks(execute=True):
        assert upload(client, application, letter, fp, name="second.pdf").status_code == 200
    assert [p.name for p in files_in(settings.MEDIA_ROOT)] == ["second.pdf"]
    # the saved file counts when the application is submitted with the text answers
    _letter, why = questions(call)
    submitted = client.post("/api/v1/calls/call/applications",
                            {"place": "toyama", "answers": {str(why.pk): "Because"}, "submit": True},
                            content_type="application/json", **bearer(fp))
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"


def test_other_focal_points_anonymous_officers_and_reviewers(client, call, applicant, officer):
    application, fp = applicant
    letter, _why = questions(call)
    other = UserFactory(roles=[Role.FOCAL_POINT], places=[PlaceFactory()])
    assert upload(client, application, letter, other).status_code == 404  # cannot see the application at all
    assert upload(client, application, letter).status_code == 401
    refused = upload(client, application, letter, officer)  # sees it, but does not apply for the place
    assert refused.status_code == 403 and refused.json()["error"]["code"]
    assert not Answer.objects.exclude(file="").exists()
    assert upload(client, application, letter, fp).status_code == 200
    url = f"/api/v1/applications/{application.pk}/answers/{letter.pk}/file"
    assert client.get(url).status_code == 401
    assert client.get(url, **bearer(other)).status_code == 404
    # a reviewer reads it only after declaring no conflict
    services.application_save(actor=fp, call=call, place=application.place,
                              answers={questions(call)[1].pk: "Because"}, submit=True)
    reviewer = UserFactory(roles=[Role.REVIEWER])
    application.refresh_from_db()
    seat = services.review_assign(actor=officer, application=application, reviewer=reviewer)
    assert client.get(url, **bearer(reviewer)).status_code == 404
    services.conflict_declare(actor=reviewer, assignment=seat, conflicted=False)
    assert client.get(url, **bearer(reviewer)).status_code == 200
    ReviewAssignment.objects.filter(pk=seat.pk).update(conflicted=True)
    assert client.get(url, **bearer(reviewer)).status_code == 404


@pytest.mark.parametrize(("name", "content", "message"), [
    ("letter.exe", b"MZ\x90\x00", "only"),
    ("letter.pdf", b"", "empty"),
    ("letter.pdf", b"%PDF-1.4\nnot really", "cannot be read as a PDF"),
    ("letter.pdf", encrypted_pdf(), "password"),
    ("letter.pdf", b"%PDF" + b"x" * MAX_FILE_BYTES, "larger than 10 MB"),
])
def test_a_refused_file_is_a_422_naming_the_question_and_changes_nothing(client, call, applicant, name, content,
                                                                       message, settings):
    application, fp = applicant
    letter, _why = questions(call)
    response = upload(client, application, letter, fp, name=name, content=content)
    assert response.status_code == 422
    error = response.json()["error"]
    assert message in error["message"] and list(error["fields"]) == [f"q{letter.pk}"]
    assert not Answer.objects.exists() and files_in(settings.MEDIA_ROOT) == []


def test_wrong_question_missing_file_or_unreadable_body(client, call, applicant):
    application, fp = applicant
    letter, why = questions(call)
    response = upload(client, application, why, fp)  # a text question
    assert response.status_code == 422 and f"q{why.pk}" in response.json()["error"]["fields"]
    foreign = client.post(f"/api/v1/applications/{application.pk}/answers/999999/file",
                          {"file": SimpleUploadedFile("a.pdf", PDF)}, **bearer(fp))
    assert foreign.status_code == 422 and "q999999" in foreign.json()["error"]["fields"]
    url = f"/api/v1/applications/{application.pk}/answers/{letter.pk}/file"
    missing = client.post(url, {}, **bearer(fp))
    assert missing.status_code == 422 and "file" in missing.json()["error"]["fields"]
    no_boundary = client.post(url, data=b"--x\r\n", content_type="multipart/form-data", **bearer(fp))
    assert no_boundary.status_code == 400 and no_boundary.json()["error"]["code"] == "invalid"
    as_json = client.post(url, {"file": "x"}, content_type="application/json", **bearer(fp))
    assert as_json.status_code in (400, 422)
    assert client.get(url, **bearer(fp)).status_code == 404  # nothing attached yet
    assert not Answer.objects.exclude(file="").exists()


def test_after_the_deadline_the_file_is_refused(client, call, applicant):
    application, fp = applicant
    letter, _why = questions(call)
    type(call).objects.filter(pk=call.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    response = upload(client, application, letter, fp)
    assert response.status_code == 422 and "call" in response.json()["error"]["fields"]


def test_the_operations_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    operation = paths["/api/v1/applications/{pk}/answers/{question}/file"]
    assert "multipart/form-data" in operation["post"]["requestBody"]["content"]
    assert operation["get"]["operationId"] == "answer_file"


def test_the_review_page_links_the_file(client, call, applicant, officer):
    application, fp = applicant
    letter, why = questions(call)
    services.application_save(actor=fp, call=call, place=application.place,
                              answers={letter.pk: services.Upload("letter.pdf", PDF), why.pk: "Because"},
                              submit=True)
    reviewer = UserFactory(roles=[Role.REVIEWER])
    application.refresh_from_db()
    seat = services.review_assign(actor=officer, application=application, reviewer=reviewer)
    services.conflict_declare(actor=reviewer, assignment=seat, conflicted=False)
    client.force_login(reviewer)
    page = client.get(f"/reviews/{seat.pk}/").content.decode()
    link = f"/applications/{application.pk}/answers/{letter.pk}/file/"
    assert link in page
    got = client.get(link)
    assert got.status_code == 200 and b"".join(got.streaming_content) == PDF
    client.force_login(UserFactory(roles=[Role.FOCAL_POINT], places=[PlaceFactory()]))
    assert client.get(link).status_code == 404


@pytest.mark.parametrize("name", ["a" * 300 + ".pdf", "le\x00tter.pdf", "../../etc/letter.pdf", "レター.pdf"])
def test_odd_file_names_are_stored_safely(client, call, applicant, name):
    application, fp = applicant
    letter, _why = questions(call)
    response = upload(client, application, letter, fp, name=name)
    assert response.status_code == 200
    stored = response.json()["answers"][0]["file_name"]
    assert stored.endswith(".pdf") and "/" not in stored and "\x00" not in stored
    assert len(Answer.objects.get().file.name) <= 100


def test_the_application_page_shows_a_refused_file_at_its_question(client, call, applicant):
    application, fp = applicant
    letter, _why = questions(call)
    client.force_login(fp)
    page = client.post(f"/calls/call/apply/{application.place.slug}/",
                       {f"q{letter.pk}": SimpleUploadedFile("letter.exe", b"MZ"), "save": "1"})
    assert page.status_code == 200
    html = page.content.decode()
    field = html[html.index(f'id="q{letter.pk}"'):]
    assert "letter.exe: only PDF" in field[:field.index("</div>")]
