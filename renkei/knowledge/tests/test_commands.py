"""The library's commands: ``renkei reindex`` and ``renkei library import/export/search``."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import TestCase

from renkei.core.tests.files import pdf_with_text
from renkei.knowledge.models import Product, ProductFile, SearchDocument, SearchTerm
from renkei.knowledge.search.service import search
from renkei.knowledge.tests.factories import product
from renkei.places.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[int, str, str]:
    """Run a command; returns (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
    except CommandError as exc:
        return 1, out.getvalue(), err.getvalue() + f"CommandError: {exc}\n"
    return 0, out.getvalue(), err.getvalue()


def stored_files(settings) -> list:
    root = settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.fixture
def folder(tmp_path):
    path = tmp_path / "import"
    path.mkdir()
    return path


def jsonl(folder, *rows, name="products.jsonl") -> str:
    path = folder / name
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in rows) + "\n",
                    encoding="utf-8")
    return str(path)


def row(slug, **fields) -> dict:
    return {"slug": slug, "kind": "case_study", "title": {"en": f"Case {slug}"}, "status": "published", **fields}


# --- reindex ------------------------------------------------------------------------------------

def test_reindex_rebuilds_the_index_and_says_how_many(anonymous):
    product(title="Compact city planning in Toyama", slug="toyama")
    product(title={"ja": "釜石市の津波からの復興"}, slug="kamaishi")
    SearchDocument.objects.all().delete()
    SearchTerm.objects.all().delete()
    assert search(viewer=anonymous, query="toyama", mode="fulltext").hits == []
    status, out, _err = run("reindex")
    assert status == 0 and out.startswith("Indexed 2 products in ")
    assert SearchDocument.objects.count() == 2 and SearchTerm.objects.filter(term="toyama").exists()
    assert [h.product.slug for h in search(viewer=anonymous, query="toyama", mode="fulltext").hits] == ["toyama"]
    assert [h.product.slug for h in search(viewer=anonymous, query="津波", mode="fulltext").hits] == ["kamaishi"]


def test_reindex_drops_the_documents_of_deleted_products():
    keep = product(title="Kept", slug="kept")
    gone = product(title="Gone", slug="gone")
    Product.objects.filter(pk=gone.pk).delete()
    status, out, _err = run("reindex")
    assert status == 0 and "Indexed 1 products" in out
    assert list(SearchDocument.objects.values_list("product_id", flat=True)) == [keep.pk]


def test_reindex_of_an_empty_library():
    status, out, _err = run("reindex")
    assert status == 0 and out.startswith("Indexed 0 products")


# --- import -------------------------------------------------------------------------------------

def test_import_writes_good_lines(folder, place):
    OrganisationFactory(slug="jica")
    path = jsonl(folder, row("toyama", places=[place.slug], organisations=["jica"], themes=["compact-city"],
                             published_on="2016-11-03"),
                 row("kamaishi", title={"ja": "釜石市の津波からの復興"}, status="draft"))
    status, out, err = run("library", "import", path)
    assert status == 0, err
    assert out.strip() == "2 products read: 2 created, 0 updated."
    toyama = Product.objects.get(slug="toyama")
    assert toyama.status == "published" and toyama.published_on.isoformat() == "2016-11-03"
    assert [t.code for t in toyama.themes.all()] == ["compact-city"] and list(toyama.places.all()) == [place]
    kamaishi = Product.objects.get(slug="kamaishi")
    assert kamaishi.status == "draft" and kamaishi.languages == "ja"
    assert "tsunami-reconstruction" in {t.code for t in kamaishi.themes.all()}  # suggested from the text


def test_one_bad_line_stops_the_import_and_is_named(folder):
    path = jsonl(folder, row("one"), row("two", kind="poem", title={"xx": "Bad"}), row("three"))
    status, out, err = run("library", "import", path)
    assert status == 1
    assert "line 2: kind: choose one of: knowledge_note" in err
    assert "line 2: title: xx is not a language code" in err
    assert "line 1" not in err and "line 3" not in err
    assert "1 lines have errors; nothing was written" in err
    assert Product.objects.count() == 0


