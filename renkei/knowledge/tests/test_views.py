"""The knowledge library's pages: the searchable library with facets, product pages, the authoring
form with its files, downloads, knowledge requests, the index page and the place partial, in
English and Japanese. Bad input gives a message, never a 500."""

import html
import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.utils import timezone

from renkei.accounts.models import Role
from renkei.accounts.tests.clients import login
from renkei.accounts.tests.factories import UserFactory
from renkei.activities.models import Activity
from renkei.core.tests.files import damaged_pdf, encrypted_pdf, pdf_with_text, png, zipped
from renkei.core.uploads import Upload
from renkei.knowledge import services
from renkei.knowledge.models import IndexJob, KnowledgeRequest, Product, ProductFile, RequestAnswer, SearchDocument
from renkei.knowledge.tests.factories import product
from renkei.partnerships.models import Partnership
from renkei.places.tests.factories import ExpertiseFactory, NeedFactory, PlaceFactory, theme

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
JA = {"HTTP_ACCEPT_LANGUAGE": "ja"}


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def hit_slugs(response) -> list[str]:
    return re.findall(r'<h2 class="hit-title"><a href="/library/([^/]+)/">', text(response))


def facet_links(page: str, facet: str) -> dict[str, str]:
    """label → href of one facet's values."""
    section = re.search(rf'<section class="facet" aria-labelledby="facet-{facet}">(.*?)</section>', page, re.S)
    assert section, f"no {facet} facet"
    return {label: html.unescape(href) for href, label in
            re.findall(r'<a href="([^"]+)"[^>]*><span class="facet-label">([^<]+)</span>', section.group(1))}


def stored_files() -> list:
    root = settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.fixture
def shelf(place, focal_point):
    return {
        "toyama": product(title="Compact city planning in Toyama", kind="case_study", slug="toyama",
                          summary="Homes along the tram lines.", published_on="2016-11-03", themes=["compact-city"],
                          places=[place.slug]),
        "waste": product(title="Solid waste toolkit", kind="toolkit", slug="waste", published_on="2019-05-01",
                         themes=["solid-waste"]),
        "kamaishi": product(title={"ja": "釜石市の津波からの復興"}, kind="case_study", slug="kamaishi",
                            published_on="2022-06-29", themes=["tsunami-reconstruction"]),
        "members": product(title="Members' note", kind="knowledge_note", slug="members", visibility="members"),
        "draft": product(actor=focal_point, title="Compact city draft", slug="draft", status="draft",
                         files=[], summary="Work in progress."),
    }


# --- the library --------------------------------------------------------------------------------

def test_the_library_lists_what_a_visitor_may_see_newest_first(client, shelf):
    response = client.get("/library/")
    page = text(response)
    assert "<html" in page and "Knowledge library" in page
    assert hit_slugs(response) == ["kamaishi", "waste", "toyama"]
    assert "3 products" in page and "Compact city draft" not in page and "Members&#x27; note" not in page
    assert 'href="/library/new/"' not in page  # visitors do not write


def test_a_search_highlights_and_the_htmx_request_gets_only_the_results(client, shelf):
    response = client.get("/library/", {"q": "compact city"}, **HTMX)
    page = text(response)
    assert "<html" not in page and '<ol class="hits">' in page
    assert hit_slugs(response)[0] == "toyama" and "draft" not in hit_slugs(response)
    assert "<mark>Compact city</mark> planning in Toyama" in page and "matches your words" in page


def test_a_search_naming_a_place_shows_that_its_names_were_searched_too(client, shelf):
    response = client.get("/library/", {"q": "テスト市"})
    page = text(response)
    assert "Also searched in both languages:" in page
    assert '<a class="chip" href="/places/testville/">Testville</a>' in page
    assert "toyama" in hit_slugs(response)  # tied to Testville, written in English only
    assert "Also searched in both languages:" not in text(client.get("/library/", {"q": "toolkit"}))
    page = text(client.get("/library/", {"q": "compact city"}))  # a theme, named in English: its Japanese names too
    assert 'Also searched in both languages: <a class="chip" href="/themes/compact-city/">' in page


