"""Writes to the library through its services: every bad field is named, edits are guarded by the
version, themes come from the text, files are checked before anything is stored (a refused upload
leaves no row and no file on disk), and each role may do only its part."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import TestCase
from django.utils import timezone

from renkei.accounts.models import Role
from renkei.accounts.tests.factories import UserFactory
from renkei.activities.models import Activity
from renkei.core.errors import ApplicationError, Conflict, NotAllowed
from renkei.core.models import AuditEntry
from renkei.core.tests.files import blank_pdf, damaged_pdf, encrypted_pdf, office, pdf_with_text, png
from renkei.core.uploads import Upload
from renkei.knowledge import services
from renkei.knowledge.models import IndexJob, KnowledgeRequest, Product, ProductFile, RequestAnswer, SearchDocument
from renkei.knowledge.search.service import search
from renkei.knowledge.tests.factories import committed, product
from renkei.partnerships.models import Partnership
from renkei.places.tests.factories import OrganisationFactory, PlaceFactory

pytestmark = pytest.mark.django_db

PNG = png()
DOCX = office("docx")


def new(**fields) -> dict:
    """A valid product, changed by ``fields``."""
    return {"kind": "case_study", "title": {"en": "Reducing non-revenue water in Testville"}, **fields}


def refused(call, **kwargs) -> ApplicationError:
    with pytest.raises(ApplicationError) as caught:
        call(**kwargs)
    return caught.value


def stored_files() -> list:
    root = settings.MEDIA_ROOT
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def codes(product) -> list[str]:
    return sorted(t.code for t in product.themes.all())


# --- validation ---------------------------------------------------------------------------------

# two days ahead: still in the future if the run crosses midnight after this module is imported
IN_TWO_DAYS = (timezone.localdate() + timedelta(days=2)).isoformat()


@pytest.mark.parametrize(("fields", "field", "words"), [
    ({"kind": "poem"}, "kind", "choose one of"),
    ({"kind": ""}, "kind", "choose one of"),
    ({"title": {}}, "title", "is required"),
    ({"title": {"en": "   "}}, "title", "is required"),
    ({"title": ["Water"]}, "title", "per language"),
    ({"title": {"xx": "Water"}}, "title", "xx is not a language code"),
    ({"title": {"english": "Water"}}, "title", "english is not a language code"),
    ({"title": {"en": "W" * 301}}, "title", "longer than 300"),
    ({"summary": {"en": 5}}, "summary", "must be text"),
    ({"summary": {"klingon": "Qapla'"}}, "summary", "not a language code"),
    ({"body": {"zz": "text"}}, "body", "not a language code"),
    ({"preconditions": {"en": "P" * 3001}}, "preconditions", "longer than 3000"),
    ({"video_url": "ftp://example.org/film"}, "video_url", "http:// or https://"),
    ({"video_url": "not a link"}, "video_url", "http:// or https://"),
    ({"kind": "video", "video_url": ""}, "video_url", "video needs its link"),
    ({"published_on": IN_TWO_DAYS}, "published_on", "cannot be in the future"),
    ({"published_on": "3 November 2016"}, "published_on", "use a date like"),
    ({"suits_min_population": "many"}, "suits_min_population", "whole number"),
    ({"suits_min_population": -5}, "suits_min_population", "must not be negative"),
    ({"suits_min_population": 500_000, "suits_max_population": 1000}, "suits_max_population", "at least"),
    ({"cost_min_eur": "cheap"}, "cost_min_eur", "amount in euros"),
    ({"cost_max_eur": "-1"}, "cost_max_eur", "must not be negative"),
    ({"cost_min_eur": "Infinity"}, "cost_min_eur", "amount in euros"),
    ({"cost_min_eur": 50_000, "cost_max_eur": 100}, "cost_max_eur", "at least the lowest cost"),
    ({"themes": ["solid-waste", "no-such-theme"]}, "themes", "unknown: no-such-theme"),
    ({"places": ["atlantis"]}, "places", "unknown: atlantis"),
    ({"organisations": "nobody-inc"}, "organisations", "unknown: nobody-inc"),
    ({"editors": ["ghost"]}, "editors", "unknown: ghost"),
    ({"partnership": "no-such-partnership"}, "partnership", "unknown"),
    ({"activity": "no-such-activity"}, "activity", "unknown"),
    ({"pilot": "first"}, "pilot", "number"),
    ({"licence": "WTFPL"}, "licence", "choose one of"),
    ({"visibility": "secret"}, "visibility", "choose one of"),
    ({"authors": 5}, "authors", "list of names"),
    ({"colour": "red"}, "colour", "not a known field"),
    ({"status": "archived"}, "status", "choose one of"),
])
def test_every_bad_field_is_named_and_nothing_is_written(officer, fields, field, words):
    error = refused(services.product_create, actor=officer, data=new(**fields))
    assert field in error.errors, error.errors
    assert any(words in message for message in error.errors[field]), error.errors[field]
    assert Product.objects.count() == 0


@pytest.mark.parametrize("value", ["NaN", "sNaN", "-NaN", "1e30", 10**20, "99999999999999.7"])
def test_impossible_amounts_are_refused_not_crashed_on(officer, value):
    error = refused(services.product_create, actor=officer, data=new(cost_min_eur=value))
    assert error.errors == {"cost_min_eur": ["must be an amount in euros, like 50000"]}
    assert Product.objects.count() == 0


def test_the_largest_amount_the_column_holds_is_kept(officer):
    p = services.product_create(actor=officer, data=new(cost_max_eur="99999999999999.4"))
    p.refresh_from_db()
    assert p.cost_max_eur == Decimal("99999999999999")


@pytest.mark.parametrize("value", [10**20, "99999999999999999999", 10_000_000_001])
def test_impossible_populations_are_refused_not_crashed_on(officer, value):
    error = refused(services.product_create, actor=officer, data=new(suits_max_population=value))
    assert error.errors == {"suits_max_population": ["The population must be at most 10,000,000,000."]}
    assert Product.objects.count() == 0


def test_all_bad_fields_are_reported_at_once(officer):
    error = refused(services.product_create, actor=officer, data=new(
        kind="poem", title={"xx": "Water"}, video_url="nope", published_on=IN_TWO_DAYS, cost_min_eur="cheap",
        themes=["nope"], places=["atlantis"], organisations=["nobody"], colour="red"))
    assert set(error.errors) == {"kind", "title", "video_url", "published_on", "cost_min_eur", "themes", "places",
                                 "organisations", "colour"}
    assert error.message.split(":")[0] in error.errors


def test_a_good_product_is_a_draft_with_its_fields_and_an_audit_entry(officer, place):
    jica = OrganisationFactory(slug="jica")
    p = services.product_create(actor=officer, data=new(
        summary={"en": "How Testville found its leaks.", "ja": "漏水を見つけた方法"}, published_on="2016-11-03",
        places=[place.slug], organisations="jica", authors="A. Tanaka; B. Sato", cost_min_eur="5,000",
        cost_max_eur=Decimal("80000"), suits_min_population="50_000", suits_max_population=300_000,
        themes=["water-supply"]))
    p.refresh_from_db()
    assert p.status == Product.Status.DRAFT and p.created_by == officer
    assert p.slug == "reducing-non-revenue-water-in-testville"
    assert p.languages == "en ja"
    assert p.authors == ["A. Tanaka", "B. Sato"]
    assert p.cost_min_eur == 5000 and p.cost_max_eur == 80000
    assert p.suits_min_population == 50_000 and p.suits_max_population == 300_000
    assert list(p.places.all()) == [place] and list(p.organisations.all()) == [jica]
    assert codes(p) == ["water-supply"]
    assert AuditEntry.objects.filter(action=AuditEntry.Action.CREATE, object_id=str(p.pk)).exists()


def test_a_taken_url_name_is_refused(officer):
    services.product_create(actor=officer, data=new(slug="water"))
    error = refused(services.product_create, actor=officer, data=new(slug="water"))
    assert "slug" in error.errors
    assert Product.objects.count() == 1


def test_the_index_is_updated_only_once_the_change_is_committed(officer):
    p = services.product_create(actor=officer, data=new())
    assert not SearchDocument.objects.filter(product=p).exists()
    q = committed(services.product_create, actor=officer, data=new(title={"en": "Leak detection"}))
    assert SearchDocument.objects.filter(product=q).exists()


# --- editing ------------------------------------------------------------------------------------

def test_an_edit_changes_only_the_fields_given(officer):
    p = services.product_create(actor=officer, data=new(summary={"en": "Old summary"}, cost_min_eur=100))
    services.product_update(actor=officer, product=p, data={"summary": {"ja": "新しい要約"}})
    p.refresh_from_db()
    assert p.summary == {"ja": "新しい要約"}
    assert p.title == {"en": "Reducing non-revenue water in Testville"} and p.cost_min_eur == 100
    assert p.languages == "en ja"


def test_an_edit_is_validated_against_the_stored_values(officer):
    p = services.product_create(actor=officer, data=new(suits_min_population=100_000))
    error = refused(services.product_update, actor=officer, product=p, data={"suits_max_population": 5000})
    assert "suits_max_population" in error.errors
    error = refused(services.product_update, actor=officer, product=p, data={"title": {"en": ""}})
    assert "title" in error.errors
    p.refresh_from_db()
    assert p.suits_max_population is None and p.title["en"].startswith("Reducing")


@pytest.mark.parametrize("field", ["status", "slug"])
def test_status_and_url_name_have_their_own_actions(officer, field):
    p = services.product_create(actor=officer, data=new())
    error = refused(services.product_update, actor=officer, product=p, data={field: "published"})
    assert field in error.errors


def test_a_stale_version_is_a_conflict(officer):
    p = services.product_create(actor=officer, data=new())
    seen = p.version
    services.product_update(actor=officer, product=p, data={"summary": {"en": "First edit"}}, expected_version=seen)
    with pytest.raises(Conflict):
        services.product_update(actor=officer, product=p, data={"summary": {"en": "Lost edit"}},
                                expected_version=seen)
    p.refresh_from_db()
    assert p.summary == {"en": "First edit"} and p.version == seen + 1
    services.product_update(actor=officer, product=p, data={"summary": {"en": "Second edit"}},
                            expected_version=p.version)
    p.refresh_from_db()
    assert p.summary == {"en": "Second edit"} and p.version == seen + 2


# --- themes from the text -----------------------------------------------------------------------

def test_themes_are_suggested_from_the_text_when_none_are_given(officer):
    p = services.product_create(actor=officer, data=new(title={"en": "Solid waste sorting in Kitakyushu"}))
    assert codes(p) == ["solid-waste"]
    assert p.suggested_themes[0][0] == "solid-waste" and 0 < p.suggested_themes[0][1] <= 1


def test_japanese_text_is_tagged_too(officer):
    p = services.product_create(actor=officer, data=new(title={"ja": "釜石市の津波からの復興"}))
    assert "tsunami-reconstruction" in codes(p)


def test_chosen_themes_win_over_the_suggestion(officer):
    p = services.product_create(actor=officer, data=new(title={"en": "Solid waste sorting"}, themes=["tourism"]))
    assert codes(p) == ["tourism"]
    assert p.suggested_themes[0][0] == "solid-waste"


def test_a_new_text_renews_the_suggestion_but_keeps_the_chosen_themes(officer):
    p = services.product_create(actor=officer, data=new(title={"en": "Solid waste sorting"}, themes=["tourism"]))
    services.product_update(actor=officer, product=p, data={"title": {"en": "Compact city planning"}})
    p.refresh_from_db()
    assert codes(p) == ["tourism"]
    assert p.suggested_themes[0][0] == "compact-city"
    services.product_update(actor=officer, product=p, data={"themes": ["compact-city", "public-transport"]})
    assert codes(p) == ["compact-city", "public-transport"]


def test_suggest_themes_names_themes_with_a_confidence():
    found = services.suggest_themes("We need help reducing non-revenue water")
    assert found and found[0][0].code == "water-supply" and 0 < found[0][1] <= 1
    assert services.suggest_themes("   ") == []


# --- files --------------------------------------------------------------------------------------

def assert_nothing_saved():
    assert Product.objects.count() == 0
    assert ProductFile.objects.count() == 0
    assert stored_files() == []


@pytest.mark.parametrize(("upload", "words"), [
    (Upload("notes.exe", b"MZ\x90\x00 a program"), "not accepted"),
    (Upload("notes", b"%PDF-1.4 no extension"), "not accepted"),
    (Upload("report.pdf", b"This is plain text that calls itself a PDF."), "not really a PDF"),
    (Upload("photo.png", b"GIF89a not a png"), "not really a PNG"),
    (Upload("plan.docx", b"%PDF-1.4 a pdf renamed"), "not really a DOCX"),
    (Upload("empty.pdf", b""), "is empty"),
    (Upload("damaged.pdf", damaged_pdf()), "cannot be read as a PDF"),
    (Upload("locked.pdf", encrypted_pdf()), "protected by a password"),
])
def test_a_bad_file_refuses_the_new_product_and_nothing_is_saved(officer, upload, words):
    error = refused(services.product_create, actor=officer, data=new(), files=[upload])
    assert list(error.errors) == ["files"]
    assert any(words in m and upload.name in m for m in error.errors["files"]), error.errors
    assert_nothing_saved()


def test_an_oversize_file_is_refused(officer, monkeypatch):
    monkeypatch.setattr(services, "MAX_LIBRARY_FILE_BYTES", 1024 * 1024)
    big = Upload("big.pdf", b"%PDF-1.4\n" + b"0" * (1024 * 1024))
    error = refused(services.product_create, actor=officer, data=new(), files=[big])
    assert error.errors["files"] == ["big.pdf is larger than 1 MB."]
    assert_nothing_saved()
    just_fits = pdf_with_text("Small enough")
    assert len(just_fits) < 1024 * 1024
    p = services.product_create(actor=officer, data=new(), files=[Upload("small.pdf", just_fits)])
    assert p.files.count() == 1


def test_one_bad_file_among_good_ones_refuses_them_all_and_names_only_it(officer):
    files = [Upload("good.pdf", pdf_with_text("Leak detection")), Upload("photo.png", PNG),
             Upload("bad.pdf", b"plain text")]
    error = refused(services.product_create, actor=officer, data=new(), files=files)
    assert len(error.errors["files"]) == 1 and "bad.pdf" in error.errors["files"][0]
    assert_nothing_saved()


def test_too_many_files_are_refused(officer, monkeypatch):
    monkeypatch.setattr(services, "MAX_FILES_PER_PRODUCT", 2)
    files = [Upload(f"{n}.png", PNG) for n in range(3)]
    error = refused(services.product_create, actor=officer, data=new(), files=files)
    assert "files" in error.errors and "at most 2" in error.errors["files"][0]
    assert_nothing_saved()


def test_a_failure_after_the_files_were_written_removes_them(officer, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("the audit log is down")

    monkeypatch.setattr(services, "audit_record", broken)
    with pytest.raises(RuntimeError):
        services.product_create(actor=officer, data=new(), files=[Upload("good.pdf", pdf_with_text("Leaks"))])
    assert_nothing_saved()


def test_a_bad_data_field_stores_no_file(officer):
    error = refused(services.product_create, actor=officer, data=new(kind="poem"),
                    files=[Upload("good.pdf", pdf_with_text("Leaks"))])
    assert "kind" in error.errors
    assert_nothing_saved()


def test_a_pdf_text_layer_is_extracted_and_found_by_the_search(officer, anonymous):
    pdf = pdf_with_text("Acoustic loggers found the hidden leaks under Testville.")
    p = committed(services.product_create, actor=officer, data=new(title={"en": "Water losses"}, status="draft"),
                  files=[Upload("leaks.pdf", pdf)])
    item = p.files.get()
    assert (item.kind, item.pages, item.text_status, item.size) == ("pdf", 1, "extracted", len(pdf))
    assert "Acoustic loggers found the hidden leaks" in item.text
    assert item.name == "leaks.pdf" and item.uploaded_by == officer
    assert [f.read_bytes() for f in stored_files()] == [pdf]
    committed(services.product_set_status, actor=UserFactory(roles=[Role.KNOWLEDGE_MANAGER]), product=p,
              status="published")
    result = search(viewer=anonymous, query="acoustic loggers", mode="fulltext")
    assert [h.product.slug for h in result.hits] == [p.slug]
    assert "<mark>" in result.hits[0].snippet_html


def test_a_pdf_without_text_is_kept_and_marked_and_other_kinds_are_recognised(officer):
    p = services.product_create(actor=officer, data=new(), files=[
        Upload("scan.pdf", blank_pdf()), Upload("Photo.PNG", PNG), Upload("plan.docx", DOCX)])
    kinds = {f.name: (f.kind, f.text_status, f.text) for f in p.files.all()}
    assert kinds == {"scan.pdf": ("pdf", "no_text", ""), "Photo.PNG": ("image", "n/a", ""),
                     "plan.docx": ("office", "n/a", "")}
    assert len(stored_files()) == 3


def test_files_added_later_are_checked_the_same_way(officer):
    p = services.product_create(actor=officer, data=new())
    version = Product.objects.get(pk=p.pk).version
    for upload in (Upload("report.pdf", b"text"), Upload("locked.pdf", encrypted_pdf()),
                   Upload("damaged.pdf", damaged_pdf()), Upload("x.exe", b"MZ")):
        error = refused(services.files_add, actor=officer, product=p, files=[upload])
        assert "files" in error.errors and upload.name in error.errors["files"][0]
    assert "files" in refused(services.files_add, actor=officer, product=p, files=[]).errors
    assert ProductFile.objects.count() == 0 and stored_files() == []
    items = services.files_add(actor=officer, product=p, files=[Upload("a.pdf", pdf_with_text("Pressure zones"))])
    assert [i.name for i in items] == ["a.pdf"] and len(stored_files()) == 1
    assert Product.objects.get(pk=p.pk).version == version + 1


def test_adding_files_respects_the_limit_with_the_files_already_there(officer, monkeypatch):
    monkeypatch.setattr(services, "MAX_FILES_PER_PRODUCT", 2)
    p = services.product_create(actor=officer, data=new(), files=[Upload("1.png", PNG)])
    error = refused(services.files_add, actor=officer, product=p, files=[Upload("2.png", PNG), Upload("3.png", PNG)])
    assert "files" in error.errors
    assert p.files.count() == 1 and len(stored_files()) == 1


def test_a_removed_file_leaves_the_disk_and_the_index(officer, knowledge_manager, anonymous):
    p = committed(services.product_create, actor=knowledge_manager, data=new(title={"en": "Water"}),
                  files=[Upload("leaks.pdf", pdf_with_text("Acoustic loggers"))])
    committed(services.product_set_status, actor=knowledge_manager, product=p, status="published")
    assert len(search(viewer=anonymous, query="acoustic loggers", mode="fulltext").hits) == 1
    committed(services.file_remove, actor=knowledge_manager, item=p.files.get())
    assert ProductFile.objects.count() == 0 and stored_files() == []
    assert search(viewer=anonymous, query="acoustic loggers", mode="fulltext").hits == []


def test_a_deleted_product_takes_its_files_with_it(knowledge_manager):
    p = services.product_create(actor=knowledge_manager, data=new(), files=[Upload("a.pdf", pdf_with_text("x y"))])
    assert len(stored_files()) == 1
    committed(services.product_delete, actor=knowledge_manager, product=p)
    assert not Product.objects.exists() and not ProductFile.objects.exists() and stored_files() == []


# --- who may do what ----------------------------------------------------------------------------

ROLES = ("admin_user", "knowledge_manager", "officer", "secretariat", "focal_point", "reviewer", "no_role_user",
         "anonymous")


def who_may(*allowed: str, among: tuple[str, ...] = ROLES):
    """Run the test once for every role in ``among`` (fixture names), with ``allowed`` true for the roles named."""
    assert set(allowed) <= set(among), set(allowed) - set(among)
    return pytest.mark.parametrize(("role", "allowed"), [(role, role in allowed) for role in among])


def someone(request, name):
    return request.getfixturevalue(name)


@who_may("admin_user", "knowledge_manager", "officer", "secretariat", "focal_point")
def test_who_may_write_a_draft(request, role, allowed):
    actor = someone(request, role)
    if allowed:
        assert services.product_create(actor=actor, data=new()).status == "draft"
    else:
        with pytest.raises(NotAllowed):
            services.product_create(actor=actor, data=new())
        assert Product.objects.count() == 0


@who_may("admin_user", "knowledge_manager")
def test_only_curators_create_a_product_published(request, role, allowed):
    actor = someone(request, role)
    if allowed:
        p = services.product_create(actor=actor, data=new(status="published"))
        assert p.status == "published" and p.published_on == timezone.localdate()
    else:
        with pytest.raises(NotAllowed):
            services.product_create(actor=actor, data=new(status="published"))
        assert Product.objects.count() == 0


@pytest.fixture
def draft(focal_point, officer):
    """A focal point's draft naming the programme officer as co-author."""
    return services.product_create(actor=focal_point, data=new(editors=[officer.username]))


