"""The CSV import of values: every bad row reported by line, nothing half written; revisions kept;
the export reads back in."""

import io

import pytest

from renkei.core.errors import NotAllowed
from renkei.indicators.importing import values_export, values_import
from renkei.indicators.models import Revision, Value
from renkei.indicators.tests.conftest import record

pytestmark = pytest.mark.django_db

GOOD = """place,indicator,year,value,source,note,period,disaggregation
testville,11.6.2,2021,14.2,Air monitoring,,,
testville,11.6.2,2022,13.1,Air monitoring,"two stations, averaged",,
otherton,11.2.1,2022,61.5,Survey,,Q3,sex:female
otherton,11.2.1,2022,58,Survey,,,
"""


def test_a_good_file_is_imported(officer, place, other_place):
    report = values_import(source=GOOD.encode(), actor=officer)
    assert not report.errors and (report.rows, report.created) == (4, 4)
    value = Value.objects.get(place=place, year=2022)
    assert value.value == 13.1 and value.note == "two stations, averaged" and value.entered_by == officer
    assert Value.objects.get(place=other_place, period="Q3").disaggregation == "sex:female"


def test_importing_again_revises_changed_values_and_leaves_the_rest(officer, place, other_place):
    values_import(source=GOOD, actor=officer)
    again = GOOD.replace("13.1,Air monitoring", "13.4,Air monitoring (corrected)")
    report = values_import(source=again, actor=officer)
    assert (report.created, report.revised, report.unchanged) == (0, 1, 3)
    [revision] = Revision.objects.all()
    assert revision.value == 13.1 and revision.current.value == 13.4


def test_every_bad_row_is_reported_by_line_and_nothing_is_written(officer, place, other_place):
    text = GOOD + "\n".join([
        "nowhere,11.6.2,2022,1,x,,,",  # line 6
        "testville,99.9,2022,1,x,,,",  # 7
        "testville,11.2.1,2022,101,x,,,",  # 8: a share above 100 %
        "testville,11.6.2,20x2,1,x,,,",  # 9
        "testville,11.6.2,2020,one,x,,,",  # 10
        "testville,11.6.2,2020,1,,,,",  # 11
        "testville,11.6.2,2019,1,x,,Q9,",  # 12
        "testville,11.6.2,2018,1,x,,,sex:female",  # 13
        "testville,11.6.2,2021,2,x,,,",  # 14: repeats line 2
        "testville,11.6.2,2017,1,x",  # 15: too few fields
        "testville,11.6.2,2016,-4,x,,,",  # 16
        "testville,11.6.2,2015,1," + "s" * 501 + ",,,",  # 17
    ]) + "\n"
    report = values_import(source=text, actor=officer)
    found = {(e.line, e.field) for e in report.errors}
    assert found == {(6, "place"), (7, "indicator"), (8, "value"), (9, "year"), (10, "value"), (11, "source"),
                     (12, "period"), (13, "disaggregation"), (14, "line"), (15, "line"), (16, "value"),
                     (17, "source")}
    assert "line 2" in next(e.message for e in report.errors if e.line == 14)
    assert report.created == 0 and not Value.objects.exists()


@pytest.mark.parametrize(("source", "field"), [
    (b"\xff\xfe", "file"), (b"", "file"), (b"place,indicator,year\n", "header"),
    (b"place,indicator,year,value,source,colour\n", "header"), (b"place,indicator,year,value,source\n", "file"),
    (b"place,indicator,year,value,source\ntestville,11.6.2,2022,1,a\x00b\n", "line"),
])
def test_an_unusable_file_is_refused_whole(officer, place, source, field):
    report = values_import(source=source, actor=officer)
    assert report.fatal and report.errors[0].field == field
    assert not Value.objects.exists()


@pytest.mark.parametrize("body", ['testville,11.6.2,2022,1,"Air monitoring\n',
                                  'testville,11.6.2,2022,1,"Air" monitoring\n'])
def test_a_quote_left_open_or_followed_by_text_is_refused_by_line(officer, place, body):
    """Read loosely, the first swallowed the end of the file into its source, the second kept the text."""
    report = values_import(source=f"place,indicator,year,value,source\n{body}".encode(), actor=officer)
    assert report.fatal and (report.errors[0].line, report.errors[0].field) == (2, "line")
    assert "quoted field" in report.errors[0].message
    assert not Value.objects.exists()
    header = values_import(source=b'"place,indicator\n', actor=officer)
    assert header.fatal and header.errors[0].field == "header"
    huge = values_import(source=b'place,indicator,year,value,source\ntestville,11.6.2,2022,1,"' + b"x" * 200_000
                         + b'"\n', actor=officer)
    assert huge.fatal and "has a cell longer than" in huge.errors[0].message


def test_a_focal_point_imports_only_for_their_places(focal_point, place, other_place, reviewer):
    report = values_import(source=GOOD, actor=focal_point)
    assert {(e.line, e.field) for e in report.errors} == {(4, "place"), (5, "place")}
    assert not Value.objects.exists()
    mine = "\n".join(GOOD.splitlines()[:3]) + "\n"
    assert values_import(source=mine, actor=focal_point).created == 2
    with pytest.raises(NotAllowed):
        values_import(source=GOOD, actor=reviewer)


def test_a_dry_run_writes_nothing(officer, place, other_place):
    report = values_import(source=GOOD, actor=officer, dry_run=True)
    assert report.created == 4 and not Value.objects.exists()


def test_the_export_reads_back_in(officer, place, other_place, pm25):
    values_import(source=GOOD, actor=officer)
    out = io.StringIO()
    assert values_export(out, viewer=officer) == 4
    text = out.getvalue()
    assert text.splitlines()[0] == "place,indicator,year,value,source,note,period,disaggregation"
    Value.objects.all().delete()
    assert values_import(source=text, actor=officer).created == 4
    assert Value.objects.get(place=place, year=2022).value == 13.1


def test_the_export_leaves_out_unpublished_places_for_visitors(anonymous, place, other_place, pm25):
    record(place, pm25, 2022, 10)
    record(other_place, pm25, 2022, 11)
    other_place.is_published = False
    other_place.save()
    out = io.StringIO()
    assert values_export(out, viewer=anonymous) == 1
    assert "otherton" not in out.getvalue()