def test_facets_narrow_the_results_and_can_be_removed(client, shelf):
    page = text(client.get("/library/"))
    kinds = facet_links(page, "kind")
    assert set(kinds) == {"Case study", "Toolkit"}
    narrowed = client.get("/library/" + kinds["Toolkit"])
    assert hit_slugs(narrowed) == ["waste"]
    chosen = re.search(r'<a class="chip chip-selected" href="([^"]+)"', text(narrowed))
    assert chosen and "Type: Toolkit" in text(narrowed)
    assert hit_slugs(client.get("/library/" + html.unescape(chosen.group(1)))) == ["kamaishi", "waste", "toyama"]
    years = facet_links(text(client.get("/library/" + kinds["Case study"])), "year")
    assert set(years) == {"2022", "2016"}  # the other facets count within the chosen type
    both = client.get("/library/" + years["2016"])
    assert hit_slugs(both) == ["toyama"]
    themes = facet_links(text(client.get("/library/")), "theme")
    assert hit_slugs(client.get("/library/" + themes[theme("tsunami-reconstruction").name_en])) == ["kamaishi"]
    places = facet_links(text(client.get("/library/")), "place")
    assert hit_slugs(client.get("/library/" + places["Testville"])) == ["toyama"]
    languages = facet_links(text(client.get("/library/")), "language")
    assert hit_slugs(client.get("/library/" + languages["日本語"])) == ["kamaishi"]


def test_a_facet_link_keeps_the_query(client, shelf):
    page = text(client.get("/library/", {"q": "compact"}))
    href = facet_links(page, "kind")["Case study"]
    assert "q=compact" in href and "kind=case_study" in href
    assert hit_slugs(client.get("/library/" + href)) == ["toyama"]


def test_bad_filter_values_are_reported_and_dropped(client, shelf):
    response = client.get("/library/", {"kind": "poem", "year": "last", "country": "Narnia"})
    page = text(response)
    assert "Unknown type “poem” was left out." in page
    assert "“last” is not a year and was left out." in page
    assert "Unknown country “Narnia” was left out." in page
    assert hit_slugs(response) == ["kamaishi", "waste", "toyama"]  # as if the filters were not given


@pytest.mark.parametrize("params", [
    {"page": "abc"}, {"page": "-5"}, {"page": "10" * 15}, {"sort": "bogus"}, {"theme": "no-such-theme"},
    {"place": "atlantis"}, {"language": "xx"}, {"year": "9" * 30}, {"year": "-1"}, {"q": "x" * 2000},
    {"q": '"(*) OR AND NOT {grams_head} : "'}, {"q": "%' ; DROP TABLE --"}, {"country": "J"},
    {"kind": "", "theme": "", "year": ""}, {"q": "津波", "sort": "title", "page": "2"}])
def test_odd_parameters_never_give_a_500(client, shelf, params):
    assert client.get("/library/", params).status_code == 200
    assert client.get("/library/", params, **HTMX).status_code == 200


def test_an_unknown_place_theme_or_language_is_reported_and_left_out(client, shelf):
    everything = sorted(hit_slugs(client.get("/library/")))
    for params, message in (({"theme": "no-such-theme"}, "Unknown theme “no-such-theme” was left out."),
                            ({"place": "atlantis"}, "Unknown place “atlantis” was left out."),
                            ({"language": "xx"}, "Unknown language “xx” was left out.")):
        response = client.get("/library/", params)
        assert message in text(response)
        assert sorted(hit_slugs(response)) == everything


def test_pages_of_results(client, settings):
    for n in range(22):
        product(title=f"Waste note {n:02}", slug=f"note-{n:02}", published_on=f"{2000 + n}-01-01")
    first = text(client.get("/library/"))
    assert "Page 1 of 2" in first
    following = re.search(r'rel="next" href="([^"]+)"', first).group(1)
    assert hit_slugs(client.get("/library/" + html.unescape(following))) == ["note-01", "note-00"]


def test_authors_and_curators_see_their_buttons_and_drafts(client, shelf, focal_point, knowledge_manager):
    page = text(login(client, focal_point).get("/library/"))
    assert 'href="/library/new/"' in page and 'href="/library/index/"' not in page
    assert "Compact city draft" in page and "Members&#x27; note" in page
    page = text(login(client, knowledge_manager).get("/library/"))
    assert 'href="/library/index/"' in page and "Compact city draft" in page


# --- a product ----------------------------------------------------------------------------------