# The author, a co-author named as editor, and the curators.
@who_may("focal_point", "officer", "admin_user", "knowledge_manager")
def test_who_may_edit(request, draft, role, allowed):
    actor = someone(request, role)
    if allowed:
        services.product_update(actor=actor, product=draft, data={"summary": {"en": f"by {role}"}})
        services.files_add(actor=actor, product=draft, files=[Upload("a.png", PNG)])
        draft.refresh_from_db()
        assert draft.summary == {"en": f"by {role}"} and draft.files.count() == 1
        services.file_remove(actor=actor, item=draft.files.get())
        assert draft.files.count() == 0
    else:
        with pytest.raises(NotAllowed):
            services.product_update(actor=actor, product=draft, data={"summary": {"en": "x"}})
        with pytest.raises(NotAllowed):
            services.files_add(actor=actor, product=draft, files=[Upload("a.png", PNG)])
        draft.refresh_from_db()
        assert draft.summary == {} and draft.files.count() == 0


def test_another_focal_point_may_not_edit_and_a_named_reviewer_is_no_author(draft, other_place):
    stranger = UserFactory(roles=[Role.FOCAL_POINT], places=[other_place])
    with pytest.raises(NotAllowed):
        services.product_update(actor=stranger, product=draft, data={"summary": {"en": "x"}})
    reviewer = UserFactory(roles=[Role.REVIEWER])
    services.product_update(actor=UserFactory(roles=[Role.ADMINISTRATOR]), product=draft,
                            data={"editors": [reviewer.username]})
    with pytest.raises(NotAllowed):
        services.product_update(actor=reviewer, product=draft, data={"summary": {"en": "x"}})


