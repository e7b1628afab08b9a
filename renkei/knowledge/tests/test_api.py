"""The library in the JSON API at /api/v1/, through the real URL conf, authentication and database:
every endpoint, its happy path and its errors in the one format {"error": {code, message, fields}}."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.utils import timezone

from renkei.accounts.models import Role
from renkei.accounts.tests.clients import as_user, error
from renkei.accounts.tests.factories import UserFactory
from renkei.core.tests.files import encrypted_pdf, pdf_with_text, png, zipped
from renkei.knowledge import services
from renkei.knowledge.models import IndexJob, KnowledgeRequest, Product, ProductFile, SearchDocument
from renkei.knowledge.tests.factories import product
from renkei.partnerships.models import Partnership
from renkei.places.tests.factories import ExpertiseFactory, NeedFactory, PlaceFactory, theme

pytestmark = pytest.mark.django_db

API = "/api/v1"


def post(client, path, body=None):
    return client.post(API + path, body or {}, content_type="application/json")


def patch(client, path, body):
    return client.patch(API + path, body, content_type="application/json")


def stored_files(settings) -> list:
    root = settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


NEW = {"kind": "case_study", "title": {"en": "Solid waste sorting in Kitakyushu"},
       "summary": {"en": "Households sort their waste into ten kinds."}}


@pytest.fixture
def shelf(focal_point):
    return {
        "toyama": product(title="Compact city planning in Toyama", kind="case_study", slug="toyama",
                          summary="Homes along the tram lines.", published_on="2016-11-03", themes=["compact-city"]),
        "waste": product(title="Solid waste toolkit", kind="toolkit", slug="waste", published_on="2019-05-01",
                         themes=["solid-waste"]),
        "members": product(title="Compact city members' note", kind="knowledge_note", slug="members",
                           visibility="members"),
        "draft": product(actor=focal_point, title="Compact city draft", slug="draft", status="draft"),
    }


# --- search -------------------------------------------------------------------------------------

def test_search_returns_ranked_hits_with_snippets_and_facets(client, shelf):
    body = client.get(f"{API}/knowledge/search", {"q": "compact city", "mode": "fulltext"}).json()
    assert body["query"] == "compact city" and body["mode"] == "fulltext" and body["sort"] == "relevance"
    assert [r["slug"] for r in body["results"]] == ["toyama"]  # no draft, no members-only note
    hit = body["results"][0]
    assert "<mark>" in hit["title_html"] and hit["url"] == "/library/toyama/"
    assert hit["fulltext"] == 1.0 and hit["published_on"] == "2016-11-03"
    assert body["total"] == 1 and body["pages"] == 1
    assert {f["value"]: f["count"] for f in body["facets"]["kind"]} == {"case_study": 1}
    assert set(body["facets"]) == {"kind", "theme", "place", "country", "language", "year"}
    assert "fulltext" in body["timings_ms"]


def test_search_names_the_themes_and_places_it_searched_in_both_languages(client, shelf, place):
    body = client.get(f"{API}/knowledge/search", {"q": "compact city Testville"}).json()
    assert body["themes"] == ["compact-city"] and body["places"] == ["testville"]
    assert [r["slug"] for r in body["results"]][:1] == ["toyama"]
    body = client.get(f"{API}/knowledge/search", {"q": "toolkit", "mode": "fulltext"}).json()
    assert body["themes"] == [] and body["places"] == []


def test_search_without_words_lists_the_visible_library_newest_first(client, shelf, focal_point):
    body = client.get(f"{API}/knowledge/search").json()
    assert [r["slug"] for r in body["results"]] == ["waste", "toyama"] and body["sort"] == "newest"
    mine = as_user(focal_point).get(f"{API}/knowledge/search", {"sort": "title"}).json()
    assert [r["slug"] for r in mine["results"]] == ["draft", "members", "toyama", "waste"]


def test_search_filters_combine_and_facets_count_the_other_values(client, shelf):
    body = client.get(f"{API}/knowledge/search", {"kind": "toolkit", "year": 2019}).json()
    assert [r["slug"] for r in body["results"]] == ["waste"]
    kinds = {f["value"]: (f["count"], f["selected"]) for f in body["facets"]["kind"]}
    assert kinds == {"toolkit": (1, True)}
    body = client.get(f"{API}/knowledge/search", {"theme": "compact-city"}).json()
    assert [r["slug"] for r in body["results"]] == ["toyama"]


def test_search_paginates(client):
    for n in range(3):
        product(title=f"Waste note {n}", slug=f"note-{n}", published_on=f"201{n}-01-01")
    body = client.get(f"{API}/knowledge/search", {"page_size": 2, "page": 2}).json()
    assert (body["total"], body["pages"], body["page"]) == (3, 2, 2)
    assert [r["slug"] for r in body["results"]] == ["note-0"]


@pytest.mark.parametrize(("params", "field"), [
    ({"kind": "poem"}, "kind"), ({"sort": "random"}, "sort"), ({"mode": "magic"}, "mode"), ({"page": 0}, "page"),
    ({"page": "two"}, "page"), ({"page_size": 0}, "page_size"), ({"page_size": 101}, "page_size"),
    ({"page_size": "many"}, "page_size"), ({"country": "Narnia"}, "country"), ({"year": 1800}, "year"),
    ({"year": 2101}, "year"), ({"year": "last"}, "year"), ({"q": "x" * 501}, "q")])
def test_bad_search_parameters_are_422_naming_the_field(client, params, field):
    err = error(client.get(f"{API}/knowledge/search", params), 422)
    assert err["code"] == "invalid" and list(err["fields"]) == [field]
    assert err["message"].startswith(f"{field}: ")


def test_a_country_by_name_or_code_filters(client, place):
    product(title="Testville waste", slug="tv", places=[place.slug])
    product(title="Nowhere waste", slug="nw")
    for country in ("JP", "jp", "Japan"):
        body = client.get(f"{API}/knowledge/search", {"country": country}).json()
        assert [r["slug"] for r in body["results"]] == ["tv"]


def test_a_bad_token_is_401_even_on_the_search(client):
    err = error(client.get(f"{API}/knowledge/search", HTTP_AUTHORIZATION="Bearer rk_bogus"), 401)
    assert err["code"] == "unauthorized"


# --- products -----------------------------------------------------------------------------------

def test_the_product_list_shows_what_the_reader_may_see(client, shelf, reviewer, focal_point, knowledge_manager):
    def slugs(c, **params):
        return {p["slug"] for p in c.get(f"{API}/knowledge/products", params).json()["results"]}

    assert slugs(client) == {"toyama", "waste"}
    assert slugs(as_user(reviewer)) == {"toyama", "waste", "members"}
    assert slugs(as_user(focal_point)) == {"toyama", "waste", "members", "draft"}
    assert slugs(as_user(knowledge_manager), status="draft") == {"draft"}
    assert slugs(client, kind="toolkit") == {"waste"}


def test_one_product_in_full(client, shelf, place):
    body = client.get(f"{API}/knowledge/products/toyama").json()
    assert body["slug"] == "toyama" and body["kind"] == "case_study" and body["status"] == "published"
    assert body["title"] == {"en": "Compact city planning in Toyama"} and body["themes"] == ["compact-city"]
    assert body["languages"] == ["en"] and body["files"] == [] and body["url"] == "/library/toyama/"
    assert isinstance(body["version"], int)


@pytest.mark.parametrize("slug", ["draft", "members", "nowhere"])
def test_what_a_visitor_may_not_see_is_404(client, shelf, slug):
    err = error(client.get(f"{API}/knowledge/products/{slug}"), 404)
    assert err["code"] == "not_found"
    error(client.get(f"{API}/knowledge/products/{slug}/similar"), 404)


def test_drafts_are_seen_by_their_author_and_knowledge_managers(shelf, focal_point, knowledge_manager, officer):
    assert as_user(focal_point).get(f"{API}/knowledge/products/draft").status_code == 200
    assert as_user(knowledge_manager).get(f"{API}/knowledge/products/draft").status_code == 200
    error(as_user(officer).get(f"{API}/knowledge/products/draft"), 404)


def test_creating_a_product_gives_a_draft_with_suggested_themes(officer):
    response = post(as_user(officer), "/knowledge/products", NEW)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "draft" and body["slug"] == "solid-waste-sorting-in-kitakyushu"
    assert body["themes"] == ["solid-waste"] and body["suggested_themes"][0][0] == "solid-waste"
    assert Product.objects.get(slug=body["slug"]).created_by == officer


def test_a_curator_creates_a_product_published_and_it_is_searchable(client, knowledge_manager):
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = post(as_user(knowledge_manager), "/knowledge/products",
                        {**NEW, "status": "published", "themes": ["environment"], "slug": "kitakyushu"})
    assert response.status_code == 201 and response.json()["themes"] == ["environment"]
    body = client.get(f"{API}/knowledge/search", {"q": "households sort", "mode": "fulltext"}).json()
    assert [r["slug"] for r in body["results"]] == ["kitakyushu"]


def test_creating_needs_an_authoring_role(client, reviewer, focal_point):
    assert error(post(client, "/knowledge/products", NEW), 401)["code"] == "unauthorized"
    assert error(post(as_user(reviewer), "/knowledge/products", NEW), 403)["code"] == "forbidden"
    assert error(post(as_user(focal_point), "/knowledge/products", {**NEW, "status": "published"}), 403)
    assert Product.objects.count() == 0


@pytest.mark.parametrize(("changes", "field"), [
    ({"kind": "poem"}, "kind"), ({"title": {"xx": "Waste"}}, "title"), ({"title": {}}, "title"),
    ({"video_url": "ftp://x"}, "video_url"), ({"published_on": "2999-01-01"}, "published_on"),
    ({"published_on": "someday"}, "published_on"), ({"cost_min_eur": "NaN"}, "cost_min_eur"),
    ({"suits_min_population": 9, "suits_max_population": 1}, "suits_max_population"),
    ({"themes": ["nope"]}, "themes"), ({"places": ["atlantis"]}, "places"), ({"licence": "WTFPL"}, "licence"),
    ({"status": "archived"}, "status"), ({"title": "just a string"}, "title")])
def test_a_bad_product_is_422_naming_the_field(officer, changes, field):
    err = error(post(as_user(officer), "/knowledge/products", {**NEW, **changes}), 422)
    assert err["code"] == "invalid" and field in err["fields"], err
    assert Product.objects.count() == 0


def test_a_missing_required_field_is_422(officer):
    err = error(post(as_user(officer), "/knowledge/products", {"kind": "toolkit"}), 422)
    assert "title" in err["fields"]


def test_editing_a_product(shelf, focal_point):
    c = as_user(focal_point)
    version = c.get(f"{API}/knowledge/products/draft").json()["version"]
    response = patch(c, "/knowledge/products/draft", {"summary": {"ja": "下書きの要約"}, "version": version})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["summary"] == {"ja": "下書きの要約"} and body["version"] == version + 1
    assert body["title"] == {"en": "Compact city draft"} and body["languages"] == ["en", "ja"]


def test_a_stale_edit_is_409_and_changes_nothing(shelf, focal_point):
    c = as_user(focal_point)
    version = c.get(f"{API}/knowledge/products/draft").json()["version"]
    assert patch(c, "/knowledge/products/draft", {"summary": {"en": "First"}, "version": version}).status_code == 200
    err = error(patch(c, "/knowledge/products/draft", {"summary": {"en": "Second"}, "version": version}), 409)
    assert err["code"] == "conflict"
    assert Product.objects.get(slug="draft").summary == {"en": "First"}


def test_editing_errors(client, shelf, focal_point, officer, other_place):
    error(patch(client, "/knowledge/products/toyama", {"summary": {"en": "x"}}), 401)
    stranger = UserFactory(roles=[Role.FOCAL_POINT], places=[other_place])
    assert error(patch(as_user(stranger), "/knowledge/products/toyama", {"summary": {"en": "x"}}), 403)
    error(patch(as_user(officer), "/knowledge/products/draft", {"summary": {"en": "x"}}), 404)  # not visible
    err = error(patch(as_user(focal_point), "/knowledge/products/draft", {"suits_min_population": -1}), 422)
    assert list(err["fields"]) == ["suits_min_population"]


def test_publishing_and_unpublishing(client, shelf, knowledge_manager, focal_point):
    error(post(as_user(focal_point), "/knowledge/products/draft/status", {"status": "published"}), 403)
    c = as_user(knowledge_manager)
    with TestCase.captureOnCommitCallbacks(execute=True):
        body = post(c, "/knowledge/products/draft/status", {"status": "published"}).json()
    assert body["status"] == "published" and body["published_on"] == timezone.localdate().isoformat()
    assert client.get(f"{API}/knowledge/products/draft").status_code == 200
    assert "draft" in {r["slug"] for r in client.get(f"{API}/knowledge/search").json()["results"]}
    err = error(post(c, "/knowledge/products/draft/status", {"status": "published"}), 422)
    assert "status" in err["fields"]
    error(post(c, "/knowledge/products/draft/status", {"status": "gone"}), 422)
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert post(c, "/knowledge/products/draft/status", {"status": "draft"}).json()["status"] == "draft"
    error(client.get(f"{API}/knowledge/products/draft"), 404)
    assert "draft" not in {r["slug"] for r in client.get(f"{API}/knowledge/search").json()["results"]}


def test_deleting(client, shelf, focal_point, knowledge_manager, officer):
    error(client.delete(f"{API}/knowledge/products/draft"), 401)
    error(as_user(officer).delete(f"{API}/knowledge/products/draft"), 404)
    error(as_user(focal_point).delete(f"{API}/knowledge/products/toyama"), 403)
    assert as_user(focal_point).delete(f"{API}/knowledge/products/draft").status_code == 204
    assert as_user(knowledge_manager).delete(f"{API}/knowledge/products/toyama").status_code == 204
    assert set(Product.objects.values_list("slug", flat=True)) == {"waste", "members"}


# --- files --------------------------------------------------------------------------------------

def upload(name, content, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def test_uploading_files(shelf, focal_point, settings):
    pdf = pdf_with_text("Ten kinds of household waste.")
    response = as_user(focal_point).post(f"{API}/knowledge/products/draft/files",
                                         {"files": [upload("sorting.pdf", pdf),
                                                    upload("bins.png", png(), "image/png")]})
    assert response.status_code == 201, response.content
    files = {f["name"]: f for f in response.json()["files"]}
    assert files["sorting.pdf"]["kind"] == "pdf" and files["sorting.pdf"]["text_status"] == "extracted"
    assert files["sorting.pdf"]["pages"] == 1 and files["sorting.pdf"]["size"] == len(pdf)
    assert files["bins.png"]["kind"] == "image"
    assert files["sorting.pdf"]["url"] == f"/library/draft/files/{files['sorting.pdf']['id']}/"
    assert "Ten kinds of household waste" in ProductFile.objects.get(name="sorting.pdf").text
    assert len(stored_files(settings)) == 2


@pytest.mark.parametrize(("name", "content", "words"), [
    ("report.pdf", b"only text, not a PDF", "not really a PDF"), ("tool.exe", b"MZ", "not accepted"),
    ("locked.pdf", encrypted_pdf(), "password"), ("cut.pdf", b"%PDF-1.4\n1 0 obj <<", "cannot be read"),
    ("plan.docx", zipped({"notes.txt": b"hi"}), "not really a DOCX"),
    ("photo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32, "damaged or incomplete")])
def test_a_bad_file_is_422_and_nothing_is_saved(shelf, focal_point, settings, name, content, words):
    good = upload("good.pdf", pdf_with_text("Fine"))
    response = as_user(focal_point).post(f"{API}/knowledge/products/draft/files",
                                         {"files": [good, upload(name, content)]})
    err = error(response, 422)
    assert list(err["fields"]) == ["files"] and words in err["fields"]["files"][0] and name in err["message"]
    assert ProductFile.objects.count() == 0 and stored_files(settings) == []


def test_uploading_needs_an_editor(client, shelf, reviewer, officer, settings):
    pdf = upload("a.pdf", pdf_with_text("x"))
    error(client.post(f"{API}/knowledge/products/toyama/files", {"files": [pdf]}), 401)
    error(as_user(reviewer).post(f"{API}/knowledge/products/toyama/files", {"files": [pdf]}), 403)
    error(as_user(officer).post(f"{API}/knowledge/products/draft/files", {"files": [pdf]}), 404)
    assert ProductFile.objects.count() == 0 and stored_files(settings) == []


def test_uploading_without_a_file_is_422(shelf, focal_point):
    err = error(as_user(focal_point).post(f"{API}/knowledge/products/draft/files", {}), 422)
    assert [name.split(".")[-1] for name in err["fields"]] == ["files"]


# --- similar, themes, places ----------------------------------------------------------------------

def test_similar_products(client, shelf):
    product(title="Compact city planning in Toyama, part two", slug="toyama-2", themes=["compact-city"])
    body = client.get(f"{API}/knowledge/products/toyama/similar", {"limit": 2}).json()
    assert body[0]["slug"] == "toyama-2" and set(body[0]) == {"slug", "title", "kind", "similarity"}
    assert "toyama" not in {s["slug"] for s in body} and "draft" not in {s["slug"] for s in body}
    assert len(body) == 2


def test_theme_suggestions(client):
    body = post(client, "/knowledge/themes/suggest", {"text": "ごみの分別とリサイクル"}).json()
    assert body[0]["code"] == "solid-waste" and 0 < body[0]["confidence"] <= 1 and body[0]["name_ja"]
    err = error(post(client, "/knowledge/themes/suggest", {"text": "x" * 20001}), 422)
    assert list(err["fields"]) == ["text"]
    assert error(post(client, "/knowledge/themes/suggest", {}), 422)["fields"]


def test_what_cities_like_a_place_used(client, place):
    NeedFactory(place=place, theme=theme("water-supply"), priority=5)
    helpton = PlaceFactory(slug="helpton", name_en="Helpton")
    ExpertiseFactory(place=helpton, theme=theme("water-supply"), maturity=5)
    product(title="Helpton's leak detection", slug="leaks", places=["helpton"], themes=["water-supply"])
    body = client.get(f"{API}/places/testville/knowledge").json()
    assert body[0]["slug"] == "leaks" and body[0]["similarity"] > 0
    error(client.get(f"{API}/places/atlantis/knowledge"), 404)
    PlaceFactory(slug="secret", is_published=False)
    error(client.get(f"{API}/places/secret/knowledge"), 404)


# --- requests -----------------------------------------------------------------------------------

@pytest.fixture
def helper(other_place):
    return UserFactory(username="helper", roles=[Role.FOCAL_POINT], places=[other_place])


ASK = {"place": "testville", "title": {"en": "We need help reducing non-revenue water"},
       "description": {"en": "A third of our water leaks away."}}


def test_asking_for_help(focal_point, other_place):
    ExpertiseFactory(place=other_place, theme=theme("water-supply"), maturity=4)
    product(title="Non-revenue water toolkit", slug="nrw", kind="toolkit")
    response = post(as_user(focal_point), "/knowledge/requests", ASK)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["place"] == "testville" and body["status"] == "open" and "water-supply" in body["themes"]
    assert body["suggested_places"][0]["place"] == "otherton" and body["suggested_places"][0]["reasons"]
    assert body["suggested_products"][0]["slug"] == "nrw"
    assert body["answers"] == [] and body["activity"] is None and body["partnership"] is None


def test_asking_errors(client, focal_point, reviewer, other_place):
    error(post(client, "/knowledge/requests", ASK), 401)
    assert error(post(as_user(reviewer), "/knowledge/requests", ASK), 403)["code"] == "forbidden"
    error(post(as_user(focal_point), "/knowledge/requests", {**ASK, "place": "otherton"}), 403)
    assert list(error(post(as_user(focal_point), "/knowledge/requests", {**ASK, "place": "atlantis"}),
                      422)["fields"]) == ["place"]
    assert "title" in error(post(as_user(focal_point), "/knowledge/requests", {**ASK, "title": {}}), 422)["fields"]
    assert "themes" in error(post(as_user(focal_point), "/knowledge/requests", {**ASK, "themes": ["nope"]}),
                             422)["fields"]
    assert KnowledgeRequest.objects.count() == 0


@pytest.fixture
def asked(focal_point, place):
    return services.request_create(actor=focal_point, place=place, title=ASK["title"],
                                   description=ASK["description"])


def test_listing_and_reading_requests(client, asked, officer):
    hidden = PlaceFactory(slug="hidden", is_published=False)
    secret = services.request_create(actor=officer, place=hidden, title="Hidden need")
    body = client.get(f"{API}/knowledge/requests").json()
    assert [r["id"] for r in body["results"]] == [asked.pk] and body["count"] == 1
    assert [r["id"] for r in client.get(f"{API}/knowledge/requests", {"status": "closed"}).json()["results"]] == []
    assert [r["id"] for r in as_user(officer).get(f"{API}/knowledge/requests",
                                                  {"place": "hidden"}).json()["results"]] == [secret.pk]
    assert client.get(f"{API}/knowledge/requests/{asked.pk}").json()["title"] == ASK["title"]
    error(client.get(f"{API}/knowledge/requests/{secret.pk}"), 404)
    error(client.get(f"{API}/knowledge/requests/999999"), 404)


def test_answering(client, asked, helper, focal_point):
    p = product(title="Leak detection toolkit", slug="leaks")
    draft = product(title="Unfinished", slug="unfinished", status="draft")
    c = as_user(helper)
    url = f"/knowledge/requests/{asked.pk}/answers"
    error(post(client, url, {"place": "otherton", "text": "x"}), 401)
    err = error(post(c, url, {"place": "otherton", "text": "We can help.", "products": ["leaks", draft.slug]}), 422)
    assert err["fields"] == {"products": ["unknown: unfinished"]}
    error(post(c, url, {"place": "testville", "text": "We can help."}), 403)  # helper does not act for it
    assert "place" in error(post(as_user(focal_point), url, {"place": "testville", "text": "Us"}), 422)["fields"]
    assert "text" in error(post(c, url, {"place": "otherton", "text": " "}), 422)["fields"]
    error(post(c, "/knowledge/requests/999999/answers", {"place": "otherton", "text": "x"}), 404)
    response = post(c, url, {"place": "otherton", "text": "We can help.", "products": ["leaks"]})
    assert response.status_code == 201, response.content
    assert response.json()["products"] == [p.slug] and response.json()["place"] == "otherton"
    body = client.get(f"{API}/knowledge/requests/{asked.pk}").json()
    assert body["status"] == "answered" and [a["text"] for a in body["answers"]] == ["We can help."]


def test_closing(client, asked, helper, focal_point):
    url = f"/knowledge/requests/{asked.pk}/close"
    error(post(client, url), 401)
    error(post(as_user(helper), url), 403)
    assert post(as_user(focal_point), url).json()["status"] == "closed"
    assert "status" in error(post(as_user(focal_point), url), 422)["fields"]
    err = error(post(as_user(helper), f"/knowledge/requests/{asked.pk}/answers", {"place": "otherton", "text": "x"}),
                422)
    assert "request" in err["fields"]


def test_turning_a_request_into_a_partnership(asked, helper, officer, other_place):
    answer = services.answer_add(actor=helper, request=asked, place=other_place, text="We can help.")
    url = f"/knowledge/requests/{asked.pk}/partnership"
    error(post(as_user(helper), url, {"answer": answer.pk}), 403)
    assert list(error(post(as_user(officer), url, {"answer": 999999}), 422)["fields"]) == ["answer"]
    assert "answer" in error(post(as_user(officer), url, {}), 422)["fields"]
    response = post(as_user(officer), url, {"answer": answer.pk})
    assert response.status_code == 201, response.content
    partnership = Partnership.objects.get(slug=response.json()["partnership"])
    assert {m.place.slug for m in partnership.members.all()} == {"testville", "otherton"}
    assert "request" in error(post(as_user(officer), url, {"answer": answer.pk}), 422)["fields"]


def test_turning_a_request_into_an_activity(asked, officer, helper):
    url = f"/knowledge/requests/{asked.pk}/activity"
    starts = (timezone.now() + timedelta(days=30)).replace(microsecond=0)
    good = {"kind": "webinar", "starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=2)).isoformat()}
    error(post(as_user(helper), url, good), 403)
    assert "kind" in error(post(as_user(officer), url, {**good, "kind": "party"}), 422)["fields"]
    assert "ends_at" in error(post(as_user(officer), url, {**good, "ends_at": good["starts_at"]}), 422)["fields"]
    assert "starts_at" in error(post(as_user(officer), url, {**good, "starts_at": "soon"}), 422)["fields"]
    assert "timezone" in error(post(as_user(officer), url, {**good, "timezone": "Mars/Base"}), 422)["fields"]
    response = post(as_user(officer), url, good)
    assert response.status_code == 201, response.content
    assert response.json()["activity"].startswith("we-need-help-reducing-non-revenue-water")
    assert "request" in error(post(as_user(officer), url, good), 422)["fields"]


# --- the index ----------------------------------------------------------------------------------

def test_rebuilding_the_index(client, shelf, knowledge_manager, focal_point):
    error(post(client, "/knowledge/index/rebuild"), 401)
    error(post(as_user(focal_point), "/knowledge/index/rebuild"), 403)
    c = as_user(knowledge_manager)
    SearchDocument.objects.all().delete()
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = post(c, "/knowledge/index/rebuild")
    assert response.status_code == 202, response.content
    job = response.json()
    assert job["status"] == "queued" and job["total"] == 4
    body = c.get(f"{API}/knowledge/index/jobs/{job['id']}").json()
    assert (body["status"], body["done"], body["percent"]) == ("done", 4, 100) and body["finished_at"]
    assert SearchDocument.objects.count() == 4
    error(as_user(focal_point).get(f"{API}/knowledge/index/jobs/{job['id']}"), 403)
    error(c.get(f"{API}/knowledge/index/jobs/999999"), 404)


def test_a_second_rebuild_while_one_is_queued_is_409(knowledge_manager):
    c = as_user(knowledge_manager)
    assert post(c, "/knowledge/index/rebuild").status_code == 202
    assert error(post(c, "/knowledge/index/rebuild"), 409)["code"] == "conflict"
    assert IndexJob.objects.count() == 1


# --- the schema ---------------------------------------------------------------------------------

def test_every_endpoint_is_in_the_openapi_schema(client):
    paths = client.get(f"{API}/openapi.json").json()["paths"]
    expected = {
        "/api/v1/knowledge/search": {"get"},
        "/api/v1/knowledge/products": {"get", "post"},
        "/api/v1/knowledge/products/{slug}": {"get", "patch", "delete"},
        "/api/v1/knowledge/products/{slug}/status": {"post"},
        "/api/v1/knowledge/products/{slug}/files": {"post"},
        "/api/v1/knowledge/products/{slug}/similar": {"get"},
        "/api/v1/knowledge/themes/suggest": {"post"},
        "/api/v1/places/{slug}/knowledge": {"get"},
        "/api/v1/knowledge/requests": {"get", "post"},
        "/api/v1/knowledge/requests/{pk}": {"get"},
        "/api/v1/knowledge/requests/{pk}/answers": {"post"},
        "/api/v1/knowledge/requests/{pk}/close": {"post"},
        "/api/v1/knowledge/requests/{pk}/partnership": {"post"},
        "/api/v1/knowledge/requests/{pk}/activity": {"post"},
        "/api/v1/knowledge/index/rebuild": {"post"},
        "/api/v1/knowledge/index/jobs/{pk}": {"get"},
    }
    for path, methods in expected.items():
        assert path in paths, path
        assert methods <= set(paths[path]), (path, set(paths[path]))
    upload_body = paths["/api/v1/knowledge/products/{slug}/files"]["post"]["requestBody"]["content"]
    assert "multipart/form-data" in upload_body
    assert "422" in paths["/api/v1/knowledge/products"]["post"]["responses"]


@pytest.mark.parametrize("params, field", [({"theme": "no-such-theme"}, "theme"), ({"place": "atlantis"}, "place"),
                                           ({"language": "xx"}, "language")])
def test_search_refuses_unknown_themes_places_and_languages(client, params, field):
    response = client.get("/api/v1/knowledge/search", params)
    assert response.status_code == 422
    assert field in response.json()["error"]["fields"]


def test_changing_a_request(client, asked, helper, focal_point):
    url = f"/knowledge/requests/{asked.pk}"
    error(patch(client, url, {"description": {"en": "More"}}), 401)
    error(patch(as_user(helper), url, {"description": {"en": "More"}}), 403)
    mine = as_user(focal_point)
    tag = mine.get(f"{API}{url}")["ETag"]
    changed = mine.patch(f"{API}{url}", {"description": {"en": "Half of our water leaks away."}},
                         content_type="application/json", HTTP_IF_MATCH=tag)
    assert changed.status_code == 200, changed.content
    body = changed.json()
    assert body["description"] == {"en": "Half of our water leaks away."} and body["title"] == ASK["title"]
    assert body["version"] == asked.version + 1 and body["updated_at"]
    stale = mine.patch(f"{API}{url}", {"title": {"en": "Other"}}, content_type="application/json", HTTP_IF_MATCH=tag)
    assert "If-Match" in error(stale, 412)["fields"]
    assert "title" in error(patch(mine, url, {"title": {}}), 422)["fields"]
    assert KnowledgeRequest.objects.get(pk=asked.pk).title == ASK["title"]
    since = client.get(f"{API}/knowledge/requests", {"updated_since": body["updated_at"]}).json()
    assert [r["id"] for r in since["results"]] == [asked.pk]


def test_removing_a_file(client, focal_point, settings):
    item = product(actor=focal_point, title="Sorting guide", slug="guide", status="draft")
    c = as_user(focal_point)
    added = c.post(f"{API}/knowledge/products/guide/files",
                   {"files": [SimpleUploadedFile("guide.pdf", pdf_with_text("Sorting guide"))]})
    assert added.status_code == 201, added.content
    pk = added.json()["files"][0]["id"]
    error(client.delete(f"{API}/knowledge/products/guide/files/{pk}"), 401)
    error(c.delete(f"{API}/knowledge/products/guide/files/999999"), 404)
    assert c.delete(f"{API}/knowledge/products/guide/files/{pk}").status_code == 204
    assert not ProductFile.objects.filter(product=item).exists()