def test_the_product_page(client, shelf):
    page = text(client.get("/library/toyama/"))
    assert "<h1>Compact city planning in Toyama</h1>" in page
    assert "Homes along the tram lines." in page and 'href="/places/testville/"' in page
    assert 'href="/library/?theme=compact-city"' in page
    assert "/edit/" not in page and 'name="status"' not in page and "/delete/" not in page


def test_a_body_is_rendered_safely(client):
    product(title="Markdown", slug="md", body="## Steps\n\n- one\n\n<script>alert(1)</script> [x](javascript:alert(1))")
    page = text(client.get("/library/md/"))
    assert "<h2>Steps</h2>" in page and "<li>one</li>" in page
    assert "<script>alert(1)</script>" not in page and 'href="javascript:' not in page


@pytest.mark.parametrize("slug", ["draft", "members", "nowhere"])
def test_a_visitor_gets_404_for_what_they_may_not_see(client, shelf, slug):
    assert client.get(f"/library/{slug}/").status_code == 404


def test_a_draft_is_seen_by_its_author_and_knowledge_managers_only(client, shelf, focal_point, knowledge_manager,
                                                                   officer, reviewer):
    page = text(login(client, focal_point).get("/library/draft/"))
    assert "Draft — only its authors and knowledge managers see it" in page
    assert 'href="/library/draft/edit/"' in page and 'name="status"' not in page  # authors do not publish
    assert 'action="/library/draft/delete/"' in page  # but may delete their draft
    page = text(login(client, knowledge_manager).get("/library/draft/"))
    assert '<input type="hidden" name="status" value="published"><button class="button">Publish</button>' in page
    for other in (officer, reviewer):
        assert login(client, other).get("/library/draft/").status_code == 404
    assert login(client, reviewer).get("/library/members/").status_code == 200


def test_publishing_and_unpublishing_from_the_page(client, shelf, knowledge_manager, focal_point):
    assert login(client, focal_point).post("/library/draft/status/", {"status": "published"}).status_code == 403
    login(client, knowledge_manager)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post("/library/draft/status/", {"status": "published"}, follow=True)
    page = text(response)
    assert "Published." in page and 'value="draft"><button class="button button-secondary">Back to draft' in page
    assert Product.objects.get(slug="draft").status == "published"
    client.logout()
    assert "draft" in hit_slugs(client.get("/library/"))
    login(client, knowledge_manager)
    with TestCase.captureOnCommitCallbacks(execute=True):
        page = text(client.post("/library/draft/status/", {"status": "draft"}, follow=True))
    assert "Taken back to draft." in page
    page = text(client.post("/library/draft/status/", {"status": "draft"}, follow=True))
    assert "The product is already Draft." in page
    client.logout()
    assert client.get("/library/draft/").status_code == 404


def test_deleting_from_the_page(client, shelf, focal_point, knowledge_manager):
    assert login(client, focal_point).post("/library/toyama/delete/").status_code == 403
    response = client.post("/library/draft/delete/", follow=True)
    assert "The product was deleted." in text(response) and not Product.objects.filter(slug="draft").exists()
    assert login(client, knowledge_manager).post("/library/toyama/delete/").status_code == 302
    assert not Product.objects.filter(slug="toyama").exists()


def test_similar_products_are_shown(client, shelf):
    product(title="Compact city planning in Toyama, part two", slug="toyama-2", themes=["compact-city"])
    page = text(client.get("/library/toyama/"))
    assert "Similar products" in page and 'href="/library/toyama-2/"' in page
    assert 'href="/library/draft/"' not in page


# --- authoring ----------------------------------------------------------------------------------

def test_the_form_is_for_authoring_roles(client, reviewer, focal_point):
    response = client.get("/library/new/")
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert login(client, reviewer).get("/library/new/").status_code == 403
    page = text(login(client, focal_point).get("/library/new/"))
    assert 'name="title_en"' in page and 'enctype="multipart/form-data"' in page and 'name="files"' in page


GOOD = {"kind": "case_study", "title_en": "Solid waste sorting in Kitakyushu", "licence": "CC-BY-4.0",
        "visibility": "public", "summary_en": "Ten kinds of household waste."}