def test_a_file_of_a_product_may_be_removed_only_by_its_editors(draft, reviewer, other_place):
    item = services.files_add(actor=draft.created_by, product=draft, files=[Upload("a.png", PNG)])[0]
    for actor in (reviewer, UserFactory(roles=[Role.FOCAL_POINT], places=[other_place])):
        with pytest.raises(NotAllowed):
            services.file_remove(actor=actor, item=item)
    assert ProductFile.objects.filter(pk=item.pk).exists() and len(stored_files()) == 1


@who_may("admin_user", "knowledge_manager")
def test_only_curators_publish_and_unpublish(request, draft, role, allowed):
    actor = someone(request, role)
    if allowed:
        version = Product.objects.get(pk=draft.pk).version
        services.product_set_status(actor=actor, product=draft, status="published")
        assert draft.status == "published" and draft.published_on == timezone.localdate()
        assert draft.version == version + 1
        services.product_set_status(actor=actor, product=draft, status="draft")
        assert Product.objects.get(pk=draft.pk).status == "draft"
    else:
        with pytest.raises(NotAllowed):
            services.product_set_status(actor=actor, product=draft, status="published")
        assert Product.objects.get(pk=draft.pk).status == "draft"


def test_a_status_change_is_checked(knowledge_manager, draft):
    assert "status" in refused(services.product_set_status, actor=knowledge_manager, product=draft,
                               status="archived").errors
    assert "status" in refused(services.product_set_status, actor=knowledge_manager, product=draft,
                               status="draft").errors


