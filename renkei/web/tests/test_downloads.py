"""Every list page an officer uses downloads its rows as CSV and Excel, with its filters, in the
reader's language, text cells safe for spreadsheets; `renkei export sheet` gives the same file."""

import csv
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from renkei.accounts.tests.clients import login
from renkei.activities.models import Participant
from renkei.places.models import Place

pytestmark = pytest.mark.django_db


def rows_of(response) -> list[list[str]]:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment; filename=")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")  # Excel on Windows reads UTF-8 only with the mark
    return list(csv.reader(io.StringIO(text[1:])))


def workbook_rows(response) -> list[list]:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_place_list_downloads_what_its_filters_show(client, partnerships_demo):
    everything = rows_of(client.get("/places/", {"download": "csv"}))
    japan = rows_of(client.get("/places/", {"download": "csv", "country": "JP", "page": "3"}))
    assert everything[0][:5] == ["Name", "Name (English)", "Name (Japanese)", "Reading of the Japanese name",
                                 "Country"]
    assert len(everything) - 1 == Place.objects.filter(is_published=True).count()
    assert 1 < len(japan) < len(everything)
    assert {row[4] for row in japan[1:]} == {"Japan"}
    kamaishi = next(row for row in japan if row[1] == "Kamaishi")
    assert kamaishi[2] == "釜石市" and kamaishi[3] == "かまいしし"
    assert kamaishi[-1] == "/places/kamaishi/"
    assert kamaishi[9]  # its needs, by theme


def test_downloads_speak_the_readers_language(client, partnerships_demo):
    client.post("/i18n/setlang/", {"language": "ja", "next": "/places/"})
    rows = rows_of(client.get("/places/", {"download": "csv", "country": "JP"}))
    assert rows[0][0] == "名称" and rows[0][3] == "日本語名の読み"
    assert {row[4] for row in rows[1:]} == {"日本"}
    assert "釜石市" in [row[0] for row in rows]


def test_excel_download_has_numbers_as_numbers_and_formulas_neutralised(client, partnerships_demo):
    Place.objects.filter(slug="kamaishi").update(name_en="=HYPERLINK(\"http://x\",\"y\")")
    rows = workbook_rows(client.get("/places/", {"download": "xlsx", "country": "JP"}))
    header, body = rows[0], rows[1:]
    population = header.index("Population")
    assert all(isinstance(row[population], int) for row in body if row[population] is not None)
    assert any(row[1] == "'=HYPERLINK(\"http://x\",\"y\")" for row in body)
    csv_rows = rows_of(client.get("/places/", {"download": "csv", "country": "JP"}))
    assert any(row[1].startswith("'=") for row in csv_rows)


def test_an_unknown_download_format_is_the_page(client, partnerships_demo):
    response = client.get("/places/", {"download": "pdf"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")


def test_partnerships_download_with_health(client, partnerships_demo):
    rows = rows_of(client.get("/partnerships/", {"download": "csv"}))
    header = rows[0]
    assert {"Partnership", "Status", "Dormant", "Hangs on one person", "Members"} <= set(header)
    assert len(rows) > 2
    book = workbook_rows(client.get("/partnerships/", {"download": "xlsx"}))
    assert [row[0] for row in book] == [row[0] for row in rows]


def test_applications_download_with_scores_and_ranking_is_for_the_programme_officers(
        client, officer, focal_point, partnerships_demo):
    url = "/calls/cpp-2016-call/committee/"
    login(client, officer)
    rows = rows_of(client.get(url, {"download": "csv"}))
    assert rows[0][:3] == ["Rank", "Applicant", "Country"]
    assert len(rows) > 1
    assert workbook_rows(client.get(url, {"download": "xlsx"}))[0][0] == "Rank"
    login(client, focal_point)
    assert client.get(url, {"download": "csv"}).status_code == 403


def test_activities_and_participants(client, officer, activities_demo):
    from renkei.activities.models import Activity

    activity = Activity.objects.order_by("id").first()
    Participant.objects.create(activity=activity, name="@Sato", attended=True, before_score=2, after_score=4)
    rows = rows_of(client.get("/activities/", {"download": "csv"}))
    assert rows[0][0] == "Activity" and len(rows) == Activity.objects.filter(is_published=True).count() + 1
    mine = next(row for row in rows if row[0] == activity.title_text)
    assert mine[rows[0].index("Participants")] == "1"
    assert mine[rows[0].index("Average learning gain")] == "2"
    # participants are personal data: only for those who run the activity
    assert client.get(f"/activities/{activity.slug}/", {"download": "csv"}).status_code == 403
    login(client, officer)
    people = rows_of(client.get(f"/activities/{activity.slug}/", {"download": "csv"}))
    assert people[1][:2] == ["'@Sato", ""] and people[1][5] == "2"


def test_library_download_follows_the_search(client, partnerships_demo):
    from renkei.knowledge.demo import knowledge_demo_load

    knowledge_demo_load()
    everything = rows_of(client.get("/library/", {"download": "csv"}))
    found = rows_of(client.get("/library/", {"download": "csv", "q": "tsunami"}))
    assert everything[0][:2] == ["Title", "Type"]
    assert 1 < len(found) <= len(everything)


def test_list_pages_offer_both_downloads_keeping_their_filters(client, partnerships_demo):
    page = client.get("/places/", {"country": "JP", "page": "2"}).content.decode()
    assert 'href="/places/?country=JP&amp;download=csv"' in page
    assert 'href="/places/?country=JP&amp;download=xlsx"' in page
    assert "download=csv" in client.get("/partnerships/").content.decode()


def test_command_writes_the_same_file_as_the_page(client, tmp_path, partnerships_demo):
    out, err = io.StringIO(), io.StringIO()
    call_command("export", "sheet", "places", "--country", "JP", stdout=out, stderr=err)
    page = rows_of(client.get("/places/", {"download": "csv", "country": "JP"}))
    assert list(csv.reader(io.StringIO(out.getvalue()))) == page
    assert "Exported" in err.getvalue()
    target = tmp_path / "partnerships.xlsx"
    call_command("export", "sheet", "partnerships", "--output", str(target), "--language", "ja",
                 stdout=io.StringIO(), stderr=io.StringIO())
    sheet = load_workbook(target).active
    assert next(sheet.iter_rows(values_only=True))[0] == "パートナーシップ"


@pytest.mark.parametrize(("args", "message"), [
    (["applications"], "--call: is required"),
    (["applications", "--call", "nope"], "--call: no call.* has the URL name 'nope'"),
    (["participants", "--activity", "nope"], "--activity: no"),
    (["places", "--country", "Atlantis"], "--country: 'Atlantis' is not an ISO 3166-1 country"),
    (["places", "--format", "xlsx"], "--output: an Excel file needs a file name"),
])
def test_command_names_the_bad_option(args, message, partnerships_demo):
    with pytest.raises(CommandError, match=message):
        call_command("export", "sheet", *args, stdout=io.StringIO(), stderr=io.StringIO())
