import pytest
from django.core.management import CommandError, call_command

from renkei.accounts.permissions import SYSTEM
from renkei.core.errors import NotAllowed
from renkei.places.models import Place, Theme
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


def test_reimport_with_replace_is_an_upsert_and_the_file_is_the_profile():
    run(GOOD)
    report = run(GOOD.replace('"ごみの分別を進めたい", ', ""), replace=True)
    assert report.ok and report.created == 0
    place = Place.objects.get(external_id="ext-1")
    assert not place.needs.filter(theme__code="solid-waste").exists()
    assert Place.objects.count() == 1
    assert report.statements["needs"].deleted == 1


def existing_place():
    """Kamaishi with three needs (waste; compact city and public transport, from one text) and one
    expertise (tsunami recovery), each with a Japanese description too."""
    run(GOOD)
    place = Place.objects.get(external_id="ext-1")
    for statement in [*place.needs.all(), *place.expertise.all()]:
        statement.description = {**statement.description, "ja": "日本語の説明"}
        statement.save(update_fields=["description"])
    return place


def profile(place):
    return ({n.theme.code if n.theme_id else None: n.description for n in place.needs.all()},
            {e.theme.code if e.theme_id else None: e.description for e in place.expertise.all()})


UNTAGGED = ('{"id": "ext-9", "name": "Choirtown", "country": "JP", "needs": ["more choirs in the evenings", '
            '"street cats in the harbour", "compact city with public transport"], '
            '"expertise": ["a museum of postage stamps"]}\n')


def test_texts_no_theme_is_recognised_in_are_kept_untagged_and_counted_per_line():
    report = run(GOOD + UNTAGGED)
    assert report.ok and report.written
    assert report.tagging == {1: [3, 0], 2: [1, 3]}
    assert report.tagging_lines() == ["line 2: 1 texts tagged, 3 not yet tagged (kept; themes will be suggested)"]
    assert report.summary().endswith("texts: 4 tagged, 3 not yet tagged")
    place = Place.objects.get(external_id="ext-9")
    untagged = {n.description["en"] for n in place.needs.filter(theme__isnull=True)}
    assert untagged == {"more choirs in the evenings", "street cats in the harbour"}
    assert place.expertise.get().theme is None
    assert place.needs.filter(theme__code="compact-city").exists()


def test_untagged_texts_are_not_duplicated_by_a_second_import_nor_lost_once_tagged_by_a_person():
    run(UNTAGGED)
    place = Place.objects.get(external_id="ext-9")
    first = place.needs.count()
    again = run(UNTAGGED)
    assert again.statements["needs"].added == 0 and place.needs.count() == first
    confirmed = place.needs.get(description__en="street cats in the harbour")
    confirmed.theme = Theme.objects.get(code="compact-city")
    confirmed.save()
    replaced = run(UNTAGGED, replace=True)
    assert replaced.statements["needs"].added == 0
    assert set(place.needs.values_list("description__en", flat=True)) >= {
        "street cats in the harbour", "more choirs in the evenings"}


def test_with_replace_an_untagged_text_left_out_of_the_line_goes():
    run(UNTAGGED)
    place = Place.objects.get(external_id="ext-9")
    run('{"id": "ext-9", "name": "Choirtown", "country": "JP", "needs": ["street cats in the harbour"]}\n',
        replace=True)
    assert list(place.needs.values_list("description__en", flat=True)) == ["street cats in the harbour"]


@pytest.mark.parametrize("replace", [False, True])
def test_a_line_without_needs_or_expertise_leaves_them_alone(replace):
    place = existing_place()
    before = profile(place)
    report = run('{"id": "ext-1", "name": "Kamaishi", "country": "JP", "level": "city", "population": 30500}\n',
                 replace=replace)
    assert report.ok and report.written and report.updated == 1
    assert profile(place) == before and len(before[0]) == 3 and len(before[1]) == 1
    assert "needs: 0 added, 0 updated, 0 deleted; expertise: 0 added, 0 updated, 0 deleted" in report.summary()
    report = run('{"id": "ext-1", "name": "Kamaishi", "country": "JP", "needs": null}\n', replace=replace)
    assert report.ok and profile(place) == before


def test_without_replace_given_statements_are_added_or_updated_and_none_deleted():
    place = existing_place()
    report = run('{"id": "ext-1", "name": "Kamaishi", "country": "JP", '
                 '"needs": ["flood protection", "compact city around the station"], "expertise": []}\n')
    assert report.ok and report.written
    needs, expertise = profile(place)
    assert set(needs) == {"solid-waste", "compact-city", "public-transport", "flood-management"}
    assert needs["compact-city"] == {"en": "compact city around the station", "ja": "日本語の説明"}
    assert needs["solid-waste"] == {"en": "ごみの分別を進めたい", "ja": "日本語の説明"}
    assert set(expertise) == {"tsunami-reconstruction"}
    counts = report.statements
    assert (counts["needs"].added, counts["needs"].updated, counts["needs"].deleted) == (1, 1, 0)
    assert (counts["expertise"].added, counts["expertise"].updated, counts["expertise"].deleted) == (0, 0, 0)


