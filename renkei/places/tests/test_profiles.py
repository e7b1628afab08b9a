import pytest
from django.core.management import CommandError, call_command

from renkei.accounts.permissions import SYSTEM
from renkei.core.errors import NotAllowed
from renkei.places.models import Place
from renkei.places.profiles import profiles_import

pytestmark = pytest.mark.django_db

GOOD = (
    '{"id": "ext-1", "name": "Kamaishi", "name_ja": "釜石市", "country": "JP", "level": "city", "population": 31000, '
    '"lat": 39.27, "lon": 141.88, "needs": ["ごみの分別を進めたい", "compact city with public transport"], '
    '"expertise": ["Tsunami recovery after 2011"]}\n'
)


def run(text: str, **kw):
    return profiles_import(source=text.encode(), actor=SYSTEM, semantic=False, **kw)


def test_import_tags_texts_onto_themes():
    report = run(GOOD)
    assert report.ok and report.created == 1
    place = Place.objects.get(external_id="ext-1")
    assert {n.theme.code for n in place.needs.all()} >= {"solid-waste", "compact-city"}
    assert {e.theme.code for e in place.expertise.all()} == {"tsunami-reconstruction"}
    assert place.needs.get(theme__code="solid-waste").description == {"en": "ごみの分別を進めたい"}


def test_reimport_is_an_upsert_and_the_file_is_the_profile():
    run(GOOD)
    report = run(GOOD.replace('"ごみの分別を進めたい", ', ""))
    assert report.ok and report.created == 0
    place = Place.objects.get(external_id="ext-1")
    assert not place.needs.filter(theme__code="solid-waste").exists()
    assert Place.objects.count() == 1


def test_upsert_by_country_and_name_without_id():
    run(GOOD)
    report = run('{"name": "Kamaishi", "country": "JP", "level": "city", "needs": ["flood"], "expertise": []}\n')
    assert report.ok and Place.objects.count() == 1


@pytest.mark.parametrize(("line", "field"), [
    ('{"name": "X", "country": "XX"}', "country"),
    ('{"name": "X", "country": "JP", "needs": "not a list"}', "needs"),
    ('{"name": "X", "country": "JP", "needs": ["make ice cream"]}', "needs[0]"),
    ('{"name": "X", "country": "JP", "needs": [""]}', "needs[0]"),
    ('{"name": "X", "country": "JP", "colour": "red"}', "colour"),
    ('{"name": "X", "country": "JP", "lat": 100, "lon": 1}', "lat"),
    ('not json', "line"),
    ('[1, 2]', "line"),
])
def test_every_bad_line_is_reported_with_its_number_and_nothing_is_written(line, field):
    report = run(GOOD + line + "\n")
    assert not report.ok and not report.written
    assert any(e.line == 2 and e.field == field for e in report.errors), report.errors
    assert Place.objects.count() == 0


@pytest.mark.parametrize(("value", "problem"), [
    ("[" * 100_000 + "]" * 100_000, "lists and objects are nested more than 100 deep"),
    ("9" * 4400, "a number has more than 4,300 digits"),
])
def test_json_python_cannot_convert_is_an_error_on_its_line(tmp_path, capsys, value, problem):
    path = tmp_path / "profiles.jsonl"
    path.write_text(GOOD + '{"name": "Kobe", "country": "JP", "population": ' + value + "}\n", encoding="utf-8")
    with pytest.raises(CommandError, match="1 lines have errors; nothing was written"):
        call_command("import", "profiles", str(path), "--synonyms-only")
    assert f"line 2: line: is not valid JSON ({problem})" in capsys.readouterr().err
    assert Place.objects.count() == 0


def test_skip_invalid_writes_the_good_lines():
    report = run(GOOD + '{"name": "X", "country": "XX"}\n', skip_invalid=True)
    assert report.written and report.skipped == 1 and Place.objects.count() == 1


def test_empty_and_non_utf8_files():
    assert run("").fatal
    assert profiles_import(source=b"\xff\xfe\x00", actor=SYSTEM, semantic=False).fatal


def test_permission(focal_point):
    with pytest.raises(NotAllowed):
        profiles_import(source=GOOD.encode(), actor=focal_point, semantic=False)


def test_command(tmp_path, capsys):
    path = tmp_path / "profiles.jsonl"
    path.write_text(GOOD + '{"name": "Bad", "country": "XX"}\n', encoding="utf-8")
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("import", "profiles", str(path), "--synonyms-only")
    assert "line 2: country" in capsys.readouterr().err
    call_command("import", "profiles", str(path), "--synonyms-only", "--skip-invalid")
    assert Place.objects.filter(external_id="ext-1").exists()