def test_publishing_keeps_a_given_publication_date(knowledge_manager, officer):
    p = services.product_create(actor=officer, data=new(published_on="2016-11-03"))
    services.product_set_status(actor=knowledge_manager, product=p, status="published")
    assert p.published_on.isoformat() == "2016-11-03"


@pytest.mark.parametrize(("role", "while_draft", "when_published"), [
    ("admin_user", True, True), ("knowledge_manager", True, True),
    ("focal_point", True, False),  # the author
    ("officer", True, False),  # the co-author
    ("secretariat", False, False), ("reviewer", False, False), ("no_role_user", False, False),
    ("anonymous", False, False)])
def test_who_may_delete(request, knowledge_manager, focal_point, officer, role, while_draft, when_published):
    actor = someone(request, role)
    for published, allowed in ((False, while_draft), (True, when_published)):
        p = services.product_create(actor=focal_point, data=new(editors=[officer.username]))
        if published:
            services.product_set_status(actor=knowledge_manager, product=p, status="published")
        if allowed:
            services.product_delete(actor=actor, product=p)
            assert not Product.objects.filter(pk=p.pk).exists()
        else:
            with pytest.raises(NotAllowed):
                services.product_delete(actor=actor, product=p)
            assert Product.objects.filter(pk=p.pk).exists()