def test_bad_input_is_shown_on_the_fields_and_nothing_is_saved(client, focal_point):
    login(client, focal_point)
    page = text(client.post("/library/new/", {
        **GOOD, "title_en": "", "video_url": "not a link",
        "published_on": (timezone.localdate() + timedelta(days=3)).isoformat(), "cost_min_eur": "cheap",
        "suits_min_population": "500000", "suits_max_population": "1000"}))
    assert "Please correct the errors below." in page and "Nothing has been saved yet." in page
    for field, message in [("title_en", "is required (in at least one language)"),
                           ("video_url", "must be a web address starting with http:// or https://"),
                           ("published_on", "cannot be in the future"),
                           ("cost_min_eur", "must be an amount in euros, like 50000"),
                           ("suits_max_population", "must be at least the smallest size it suits")]:
        assert re.search(rf'id="id_{field}_error"><p class="error">.*?{re.escape(message)}</p>', page), field
    assert 'value="Ten kinds of household waste."' in page or "Ten kinds of household waste.</textarea>" in page
    assert Product.objects.count() == 0


def test_unknown_places_and_impossible_amounts_are_named(client, focal_point):
    login(client, focal_point)
    page = text(client.post("/library/new/", {**GOOD, "places": "Testville, Atlantis"}))
    assert "Unknown places: Atlantis" in page
    page = text(client.post("/library/new/", {**GOOD, "cost_max_eur": "NaN", "suits_min_population": "1e99"}))
    assert re.search(r'id="id_cost_max_eur_error"><p class="error">.*?must be an amount in euros', page)
    assert re.search(r'id="id_suits_min_population_error"><p class="error">.*?must be a whole number', page)
    assert Product.objects.count() == 0


def test_a_good_product_is_saved_as_a_draft_with_themes_from_its_text(client, focal_point, place):
    login(client, focal_point)
    response = client.post("/library/new/", {**GOOD, "places": "Testville", "authors": "A. Tanaka\nB. Sato",
                                             "cost_min_eur": "5,000"})
    assert response.status_code == 302
    p = Product.objects.get()
    assert response["Location"] == f"/library/{p.slug}/"
    assert p.status == "draft" and p.created_by == focal_point and p.authors == ["A. Tanaka", "B. Sato"]
    assert [t.code for t in p.themes.all()] == ["solid-waste"] and list(p.places.all()) == [place]
    assert "The draft was saved." in text(client.get(response["Location"]))


def test_files_go_up_with_the_form(client, focal_point):
    login(client, focal_point)
    pdf = pdf_with_text("Acoustic loggers found the leaks.")
    response = client.post("/library/new/", {**GOOD, "files": [SimpleUploadedFile("leaks.pdf", pdf),
                                                               SimpleUploadedFile("bins.png", png())]})
    assert response.status_code == 302
    p = Product.objects.get()
    assert sorted(f.name for f in p.files.all()) == ["bins.png", "leaks.pdf"]
    assert "Acoustic loggers" in p.files.get(name="leaks.pdf").text and len(stored_files()) == 2
    page = text(client.get(f"/library/{p.slug}/"))
    assert "leaks.pdf" in page and "text extracted" in page


@pytest.mark.parametrize(("name", "content", "words"), [
    ("leaks.pdf", b"plain text pretending", "leaks.pdf is not really a PDF file."),
    ("locked.pdf", encrypted_pdf(), "locked.pdf is protected by a password"),
    ("cut.pdf", damaged_pdf(), "cut.pdf cannot be read as a PDF (damaged or incomplete?)."),
    ("plan.docx", zipped({"notes.txt": b"hi"}), "plan.docx is not really a DOCX file."),
    ("tool.exe", b"MZ", "tool.exe: this type of file is not accepted")])
def test_a_bad_file_re_renders_the_form_with_the_error_and_saves_nothing(client, focal_point, name, content, words):
    login(client, focal_point)
    page = text(client.post("/library/new/", {**GOOD, "files": [SimpleUploadedFile("ok.pdf", pdf_with_text("ok")),
                                                                 SimpleUploadedFile(name, content)]}))
    assert re.search(rf'id="id_files_error"><p class="error">.*?{re.escape(words)}', page)
    assert 'value="Solid waste sorting in Kitakyushu"' in page  # the rest is kept
    assert Product.objects.count() == 0 and ProductFile.objects.count() == 0 and stored_files() == []


