"""The indicator pages in English and Japanese, per role: catalogue, values with history, the
import page, peer groups and the benchmarking page with its charts' tables and CSV."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from renkei.indicators.models import PeerGroup, Value

pytestmark = pytest.mark.django_db


def test_the_catalogue_and_an_indicator_are_public(client, place, peers):
    page = client.get("/indicators/", {"framework": "sendai"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "A-2" in text and "11.6.2" not in text
    detail = client.get("/indicators/11.6.2/").content.decode()
    assert "Testville" in detail and "0 or more" in detail
    ja = client.get("/indicators/11.6.2/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "都市部における微粒子状物質" in ja
    assert client.get("/indicators/nope/").status_code == 404
    assert client.get("/indicators/11.6.2/", {"page": "999999999999"}).status_code == 200


def test_a_focal_point_enters_a_value_and_sees_its_history(client, place, other_place, focal_point, pm25):
    client.force_login(focal_point)
    page = client.get("/places/testville/indicators/")
    assert "Enter a value" in page.content.decode()
    data = {"indicator": "11.6.2", "year": "2022", "value": "14", "source": "Monitoring", "period": "",
            "disaggregation": "", "note": ""}
    assert client.post("/places/testville/indicators/add/", data).status_code == 302
    assert client.post("/places/testville/indicators/add/", {**data, "value": "13"}).status_code == 302
    value = Value.objects.get()
    history = client.get(f"/indicators/values/{value.pk}/").content.decode()
    assert "13" in history and "14" in history
    refused = client.post("/places/testville/indicators/add/", {**data, "value": "-2"})
    assert refused.status_code == 200 and "must be at least 0" in refused.content.decode()
    nul = client.post("/places/testville/indicators/add/", {**data, "source": "a\x00b"})
    assert nul.status_code in (200, 400)
    assert client.post("/places/otherton/indicators/add/", data).status_code == 403
    assert "Enter a value" not in client.get("/places/otherton/indicators/").content.decode()
    client.logout()
    assert client.post("/places/testville/indicators/add/", data).status_code == 302  # to sign in
    assert Value.objects.get().value == 13


def test_the_import_page(client, place, officer, reviewer):
    client.force_login(reviewer)
    assert client.get("/indicators/import/").status_code == 403
    client.force_login(officer)
    bad = b"place,indicator,year,value,source\ntestville,11.2.1,2022,140,Survey\n"
    page = client.post("/indicators/import/", {"file": SimpleUploadedFile("v.csv", bad)})
    assert page.status_code == 200 and "must be at most 100" in page.content.decode()
    assert not Value.objects.exists()
    good = bad.replace(b"140", b"40")
    page = client.post("/indicators/import/", {"file": SimpleUploadedFile("v.csv", good)})
    assert Value.objects.get().value == 40


def test_peer_groups_page(client, place, peers, officer, anonymous):
    assert client.get("/indicators/peer-groups/").status_code == 200
    assert client.post("/indicators/peer-groups/", {"name_en": "x", "kind": "filter"}).status_code == 403
    client.force_login(officer)
    answer = client.post("/indicators/peer-groups/", {"name_en": "Peers", "kind": "list",
                                                      "places": " ".join(p.slug for p in peers)})
    assert answer.status_code == 302
    assert PeerGroup.objects.get().places.count() == 6
    wrong = client.post("/indicators/peer-groups/", {"name_en": "Bad", "kind": "list", "places": "nowhere"})
    assert wrong.status_code == 200 and "nowhere" in wrong.content.decode()
    ja = client.get("/indicators/peer-groups/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "<td>いいえ</td>" in ja and "不採用" not in ja  # not shared: no, not a decision's "rejected"


@pytest.mark.parametrize("language", ["en", "ja"])
def test_the_benchmarking_page(client, place, peers, language):
    query = {"kind": "list", "places": ",".join(p.slug for p in peers)}
    page = client.get("/places/testville/benchmark/", query, HTTP_ACCEPT_LANGUAGE=language)
    assert page.status_code == 200
    text = page.content.decode()
    for chart in ("profile", "distribution", "series"):
        assert f'data-chart="{chart}"' in text
    if language == "ja":
        assert "ベンチマーク" in text and "欠測" in text
    else:
        assert "Percentile rank" in text and "missing" in text
    csv = client.get("/places/testville/benchmark/", {**query, "chart": "profile", "format": "csv"})
    lines = csv.content.decode().splitlines()
    assert csv["Content-Type"].startswith("text/csv") and len(lines) == 3
    assert any(line.startswith("11.6.2") and ",50.0," in line for line in lines)
    assert any(line.startswith("11.2.1") and ",," in line for line in lines)  # missing stays empty, not 0


def test_the_benchmarking_page_refuses_bad_addresses(client, place, peers):
    assert client.get("/places/testville/benchmark/", {"window": "x"}).status_code == 400
    assert client.get("/places/testville/benchmark/", {"year": "99999"}).status_code == 400
    assert client.get("/places/testville/benchmark/", {"kind": "filter", "min_population": "-4"}).status_code == 400
    assert client.get("/places/testville/benchmark/", {"group": "nope"}).status_code == 404
    assert client.get("/places/nowhere/benchmark/").status_code == 404
    assert client.get("/places/testville/benchmark/", {"kind": "list", "places": "peer-0",
                                                       "indicator": "nope"}).status_code == 404


def _csv(response) -> list[list[str]]:
    import csv
    import io

    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8").removeprefix("\ufeff"))))


def test_an_indicator_and_a_place_download_their_values(client, place, peers, pm25):
    """Every page of the list, in the reader's language, with the page's visibility and safe cells."""
    import io

    from openpyxl import load_workbook

    from renkei.indicators.tests.conftest import record
    from renkei.places.tests.factories import PlaceFactory

    hidden = PlaceFactory(slug="hidden", name_en="Hidden town", is_published=False)
    record(hidden, pm25, 2022, 9.0)
    record(peers[0], pm25, 2021, 7.5, source="=cmd|' /C calc'!A0")
    page = client.get("/indicators/11.6.2/").content.decode()
    assert "download=csv" in page and "download=xlsx" in page
    rows = _csv(client.get("/indicators/11.6.2/", {"download": "csv", "page": "2"}))
    assert rows[0][:6] == ["Place", "Country", "Indicator code", "Indicator", "Unit", "Year"]
    assert len(rows) - 1 == 9 and "Hidden town" not in {row[0] for row in rows}
    assert "'=cmd|' /C calc'!A0" in {row[9] for row in rows}
    ja = _csv(client.get("/places/testville/indicators/", {"download": "csv"}, HTTP_ACCEPT_LANGUAGE="ja"))
    assert ja[0][0] == "地域" and [(row[2], row[5], row[8]) for row in ja[1:]] == [
        ("11.6.2", "2022", "12.0"), ("11.6.2", "2021", "30.0")]
    book = client.get("/places/testville/indicators/", {"download": "xlsx"})
    sheet = load_workbook(io.BytesIO(book.content)).active
    values = [row[8] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert values == [12.0, 30.0]
    assert client.get("/places/hidden/indicators/", {"download": "csv"}).status_code == 404


def test_the_command_gives_the_same_values(place, peers, tmp_path):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    out = tmp_path / "values.csv"
    call_command("export", "sheet", "indicator-values", "--indicator", "11.6.2", "--place", "testville",
                 "--output", str(out), verbosity=0)
    rows = [line.split(",") for line in out.read_text(encoding="utf-8").splitlines()]
    assert [row[5] for row in rows[1:]] == ["2022", "2021"]
    with pytest.raises(CommandError, match="--indicator"):
        call_command("export", "sheet", "indicator-values", "--indicator", "nope")
    with pytest.raises(CommandError, match="--place"):
        call_command("export", "sheet", "indicator-values", "--place", "nowhere")


def test_the_benchmarking_page_names_the_field_of_each_problem(client, place, peers):
    def problem(query, language="en"):
        page = client.get("/places/testville/benchmark/", query, HTTP_ACCEPT_LANGUAGE=language)
        assert page.status_code == 400
        return re.search(r'message-error">([^<]*)<', page.content.decode()).group(1)

    assert problem({"year": "abc"}) == "Last year: must be a whole number"
    assert problem({"window": "0"}) == "Years in the window: must be from 1 to 50"
    assert problem({"kind": "filter", "min_population": "-4"}) == "min_population: must be at least 0"
    assert problem({"kind": "bogus"}).startswith("kind: choose one of")
    assert problem({"window": "0"}, "ja").startswith("期間の年数: ")


def test_the_delete_button_is_offered_only_to_who_may_delete(client, officer, reviewer, admin_user):
    """A shared group with no owner (the demo's) offers deletion to administrators only; a user's own
    group to its owner (it was offered to every visitor, whose user has no id like the group's owner)."""
    PeerGroup.objects.create(slug="shared-one", name={"en": "Shared one"}, kind="list", shared=True)
    PeerGroup.objects.create(slug="officers", name={"en": "Officer's"}, kind="list", shared=True, owner=officer)

    def deletable():
        page = client.get("/indicators/peer-groups/").content.decode()
        return sorted(slug for slug in ("shared-one", "officers") if f"/indicators/peer-groups/{slug}/delete/" in page)

    assert deletable() == []
    client.force_login(reviewer)
    assert deletable() == []
    client.force_login(officer)
    assert deletable() == ["officers"]
    client.force_login(admin_user)
    assert deletable() == ["officers", "shared-one"]
    assert client.post("/indicators/peer-groups/shared-one/delete/").status_code == 302
    assert not PeerGroup.objects.filter(slug="shared-one").exists()


def test_values_are_shown_without_trailing_zeros(client, place, pm25):
    from renkei.indicators.tests.conftest import record

    value = record(place, pm25, 2022, 54.5)
    record(place, pm25, 2022, 12345.25)  # the first becomes a revision
    for url in ("/places/testville/indicators/", "/indicators/11.6.2/", f"/indicators/values/{value.pk}/"):
        text = client.get(url).content.decode()
        assert "12,345.25" in text and "54.500" not in text and "12345.250" not in text, url
    assert ">54.5<" in client.get(f"/indicators/values/{value.pk}/").content.decode()