def test_only_curators_rebuild_the_index_and_one_at_a_time(knowledge_manager, focal_point, officer):
    product(title="Compact city")
    for actor in (focal_point, officer):
        with pytest.raises(NotAllowed):
            services.index_rebuild_enqueue(actor=actor)
    with TestCase.captureOnCommitCallbacks(execute=False) as callbacks:
        job = services.index_rebuild_enqueue(actor=knowledge_manager)
        with pytest.raises(Conflict):
            services.index_rebuild_enqueue(actor=knowledge_manager)
    assert job.status == IndexJob.Status.QUEUED and job.total == 1 and job.requested_by == knowledge_manager
    SearchDocument.objects.all().delete()
    for callback in callbacks:
        callback()
    job.refresh_from_db()
    assert (job.status, job.done, job.percent) == ("done", 1, 100)
    assert SearchDocument.objects.count() == 1


# --- knowledge requests -------------------------------------------------------------------------

@pytest.fixture
def asked(focal_point, place):
    return services.request_create(actor=focal_point, place=place,
                                   title={"en": "We need help reducing non-revenue water"},
                                   description={"en": "A third of our water is lost in leaks."})


@pytest.fixture
def helper(other_place):
    """The focal point of another place, who answers."""
    return UserFactory(username="helper", roles=[Role.FOCAL_POINT], places=[other_place])