def test_skip_invalid_writes_the_good_lines(folder):
    path = jsonl(folder, row("one"), row("two", published_on="2999-01-01"), "{not json", row("four"))
    status, out, err = run("library", "import", path, "--skip-invalid")
    assert status == 0, err
    assert "line 2: published_on: cannot be in the future" in err
    assert "line 3: line: is not valid JSON" in err
    assert out.strip() == "4 products read: 2 created, 0 updated, 2 skipped."
    assert set(Product.objects.values_list("slug", flat=True)) == {"one", "four"}


def test_a_dry_run_writes_nothing(folder, settings):
    (folder / "a.pdf").write_bytes(pdf_with_text("Leaks"))
    path = jsonl(folder, row("one", files=["a.pdf"]), row("two"))
    status, out, err = run("library", "import", path, "--dry-run")
    assert status == 0, err
    assert out.strip() == "2 products checked; nothing was written (dry run)."
    assert Product.objects.count() == 0 and stored_files(settings) == []
    status, _out, err = run("library", "import", jsonl(folder, row("one"), row("two", kind="poem")), "--dry-run")
    assert status == 1 and "line 2: kind:" in err and Product.objects.count() == 0


def test_files_are_read_relative_to_the_file_and_attached(folder, settings, anonymous):
    (folder / "docs").mkdir()
    pdf = pdf_with_text("Acoustic loggers found the leaks.")
    (folder / "docs" / "leaks.pdf").write_bytes(pdf)
    path = jsonl(folder, row("leaks", files=["docs/leaks.pdf"]))
    status, _out, err = run("library", "import", path)
    assert status == 0, err
    item = ProductFile.objects.get()
    assert item.product.slug == "leaks" and item.name == "leaks.pdf" and item.text_status == "extracted"
    assert "Acoustic loggers" in item.text
    assert [f.read_bytes() for f in stored_files(settings)] == [pdf]


def test_a_missing_or_bad_file_is_reported_with_its_line(folder, settings):
    (folder / "fake.pdf").write_bytes(b"just text")
    path = jsonl(folder, row("one"), row("two", files=["missing.pdf"]), row("three", files=["fake.pdf"]))
    status, _out, err = run("library", "import", path)
    assert status == 1
    assert "line 2: files: cannot read missing.pdf: No such file or directory" in err
    assert "line 3: files: fake.pdf is not really a PDF file." in err
    assert Product.objects.count() == 0 and stored_files(settings) == []


@pytest.fixture
def elsewhere(tmp_path):
    """A readable PDF beside the import folder, not in it."""
    path = tmp_path / "secret.pdf"
    path.write_bytes(pdf_with_text("Not for the library"))
    return path


def test_files_outside_the_folder_of_the_import_file_are_refused(folder, settings, elsewhere):
    (folder / "link.pdf").symlink_to(elsewhere)
    (folder / "zero.pdf").symlink_to("/dev/zero")
    path = jsonl(folder, row("up", files=["../secret.pdf"]), row("absolute", files=[str(elsewhere)]),
                 row("link", files=["link.pdf"]), row("device", files=["/dev/zero"]),
                 row("device-link", files=["zero.pdf"]))
    status, _out, err = run("library", "import", path)
    assert status == 1
    assert "line 1: files: ../secret.pdf is outside the folder of the import file" in err
    assert f"line 2: files: {elsewhere} is outside the folder of the import file" in err
    assert "line 3: files: link.pdf is outside the folder of the import file" in err
    assert "line 4: files: /dev/zero is outside the folder of the import file" in err
    assert "line 5: files: zero.pdf is outside the folder of the import file" in err
    assert "Traceback" not in err and "nothing was written" in err
    assert Product.objects.count() == 0 and stored_files(settings) == []