def test_an_oversize_file_through_the_form(client, focal_point, monkeypatch):
    monkeypatch.setattr(services, "MAX_LIBRARY_FILE_BYTES", 1024 * 1024)
    login(client, focal_point)
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * (1024 * 1024))
    page = text(client.post("/library/new/", {**GOOD, "files": [big]}))
    assert "big.pdf is larger than 1 MB." in page
    assert Product.objects.count() == 0 and stored_files() == []


def test_editing_through_the_form(client, shelf, focal_point, officer):
    login(client, officer)
    assert client.get("/library/draft/edit/").status_code == 404  # not visible to them
    login(client, focal_point)
    page = text(client.get("/library/draft/edit/"))
    assert 'value="Compact city draft"' in page and 'name="files"' not in page
    version = int(re.search(r'name="version" value="(\d+)"', page).group(1))
    form = {"kind": "case_study", "title_en": "Compact city draft", "summary_en": "Now finished.",
            "licence": "CC-BY-4.0", "visibility": "public", "version": version}
    response = client.post("/library/draft/edit/", form)
    assert response.status_code == 302 and Product.objects.get(slug="draft").summary == {"en": "Now finished."}
    page = text(client.post("/library/draft/edit/", {**form, "summary_en": "A lost edit"}))
    assert "Someone else changed this product while you were editing." in page
    assert Product.objects.get(slug="draft").summary == {"en": "Now finished."}
    page = text(client.post("/library/draft/edit/", {**form, "version": version + 1, "title_en": ""}))
    assert re.search(r'id="id_title_en_error"><p class="error">.*?is required', page)


def test_a_stranger_may_not_edit(client, shelf, other_place):
    stranger = UserFactory(roles=[Role.FOCAL_POINT], places=[other_place])
    login(client, stranger)
    assert client.get("/library/toyama/edit/").status_code == 403
    assert client.post("/library/toyama/edit/", {"kind": "toolkit"}).status_code == 403


def test_files_are_added_and_removed_on_the_product_page(client, shelf, focal_point, reviewer):
    login(client, focal_point)
    page = text(client.post("/library/draft/files/", {"files": [SimpleUploadedFile("x.pdf", b"not a pdf")]},
                            follow=True))
    assert "x.pdf is not really a PDF file." in page and ProductFile.objects.count() == 0 and stored_files() == []
    page = text(client.post("/library/draft/files/", {"files": [SimpleUploadedFile("y.pdf", pdf_with_text("y"))]},
                            follow=True))
    assert "The files were added." in page and "y.pdf" in page
    item = ProductFile.objects.get()
    assert login(client, reviewer).post(f"/library/toyama/files/{item.pk}/remove/").status_code == 404
    login(client, focal_point)
    with TestCase.captureOnCommitCallbacks(execute=True):
        page = text(client.post(f"/library/draft/files/{item.pk}/remove/", follow=True))
    assert "The file was removed." in page and ProductFile.objects.count() == 0 and stored_files() == []


def test_readers_may_not_add_or_remove_files(client, reviewer):
    item = product(title="Public", slug="public", files=[Upload("p.png", png())]).files.get()
    login(client, reviewer)
    assert client.post(f"/library/public/files/{item.pk}/remove/").status_code == 403
    image = SimpleUploadedFile("z.png", png())
    assert client.post("/library/public/files/", {"files": [image]}).status_code == 403
    assert [f.name for f in ProductFile.objects.all()] == ["p.png"] and len(stored_files()) == 1
    client.logout()
    assert "/login/" in client.post(f"/library/public/files/{item.pk}/remove/")["Location"]


def test_theme_suggestions_for_the_form(client):
    page = text(client.post("/library/suggest-themes/", {"title_en": "Solid waste sorting"}))
    assert 'data-theme-code="solid-waste"' in page
    assert "no theme was recognised yet" in text(client.post("/library/suggest-themes/", {"title_en": ""}))
    assert client.get("/library/suggest-themes/").status_code == 405


# --- downloads ----------------------------------------------------------------------------------