AROUND_A_REQUEST = (*ROLES, "helper")


def test_a_request_takes_the_themes_of_its_text(asked, place):
    assert asked.place == place and asked.status == KnowledgeRequest.Status.OPEN
    assert "water-supply" in codes(asked)
    assert AuditEntry.objects.filter(object_id=str(asked.pk), action=AuditEntry.Action.CREATE).exists()


def test_a_request_may_name_its_themes(officer, place):
    item = services.request_create(actor=officer, place=place, title="Waste sorting", themes=["tourism"])
    assert codes(item) == ["tourism"] and item.title == {"en": "Waste sorting"}


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"title": {}}, "title"), ({"title": ""}, "title"), ({"title": {"xx": "Help"}}, "title"),
    ({"title": {"en": "H" * 301}}, "title"), ({"description": {"en": "D" * 5001}}, "description"),
    ({"description": {"tlh": "x"}}, "description"), ({"themes": ["nope"]}, "themes")])
def test_a_bad_request_names_its_field(focal_point, place, kwargs, field):
    args = {"title": {"en": "Help with leaks"}, **kwargs}
    error = refused(services.request_create, actor=focal_point, place=place, **args)
    assert field in error.errors
    assert KnowledgeRequest.objects.count() == 0


@who_may("focal_point", "admin_user", "officer")
def test_who_may_ask_for_a_place(request, place, role, allowed):
    actor = someone(request, role)
    if allowed:
        assert services.request_create(actor=actor, place=place, title="Help").place == place
    else:
        with pytest.raises(NotAllowed):
            services.request_create(actor=actor, place=place, title="Help")
        assert KnowledgeRequest.objects.count() == 0