def test_only_regular_files_are_read(folder, settings):
    import os

    os.mkfifo(folder / "pipe.pdf")  # opening it for reading would wait for a writer forever
    (folder / "docs.pdf").mkdir()
    (folder / "real.pdf").write_bytes(pdf_with_text("Leaks"))
    (folder / "alias.pdf").symlink_to("real.pdf")  # a link that stays inside the folder is fine
    path = jsonl(folder, row("pipe", files=["pipe.pdf"]), row("folder", files=["docs.pdf", "."]),
                 row("nul", files=["real.pdf\x00.txt"]), row("alias", files=["alias.pdf"]))
    status, _out, err = run("library", "import", path)
    assert status == 1
    assert "line 1: files: pipe.pdf is not a regular file" in err
    assert "line 2: files: docs.pdf is not a regular file" in err and "line 2: files: . is not a regular file" in err
    assert "line 3: files: 'real.pdf\\x00.txt' is not a file name" in err
    assert "line 4" not in err
    assert Product.objects.count() == 0 and stored_files(settings) == []
    status, _out, err = run("library", "import", path, "--skip-invalid")
    assert status == 0, err
    assert ProductFile.objects.get().product.slug == "alias"


def test_a_file_larger_than_the_upload_limit_is_not_read(folder, settings):
    from renkei.knowledge.services import MAX_LIBRARY_FILE_BYTES

    with (folder / "huge.pdf").open("wb") as handle:
        handle.write(b"%PDF-1.4\n")
        handle.truncate(MAX_LIBRARY_FILE_BYTES + 1)  # sparse: no disk used
    path = jsonl(folder, row("huge", files=["huge.pdf"]))
    status, _out, err = run("library", "import", path)
    assert status == 1 and "line 1: files: huge.pdf is larger than 50 MB." in err
    assert Product.objects.count() == 0 and stored_files(settings) == []


def test_a_file_is_read_no_further_than_the_limit(folder):
    from renkei.core.errors import ApplicationError
    from renkei.knowledge.importing import read_file

    (folder / "a.pdf").write_bytes(b"%PDF" + b"x" * 96)
    assert read_file(folder, "a.pdf", max_bytes=100).content == b"%PDF" + b"x" * 96
    with pytest.raises(ApplicationError, match="a.pdf is larger than"):
        read_file(folder, "a.pdf", max_bytes=99)


@pytest.mark.parametrize(("value", "problem"), [
    ("[" * 100_000 + "]" * 100_000, "lists and objects are nested more than 100 deep"),
    ("9" * 4400, "a number has more than 4,300 digits"),
])
def test_json_python_cannot_convert_is_an_error_on_its_line(folder, value, problem):
    path = jsonl(folder, row("one"), '{"slug": "two", "kind": "guide", "suits_min_population": ' + value + "}")
    status, _out, err = run("library", "import", path)
    assert status == 1
    assert f"line 2: line: is not valid JSON ({problem})" in err and "Traceback" not in err
    assert Product.objects.count() == 0


def test_a_url_name_twice_in_the_file_is_named_and_nothing_is_written(folder, settings):
    (folder / "a.pdf").write_bytes(pdf_with_text("Leaks"))
    path = jsonl(folder, row("same", files=["a.pdf"]), row("other"), row("same"))
    status, _out, err = run("library", "import", path)
    assert status == 1
    assert "line 3: slug:" in err and "line 1" in err.split("line 3: slug:")[1]
    assert Product.objects.count() == 0 and stored_files(settings) == []
    status, out, err = run("library", "import", path, "--skip-invalid")
    assert status == 0, err
    assert set(Product.objects.values_list("slug", flat=True)) == {"same", "other"}
    assert Product.objects.get(slug="same").files.count() == 1