def test_with_replace_the_given_lists_replace_the_stored_ones():
    place = existing_place()
    report = run('{"id": "ext-1", "name": "Kamaishi", "country": "JP", "needs": ["flood protection"], '
                 '"expertise": []}\n', replace=True)
    assert report.ok and report.written
    needs, expertise = profile(place)
    assert needs == {"flood-management": {"en": "flood protection"}} and expertise == {}
    assert report.summary() == ("places: created 0, updated 0, unchanged 1, skipped 0; "
                                "needs: 1 added, 0 updated, 3 deleted; expertise: 0 added, 0 updated, 1 deleted; "
                                "texts: 1 tagged, 0 not yet tagged")


def test_with_replace_a_theme_stated_twice_keeps_one_statement():
    from renkei.places.models import Theme
    from renkei.places.tests.factories import NeedFactory

    place = existing_place()
    waste = Theme.objects.get(code="solid-waste")
    NeedFactory(place=place, theme=waste, description={"en": "Second waste need"})
    NeedFactory(place=place, theme=Theme.objects.get(code="flood-management"), description={"en": "Floods"})
    NeedFactory(place=place, theme=Theme.objects.get(code="flood-management"), description={"en": "More floods"})
    report = run('{"id": "ext-1", "name": "Kamaishi", "country": "JP", "needs": ["ごみの分別を進めたい"]}\n',
                 replace=True)
    assert report.ok
    assert [(n.theme.code, n.description["en"]) for n in place.needs.all()] == [("solid-waste", "ごみの分別を進めたい")]
    assert (report.statements["needs"].updated, report.statements["needs"].deleted) == (0, 5)


def test_a_dry_run_counts_what_would_change_and_writes_nothing():
    place = existing_place()
    before = profile(place)
    report = run('{"id": "ext-1", "name": "Kamaishi", "country": "JP", "needs": ["flood protection"], '
                 '"expertise": []}\n{"name": "Kobe", "country": "JP", "needs": ["flood protection"]}\n',
                 replace=True, dry_run=True)
    assert report.ok and not report.written and profile(place) == before and Place.objects.count() == 1
    assert report.summary() == ("places: created 1, updated 0, unchanged 1, skipped 0; "
                                "needs: 2 added, 0 updated, 3 deleted; expertise: 0 added, 0 updated, 1 deleted; "
                                "texts: 2 tagged, 0 not yet tagged (dry run: nothing was written)")


def test_the_command_replaces_only_when_asked_and_reports_the_counts(tmp_path, capsys):
    place = existing_place()
    path = tmp_path / "profiles.jsonl"
    path.write_text('{"id": "ext-1", "name": "Kamaishi", "country": "JP", "expertise": []}\n', encoding="utf-8")
    call_command("import", "profiles", str(path), "--synonyms-only")
    assert "expertise: 0 added, 0 updated, 0 deleted" in capsys.readouterr().out
    assert place.expertise.count() == 1 and place.needs.count() == 3
    call_command("import", "profiles", str(path), "--synonyms-only", "--replace")
    assert "needs: 0 added, 0 updated, 0 deleted; expertise: 0 added, 0 updated, 1 deleted" in capsys.readouterr().out
    assert place.expertise.count() == 0 and place.needs.count() == 3


def test_upsert_by_country_and_name_without_id():
    run(GOOD)
    report = run('{"name": "Kamaishi", "country": "JP", "level": "city", "needs": ["flood"], "expertise": []}\n')
    assert report.ok and Place.objects.count() == 1


@pytest.mark.parametrize(("line", "field"), [
    ('{"name": "X", "country": "XX"}', "country"),
    ('{"name": "X", "country": "JP", "needs": "not a list"}', "needs"),
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


@pytest.mark.parametrize(("text", "code"), [
    ("hollowing of the city centre", "city-revitalisation"),
    ("gentrification pressure", "housing"),
    ("medical device related industry", "medical-industry"),
    ("industrial restructuring", "economic-restructuring"),
    ("open innovation", "regional-innovation"),
    ("next-generation education", "education"),
    ("SDG awareness", "sdg-localisation"),
    ("中心市街地の空洞化", "city-revitalisation"),
    ("医療機器関連産業の集積", "medical-industry"),
    ("次世代教育", "education"),
    ("無収水の削減", "water-supply"),
])
def test_themes_real_profiles_name_are_recognised(text, code):
    report = run(f'{{"id": "ext-r", "name": "Realtown", "country": "JP", "needs": ["{text}"]}}\n')
    assert report.written and report.tagging == {1: [1, 0]}
    assert Place.objects.get(external_id="ext-r").needs.filter(theme__code=code).exists()