def test_a_focal_point_asks_only_for_their_own_place(focal_point, other_place):
    with pytest.raises(NotAllowed):
        services.request_create(actor=focal_point, place=other_place, title="Help")


def test_another_place_answers_and_the_request_is_answered(asked, helper, other_place, knowledge_manager):
    p = product(title="Leak detection toolkit", kind="toolkit")
    answer = services.answer_add(actor=helper, request=asked, place=other_place, text="  We did this in 2019.  ",
                                 products=[p])
    assert answer.text == "We did this in 2019." and list(answer.products.all()) == [p]
    asked.refresh_from_db()
    assert asked.status == KnowledgeRequest.Status.ANSWERED
    services.answer_add(actor=UserFactory(roles=[Role.ADMINISTRATOR]), request=asked,
                        place=PlaceFactory(slug="third"), text="So did we.")
    assert asked.answers.count() == 2


def test_an_answer_only_for_a_place_one_acts_for(asked, helper, focal_point, place, other_place, knowledge_manager,
                                                 reviewer):
    for actor in (helper, knowledge_manager, reviewer):
        with pytest.raises(NotAllowed):  # none of them speaks for "third"
            services.answer_add(actor=actor, request=asked, place=PlaceFactory(), text="We can help.")
    with pytest.raises(NotAllowed):  # the asking focal point does not speak for other_place
        services.answer_add(actor=focal_point, request=asked, place=other_place, text="We can help.")
    error = refused(services.answer_add, actor=focal_point, request=asked, place=place, text="We can help.")
    assert "place" in error.errors  # not its own request
    assert RequestAnswer.objects.count() == 0


@pytest.mark.parametrize(("text", "field"), [("", "text"), ("   ", "text"), ("x" * 5001, "text")])
def test_an_answer_needs_its_text(asked, helper, other_place, text, field):
    error = refused(services.answer_add, actor=helper, request=asked, place=other_place, text=text)
    assert field in error.errors and RequestAnswer.objects.count() == 0


@who_may("focal_point", "admin_user", "officer", "knowledge_manager", among=AROUND_A_REQUEST)
def test_who_may_close_a_request(request, asked, role, allowed):
    actor = someone(request, role)
    if allowed:
        services.request_close(actor=actor, request=asked)
        assert KnowledgeRequest.objects.get(pk=asked.pk).status == "closed"
    else:
        with pytest.raises(NotAllowed):
            services.request_close(actor=actor, request=asked)
        assert KnowledgeRequest.objects.get(pk=asked.pk).status == "open"


def test_a_closed_request_takes_no_answer_and_is_not_closed_twice(asked, officer, helper, other_place):
    services.request_close(actor=officer, request=asked)
    assert "status" in refused(services.request_close, actor=officer, request=asked).errors
    assert "request" in refused(services.answer_add, actor=helper, request=asked, place=other_place,
                                text="Late").errors