def test_a_status_is_checked_with_its_line(folder, focal_point):
    path = jsonl(folder, row("one", status="archived"))
    status, _out, err = run("library", "import", path)
    assert status == 1 and "line 1: status: choose one of: draft, published" in err
    path = jsonl(folder, row("one", status="draft"), row("two", status="published"))
    status, _out, err = run("library", "import", path, "--as", "focal")
    assert status == 1 and "line 2: status:" in err and "line 1" not in err
    assert Product.objects.count() == 0
    status, out, err = run("library", "import", path, "--as", "focal", "--skip-invalid")
    assert status == 0, err
    assert list(Product.objects.values_list("slug", "status", "created_by")) == [("one", "draft", focal_point.pk)]


def test_a_known_url_name_updates_the_product(folder, knowledge_manager):
    product(title="Old title", slug="toyama", status="draft")
    path = jsonl(folder, row("toyama", title={"en": "New title"}, summary={"en": "Now with a summary."}))
    status, out, err = run("library", "import", path)
    assert status == 0, err
    assert out.strip() == "1 products read: 0 created, 1 updated."
    p = Product.objects.get(slug="toyama")
    assert p.title == {"en": "New title"} and p.summary == {"en": "Now with a summary."}
    assert p.status == "published"


def test_import_as_a_user_and_who_may(folder, reviewer, officer):
    path = jsonl(folder, row("one", status="draft"))
    status, _out, err = run("library", "import", path, "--as", "nobody")
    assert status == 1 and "There is no user named 'nobody'" in err
    status, _out, err = run("library", "import", path, "--as", reviewer.username)
    assert status == 1 and "may not add products" in err
    status, _out, err = run("library", "import", path, "--as", officer.username)
    assert status == 0, err
    assert Product.objects.get().created_by == officer


def test_an_unreadable_or_empty_file_is_refused(folder):
    status, _out, err = run("library", "import", str(folder / "nowhere.jsonl"))
    assert status == 1 and "Cannot read" in err
    (folder / "latin1.jsonl").write_bytes('{"title": {"en": "Caf\xe9"}}\n'.encode("latin-1"))
    status, _out, err = run("library", "import", str(folder / "latin1.jsonl"))
    assert status == 1 and "file: is not UTF-8 text" in err
    (folder / "empty.jsonl").write_text("\n\n")
    status, _out, err = run("library", "import", str(folder / "empty.jsonl"))
    assert status == 1 and "file: is empty" in err and "nothing was written" in err
    status, _out, err = run("library", "import", jsonl(folder, "[1, 2]"))
    assert status == 1 and "line 1: line: must be a JSON object" in err


# --- export -------------------------------------------------------------------------------------

def test_export_then_import_into_an_empty_library_gives_the_same_products(folder, place, officer):
    OrganisationFactory(slug="jica")
    product(title={"en": "Toyama: compact city", "ja": "富山市のコンパクトシティ"}, slug="toyama",
            summary={"en": "Along the tram lines."}, body={"en": "## Problem\n\nSprawl."}, themes=["compact-city"],
            places=[place.slug], organisations=["jica"], published_on="2016-11-03", authors=["Toyama City"],
            licence="CC-BY-SA-4.0", suits_min_population=100_000, suits_max_population=1_000_000,
            cost_min_eur="5000", cost_max_eur=80_000, preconditions={"en": "A tram line."}, visibility="members",
            editors=[officer.username])
    product(title="A video", kind="video", slug="video", video_url="https://example.org/v", status="draft",
            themes=[])
    product(title="Solid waste note", slug="waste", kind="knowledge_note", published_on="2019-01-01")
    status, first, err = run("library", "export")
    assert status == 0, err
    lines = first.splitlines()
    assert len(lines) == 3 and [json.loads(line)["slug"] for line in lines] == ["toyama", "video", "waste"]
    toyama = json.loads(lines[0])
    assert toyama["cost_min_eur"] == "5000" and toyama["editors"] == ["officer"] and toyama["places"] == ["testville"]
    (folder / "export.jsonl").write_text(first, encoding="utf-8")
    Product.objects.all().delete()
    status, out, err = run("library", "import", str(folder / "export.jsonl"))
    assert status == 0, err
    assert out.strip() == "3 products read: 3 created, 0 updated."
    status, second, _err = run("library", "export")
    assert second == first
    assert Product.objects.get(slug="video").status == "draft"