def test_downloads_follow_the_product_permissions(client, focal_point, knowledge_manager):
    pdf = pdf_with_text("Leaks")
    public = product(title="Public", slug="public", files=[Upload("public.pdf", pdf)])
    draft = product(actor=focal_point, title="Draft", slug="secret", status="draft",
                    files=[Upload("secret.pdf", pdf)])
    item = public.files.get()
    response = client.get(f"/library/public/files/{item.pk}/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == pdf
    assert response["Content-Type"] == "application/pdf" and "inline" in response["Content-Disposition"]
    response = client.get(f"/library/public/files/{item.pk}/", {"download": "1"})
    assert 'attachment; filename="public.pdf"' in response["Content-Disposition"]
    secret = draft.files.get()
    assert client.get(f"/library/secret/files/{secret.pk}/").status_code == 404
    assert client.get(f"/library/public/files/{secret.pk}/").status_code == 404  # not this product's file
    assert login(client, focal_point).get(f"/library/secret/files/{secret.pk}/").status_code == 200
    assert login(client, knowledge_manager).get(f"/library/secret/files/{secret.pk}/").status_code == 200


def test_a_file_lost_from_the_disk_is_404(client):
    p = product(title="Public", slug="public", files=[Upload("a.pdf", pdf_with_text("a"))])
    for path in stored_files():
        path.unlink()
    assert client.get(f"/library/public/files/{p.files.get().pk}/").status_code == 404


# --- requests -----------------------------------------------------------------------------------

@pytest.fixture
def helper(other_place):
    return UserFactory(username="helper", roles=[Role.FOCAL_POINT], places=[other_place])


@pytest.fixture
def asked(focal_point, place, other_place):
    ExpertiseFactory(place=other_place, theme=theme("water-supply"), maturity=5)
    return services.request_create(actor=focal_point, place=place,
                                   title={"en": "We need help reducing non-revenue water"},
                                   description={"en": "A third of our water leaks away."})


def test_the_requests_list(client, asked, focal_point, officer):
    hidden = PlaceFactory(slug="hidden", name_en="Hidden", is_published=False)
    services.request_create(actor=officer, place=hidden, title="Hidden need")
    page = text(client.get("/library/requests/"))
    assert "We need help reducing non-revenue water" in page and "Hidden need" not in page
    assert 'href="/library/requests/new/"' not in page
    assert "No requests yet." in text(client.get("/library/requests/", {"status": "closed"}))
    assert "We need help" in text(client.get("/library/requests/", {"status": "bogus"}))
    assert 'href="/library/requests/new/"' in text(login(client, focal_point).get("/library/requests/"))


def test_asking_through_the_form(client, focal_point, reviewer, place):
    assert "/login/" in client.get("/library/requests/new/")["Location"]
    assert login(client, reviewer).get("/library/requests/new/").status_code == 403
    login(client, focal_point)
    page = text(client.get("/library/requests/new/"))
    assert '<option value="testville">' in page and "otherton" not in page
    page = text(client.post("/library/requests/new/", {"place": "testville", "title_en": "", "title_ja": ""}))
    assert re.search(r'id="id_title_en_error"><p class="error">.*?is required', page)
    page = text(client.post("/library/requests/new/", {"place": "otherton", "title_en": "x"}))
    assert "otherton is not one of the available choices" in page  # not a place they act for
    assert KnowledgeRequest.objects.count() == 0
    response = client.post("/library/requests/new/", {"place": "testville", "title_en": "Help with solid waste"})
    item = KnowledgeRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/library/requests/{item.pk}/"
    assert [t.code for t in item.themes.all()] == ["solid-waste"] and item.created_by == focal_point


def test_the_request_page_suggests_places_and_products(client, asked):
    product(title="Non-revenue water toolkit", slug="nrw", themes=["water-supply"])
    page = text(client.get(f"/library/requests/{asked.pk}/"))
    assert "<h1>We need help reducing non-revenue water</h1>" in page
    assert re.search(r'Places with this expertise</h2>\s*<ol class="link-list"><li><a href="/places/otherton/">', page)
    assert 'href="/library/nrw/"' in page and "No answer yet." in page
    assert "Post the answer" not in page and "Next step" not in page  # a visitor only reads
    assert client.get("/library/requests/999999/").status_code == 404


def test_answering_on_the_page(client, asked, helper, focal_point):
    login(client, helper)
    page = text(client.get(f"/library/requests/{asked.pk}/"))
    assert 'name="place"' in page and '<option value="otherton">' in page and "Next step" not in page
    page = text(client.post(f"/library/requests/{asked.pk}/answer/", {"place": "otherton", "text": " "},
                            follow=True))
    assert "Answer: is required" in page and RequestAnswer.objects.count() == 0
    page = text(client.post(f"/library/requests/{asked.pk}/answer/", {"place": "nowhere", "text": "x"}, follow=True))
    assert "Choose the place you answer for." in page
    assert client.post(f"/library/requests/{asked.pk}/answer/", {"place": "testville", "text": "x"}).status_code == 403
    page = text(client.post(f"/library/requests/{asked.pk}/answer/", {"place": "otherton", "text": "We did this."},
                            follow=True))
    assert "Your answer was posted." in page and "We did this." in page
    asked.refresh_from_db()
    assert asked.status == "answered"
    page = text(login(client, focal_point).get(f"/library/requests/{asked.pk}/"))
    assert "Next step" in page and "Propose the partnership" in page and 'value="otherton"' not in page


def test_turning_a_request_into_a_partnership_on_the_page(client, asked, helper, focal_point, other_place):
    answer = services.answer_add(actor=helper, request=asked, place=other_place, text="We can help.")
    assert login(client, helper).post(f"/library/requests/{asked.pk}/partnership/",
                                      {"answer": answer.pk}).status_code == 403
    login(client, focal_point)
    page = text(client.post(f"/library/requests/{asked.pk}/partnership/", {"answer": ""}, follow=True))
    assert "Choose the answer whose place becomes the partner." in page and Partnership.objects.count() == 0
    response = client.post(f"/library/requests/{asked.pk}/partnership/", {"answer": answer.pk})
    partnership = Partnership.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/partnerships/{partnership.slug}/"
    assert "became a partnership" in text(client.get(f"/library/requests/{asked.pk}/"))


def test_turning_a_request_into_an_activity_on_the_page(client, asked, officer):
    login(client, officer)
    url = f"/library/requests/{asked.pk}/activity/"
    page = text(client.post(url, {"kind": "webinar", "starts_at": "tomorrow", "ends_at": ""}, follow=True))
    assert "starts_at: use a date and time like 2026-03-31T10:00" in page
    page = text(client.post(url, {"kind": "webinar", "starts_at": "2026-03-31T10:00", "ends_at": ""}, follow=True))
    assert "is required" in page
    page = text(client.post(url, {"kind": "webinar", "starts_at": "2026-03-31T10:00",
                                  "ends_at": "2026-03-31T09:00"}, follow=True))
    assert "An activity must end after it starts." in page and Activity.objects.count() == 0
    response = client.post(url, {"kind": "webinar", "starts_at": "2026-03-31T10:00", "ends_at": "2026-03-31T12:00",
                                 "timezone": "Asia/Tokyo"})
    activity = Activity.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/activities/{activity.slug}/"
    assert activity.starts_at.isoformat() == "2026-03-31T01:00:00+00:00"
    assert client.post(f"/library/requests/{asked.pk}/dance/").status_code == 404


def test_closing_a_request_on_the_page(client, asked, helper, focal_point):
    assert login(client, helper).post(f"/library/requests/{asked.pk}/close/").status_code == 403
    page = text(login(client, focal_point).post(f"/library/requests/{asked.pk}/close/", follow=True))
    assert "The request was closed." in page and "Next step" not in page
    assert KnowledgeRequest.objects.get(pk=asked.pk).status == "closed"
    page = text(client.post(f"/library/requests/{asked.pk}/close/", follow=True))
    assert "This request is closed." in page


# --- the index ----------------------------------------------------------------------------------

def test_the_index_page_is_for_curators(client, shelf, focal_point, knowledge_manager):
    assert "/login/" in client.get("/library/index/")["Location"]
    assert login(client, focal_point).get("/library/index/").status_code == 403
    assert client.post("/library/index/").status_code == 403
    page = text(login(client, knowledge_manager).get("/library/index/"))
    assert "5 of 5 products are in the index." in page and "No rebuild yet." in page
    assert "another encoder" not in page


def test_the_index_page_says_when_products_wait_for_a_rebuild_after_an_encoder_change(client, shelf,
                                                                                       knowledge_manager):
    SearchDocument.objects.filter(product__slug="toyama").update(model="some-older-encoder")
    page = text(login(client, knowledge_manager).get("/library/index/"))
    assert "1 embedded by another encoder: search finds it after a rebuild" in page


def test_a_rebuild_is_queued_from_the_page_and_its_status_polled(client, shelf, knowledge_manager):
    login(client, knowledge_manager)
    SearchDocument.objects.filter(product__slug="toyama").delete()
    assert "4 of 5 products are in the index." in text(client.get("/library/index/"))
    with TestCase.captureOnCommitCallbacks(execute=False) as callbacks:
        response = client.post("/library/index/", follow=True)
    page = text(response)
    assert "The rebuild is queued; this page shows its progress." in page
    job = IndexJob.objects.get()
    assert job.status == "queued" and job.requested_by == knowledge_manager
    partial = text(client.get("/library/index/", **HTMX))
    assert "<html" not in partial and 'hx-trigger="every 1s"' in partial and "Queued" in partial
    page = text(client.post("/library/index/", follow=True))
    assert "A rebuild is already under way." in page and IndexJob.objects.count() == 1
    for callback in callbacks:
        callback()
    partial = text(client.get("/library/index/", **HTMX))
    assert "5 of 5 products are in the index." in partial and 'hx-trigger' not in partial
    assert 'value="100"' in partial and "Done" in partial


# --- a place's knowledge ------------------------------------------------------------------------

def test_the_place_knowledge_partial_and_page(client, place):
    NeedFactory(place=place, theme=theme("water-supply"), priority=5)
    helpton = PlaceFactory(slug="helpton", name_en="Helpton")
    ExpertiseFactory(place=helpton, theme=theme("water-supply"), maturity=5)
    product(title="Helpton's leak detection", slug="leaks", places=["helpton"], themes=["water-supply"])
    product(title="About Testville", slug="about", places=["testville"])
    product(title="Draft about Testville", slug="about-draft", places=["testville"], status="draft")
    partial = text(client.get("/library/places/testville/", **HTMX))
    assert "<html" not in partial and "Cities like yours used these" in partial
    assert 'href="/library/leaks/"' in partial and "Helpton" in partial
    assert 'href="/library/about/"' in partial and "about-draft" not in partial
    page = text(client.get("/library/places/testville/"))
    assert "<html" in page and 'href="/library/leaks/"' in page
    assert client.get("/library/places/atlantis/").status_code == 404
    PlaceFactory(slug="secret", is_published=False)
    assert client.get("/library/places/secret/", **HTMX).status_code == 404


def test_a_place_without_recommendations_says_so(client, place):
    partial = text(client.get("/library/places/testville/", **HTMX))
    assert "Nothing yet: no product is tied to this place" in partial


# --- Japanese -----------------------------------------------------------------------------------

def test_the_library_in_japanese(client, shelf):
    page = text(client.get("/library/", **JA))
    assert '<html lang="ja"' in page and "ナレッジライブラリ" in page and "絞り込み" in page
    assert '<h3 id="facet-kind">種別</h3>' in page and '<h3 id="facet-year">年</h3>' in page
    assert "不明な種類「poem」は条件から外しました。" in text(client.get("/library/", {"kind": "poem"}, **JA))


def test_the_other_pages_in_japanese(client, shelf, asked, focal_point, knowledge_manager):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ja"
    assert "釜石市の津波からの復興" in text(client.get("/library/kamaishi/"))
    assert "ナレッジ・リクエスト" in text(client.get("/library/requests/"))
    page = text(client.get(f"/library/requests/{asked.pk}/"))
    assert "役立ちそうな資料" in page and "この分野の知見を持つ地域" in page
    assert "似た都市が活用した資料" in text(client.get("/library/places/testville/", **HTMX))
    login(client, focal_point)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ja"
    assert "ライブラリに資料を追加" in text(client.get("/library/new/"))
    assert "支援を求める" in text(client.get("/library/requests/new/"))
    page = text(client.post("/library/new/", {**GOOD, "title_en": ""}))
    assert "以下の入力内容を修正してください。" in page
    login(client, knowledge_manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ja"
    page = text(client.get("/library/draft/"))
    assert "公開する" in page
    assert "検索索引" in text(client.get("/library/index/"))