# The asking place's focal point may; the knowledge manager closes requests, but partnerships (and
# activities, below) are for officers and focal points.
@who_may("officer", "admin_user", "focal_point", among=AROUND_A_REQUEST)
def test_who_may_turn_a_request_into_a_partnership(request, asked, helper, other_place, role, allowed):
    answer = services.answer_add(actor=helper, request=asked, place=other_place, text="We can help.")
    actor = someone(request, role)
    if allowed:
        partnership = services.request_to_partnership(actor=actor, request=asked, answer=answer)
        assert {m.place for m in partnership.members.all()} == {asked.place, other_place}
        assert partnership.kind == "bilateral" and partnership.status == "proposed"
        assert partnership.title["en"].startswith("Testville – Otherton: We need help")
        assert set(partnership.themes.all()) == set(asked.themes.all())
        asked.refresh_from_db()
        assert asked.partnership == partnership
    else:
        with pytest.raises(NotAllowed):
            services.request_to_partnership(actor=actor, request=asked, answer=answer)
        assert Partnership.objects.count() == 0


def test_a_request_becomes_one_partnership_from_its_own_answers(asked, helper, officer, other_place, place):
    answer = services.answer_add(actor=helper, request=asked, place=other_place, text="We can help.")
    elsewhere = services.request_create(actor=officer, place=other_place, title="Other need")
    foreign = services.answer_add(actor=officer, request=elsewhere, place=place, text="Us too.")
    assert "answer" in refused(services.request_to_partnership, actor=officer, request=asked, answer=foreign).errors
    services.request_to_partnership(actor=officer, request=asked, answer=answer)
    assert "request" in refused(services.request_to_partnership, actor=officer, request=asked, answer=answer).errors
    assert Partnership.objects.count() == 1


START = datetime(2026, 3, 31, 1, 0, tzinfo=UTC)


@who_may("officer", "admin_user", "focal_point", among=AROUND_A_REQUEST)
def test_who_may_turn_a_request_into_an_activity(request, asked, role, allowed):
    actor = someone(request, role)
    if allowed:
        activity = services.request_to_activity(actor=actor, request=asked, kind="webinar", starts_at=START,
                                                ends_at=START + timedelta(hours=2), online_url="https://example.org")
        assert activity.title["en"] == "We need help reducing non-revenue water" and activity.kind == "webinar"
        assert activity.description == {"en": "A third of our water is lost in leaks."}
        asked.refresh_from_db()
        assert asked.activity == activity
    else:
        with pytest.raises(NotAllowed):
            services.request_to_activity(actor=actor, request=asked, kind="webinar", starts_at=START,
                                         ends_at=START + timedelta(hours=2))
        assert Activity.objects.count() == 0


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"starts_at": None}, "starts_at"), ({"ends_at": None}, "ends_at"), ({"ends_at": START}, "ends_at"),
    ({"kind": "party"}, "kind"), ({"timezone": "Mars/Olympus"}, "timezone")])
def test_a_bad_activity_names_its_field(asked, officer, kwargs, field):
    args = {"kind": "webinar", "starts_at": START, "ends_at": START + timedelta(hours=1), **kwargs}
    assert field in refused(services.request_to_activity, actor=officer, request=asked, **args).errors
    assert Activity.objects.count() == 0


def test_a_request_becomes_one_activity(asked, officer):
    services.request_to_activity(actor=officer, request=asked, kind="webinar", starts_at=START,
                                 ends_at=START + timedelta(hours=1))
    error = refused(services.request_to_activity, actor=officer, request=asked, kind="webinar", starts_at=START,
                    ends_at=START + timedelta(hours=1))
    assert "request" in error.errors and Activity.objects.count() == 1


def test_a_co_author_without_an_authoring_role_may_not_delete_the_draft(reviewer):
    draft = product(title="Shared draft", status="draft", editors=[reviewer.username])
    with pytest.raises(NotAllowed):
        services.product_delete(actor=reviewer, product=draft)
    assert Product.objects.filter(pk=draft.pk).exists()


def test_emptying_the_themes_of_a_product_takes_the_suggested_ones(knowledge_manager):
    item = product(title="Sorting household solid waste", themes=["compact-city"])
    assert [t.code for t in item.themes.all()] == ["compact-city"]
    services.product_update(actor=knowledge_manager, product=item, data={"themes": None})
    assert "solid-waste" in {t.code for t in item.themes.all()}


def test_knowledge_managers_close_requests_but_do_not_turn_them_into_partnerships(knowledge_manager, place,
                                                                                   other_place, officer):
    from renkei.knowledge import permissions

    asked = services.request_create(actor=officer, place=place, title={"en": "Help with waste"})
    assert permissions.can_manage_request(knowledge_manager, asked)
    assert not permissions.can_convert_request(knowledge_manager, asked)
    assert permissions.can_convert_request(officer, asked)