def test_export_of_published_products_only():
    product(title="Out", slug="out")
    product(title="Draft", slug="in-draft", status="draft")
    status, out, _err = run("library", "export", "--published")
    assert status == 0 and [json.loads(line)["slug"] for line in out.splitlines()] == ["out"]
    Product.objects.all().delete()
    assert run("library", "export") == (0, "", "")


# --- search -------------------------------------------------------------------------------------

@pytest.fixture
def shelf():
    product(title="Compact city planning in Toyama", slug="toyama", kind="case_study")
    product(title="Compact city toolkit", slug="toolkit", kind="toolkit")
    product(title="Compact city draft", slug="draft", status="draft")
    product(title={"ja": "釜石市の津波からの復興"}, slug="kamaishi")


def test_search_prints_the_results_as_a_visitor_sees_them(shelf):
    status, out, _err = run("library", "search", "compact city", "--mode", "fulltext")
    assert status == 0
    lines = out.splitlines()
    assert lines[0] == "2 products"
    assert {line.split()[1] for line in lines[1:]} == {"toyama", "toolkit"}  # the draft is not shown
    assert any(line.endswith("Compact city planning in Toyama") for line in lines)


def test_search_filters_and_json(shelf):
    status, out, _err = run("library", "search", "compact", "--kind", "toolkit", "--json", "--mode", "fulltext")
    assert status == 0
    body = json.loads(out)
    assert body["total"] == 1 and [r["slug"] for r in body["results"]] == ["toolkit"]
    assert body["results"][0]["title"] == {"en": "Compact city toolkit"} and body["results"][0]["fulltext"] == 1.0
    status, out, _err = run("library", "search", "津波", "--json")
    assert [r["slug"] for r in json.loads(out)["results"]] == ["kamaishi"]


def test_search_says_what_it_corrected(shelf):
    status, out, _err = run("library", "search", "toyamma", "--mode", "fulltext")
    assert status == 0
    assert out.splitlines()[0] == "Also searched for: toyamma → toyama"
    assert "toyama" in out.splitlines()[2]


def test_search_says_which_places_it_searched_by_their_other_names(shelf):
    from renkei.places.tests.factories import PlaceFactory

    PlaceFactory(slug="kamaishi", name_en="Kamaishi", name_ja="釜石市")
    status, out, _err = run("library", "search", "Kamaishi")
    assert status == 0
    assert out.splitlines()[0] == "Searched in both languages: Kamaishi (釜石市)"
    assert "kamaishi" in out.splitlines()[2]
    status, out, _err = run("library", "search", "Kamaishi", "--json")
    assert json.loads(out)["places"] == ["kamaishi"]


def test_search_limits(shelf):
    status, _out, err = run("library", "search", "compact", "--limit", "0")
    assert status == 1 and "--limit must be from 1 to 100" in err
    status, out, _err = run("library", "search", "compact", "--limit", "1", "--mode", "fulltext")
    assert status == 0 and out.splitlines()[0] == "2 products" and len(out.splitlines()) == 2
    with pytest.raises(CommandError):
        call_command("library", "search", "compact", "--mode", "magic", stdout=io.StringIO(), stderr=io.StringIO())


def test_imported_products_are_indexed_once_the_import_is_committed(folder, anonymous):
    path = jsonl(folder, row("acoustic", title={"en": "Acoustic loggers for leaks"}))
    with TestCase.captureOnCommitCallbacks(execute=True):
        status, _out, err = run("library", "import", path)
    assert status == 0, err
    assert [h.product.slug for h in search(viewer=anonymous, query="acoustic", mode="fulltext").hits] == ["acoustic"]
