from pathlib import Path

import pytest

from renkei.accounts.permissions import SYSTEM
from renkei.core.errors import ApplicationError, NotAllowed
from renkei.iati.importing import import_plan
from renkei.iati.services import import_apply
from renkei.partnerships.models import Partnership
from renkei.places.models import Organisation, Place

EXAMPLE = Path(__file__).resolve().parents[2] / "data" / "iati" / "examples" / "city-to-city-activity.xml"


def test_another_publishers_file_is_proposed_then_applied(publishing):
    data = EXAMPLE.read_bytes()
    plan = import_plan(data)
    assert not plan.fatal
    [activity] = plan.activities
    assert activity.kind == "partnership" and activity.slug == "c2c-0001" and not activity.problems
    assert activity.title["ja"] == "釜石市・セブ市 防災教育パートナーシップ"
    assert activity.status == "active" and activity.countries == ["PH"]
    assert {p.name_en for p in plan.places.values()} == {"Cebu City"}
    assert activity.themes  # from the DAC sectors
    partnerships, places = Partnership.objects.count(), Place.objects.count()
    assert "Dry run" in plan.summary()
    assert Partnership.objects.count() == partnerships and Place.objects.count() == places  # a dry run writes nothing
    import_apply(actor=SYSTEM, plan=plan)
    p = Partnership.objects.get(slug="c2c-0001")
    assert p.members.count() == 3  # the agency, Kamaishi City (no location: an organisation) and Cebu City
    assert p.members.filter(place__name_en="Cebu City", place__country="PH").exists()
    assert p.pilots.count() == 0 and p.objectives.count() == 0  # a JPY budget is not an EUR amount
    assert not import_plan(data).activities[0].problems and import_plan(data).activities[0].exists


@pytest.mark.parametrize("version", ["2.01", "2.02"])
def test_files_of_earlier_2_0x_versions_are_read_like_2_03(publishing, version):
    data = EXAMPLE.read_bytes().replace(b'<iati-activities version="2.03"', f'<iati-activities version="{version}"'
                                        .encode(), 1)
    assert f'version="{version}"'.encode() in data
    plan = import_plan(data)
    assert not plan.fatal and [a.slug for a in plan.activities] == ["c2c-0001"]
    assert not plan.activities[0].problems


def test_only_administrators_apply(publishing, officer):
    plan = import_plan(EXAMPLE.read_bytes())
    with pytest.raises(NotAllowed):
        import_apply(actor=officer, plan=plan)


@pytest.mark.parametrize(("data", "message"), [
    (b"<iati-activities version='2.03'><iati-activity>", "not well-formed"),
    (b"<?xml version='1.0'?><!DOCTYPE lolz [<!ENTITY lol 'lol'><!ENTITY lol2 '&lol;&lol;&lol;&lol;'>]>"
     b"<iati-activities version='2.03'><x>&lol2;</x></iati-activities>", "DOCTYPE"),
    (b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]>"
     b"<iati-activities version='2.03'>&e;</iati-activities>", "DOCTYPE"),
    (b"<iati-organisations version='2.03'/>", "not an IATI activity file"),
    (b"<iati-activities version='1.05'/>", "not a 2.0x version"),
    (b"<iati-activities version='2.03'><iati-activity><title/></iati-activity></iati-activities>", "iati-identifier"),
    (b"<iati-activities version='2.03'>\x00</iati-activities>", "not well-formed"),
    (b"\xff\xfe<", "not well-formed"),
])
def test_a_bad_file_is_refused_whole_with_a_clear_message(publishing, data, message):
    plan = import_plan(data)
    assert plan.fatal and message in " ".join(plan.report_lines())
    with pytest.raises(ApplicationError):
        import_apply(actor=SYSTEM, plan=plan)


def test_an_activity_without_participants_is_refused_with_its_line(publishing):
    data = EXAMPLE.read_text(encoding="utf-8")
    start, end = data.index("<participating-org"), data.index("<activity-status")
    head = data[:start] + '<participating-org role="1" type="10"><narrative>Solo</narrative></participating-org>'
    text = head + data[end:]
    text = text[:text.index("<location>")] + text[text.index("</location>") + len("</location>"):]
    plan = import_plan(text.encode())
    [activity] = plan.activities
    assert activity.problems == ["fewer than two participants (organisations or located places)"]
    assert f"line {activity.line}" in plan.report_lines()[0]
    before = Organisation.objects.count()
    import_apply(actor=SYSTEM, plan=plan)  # the refused activity is not written
    assert not Partnership.objects.filter(slug="c2c-0001").exists()
    assert Organisation.objects.count() >= before


def test_a_failure_half_way_writes_nothing(publishing):
    plan = import_plan(EXAMPLE.read_bytes())
    plan.activities[0].themes = ["no-such-theme"]
    places, orgs = Place.objects.count(), Organisation.objects.count()
    with pytest.raises(ApplicationError, match="line"):
        import_apply(actor=SYSTEM, plan=plan)
    assert (Place.objects.count(), Organisation.objects.count()) == (places, orgs)


def test_results_transactions_and_documents_of_another_publisher(publishing):
    """An output with no outcome or impact above it: both are made, named after the partnership; the
    JPY budget and the transaction are reported as not imported, per activity, with a count."""
    from renkei.evaluation.models import Actual, Result, Target

    data = EXAMPLE.read_text(encoding="utf-8").replace(
        "<budget ", '<document-link url="https://example.org/c2c/report.pdf" format="application/pdf">'
        '<title><narrative>Annual report</narrative><narrative xml:lang="ja">年次報告</narrative></title>'
        '<category code="A07"/><language code="en"/><document-date iso-date="2026-05-01"/></document-link>'
        '<document-link url="ftp://example.org/x" format="text/plain"><title><narrative>FTP</narrative></title>'
        '<category code="A07"/></document-link><budget ', 1)
    # document-link goes after transaction in the schema's order: move them there
    start, end = data.index("<document-link"), data.index("<budget ")
    links, data = data[start:end], data[:start] + data[end:]
    data = data.replace("</transaction>", "</transaction>" + links, 1)
    plan = import_plan(data.encode())
    assert not plan.fatal, plan.report_lines()
    [activity] = plan.activities
    assert activity.transactions == 1 and len(activity.results) == 1 and len(activity.documents) == 1
    report = "\n".join(plan.report_lines())
    assert "1 transactions are not imported" in report and "1 budgets are not imported" in report
    assert "document 2 is not imported: ftp://example.org/x is not a web address" in report
    assert "(1 results, 1 document links)" in report
    assert "1 transactions not imported" in plan.summary()
    assert not Result.objects.filter(partnership__slug="c2c-0001").exists()  # a dry run writes nothing
    import_apply(actor=SYSTEM, plan=plan)
    p = Partnership.objects.get(slug="c2c-0001")
    levels = {r.level: r for r in Result.objects.filter(partnership=p)}
    assert set(levels) == {"impact", "outcome", "output"}
    assert levels["output"].parent == levels["outcome"] and levels["outcome"].parent == levels["impact"]
    assert levels["impact"].title["en"] == p.title["en"]
    [indicator] = levels["output"].indicators.all()
    assert (indicator.baseline_value, str(indicator.baseline_on), indicator.direction) == (3, "2025-12-31", "higher")
    assert Target.objects.get(result_indicator=indicator).value == 10
    assert Actual.objects.get(result_indicator=indicator).value == 6
    [link] = p.iati_document_links.all()
    assert (link.url, link.categories, link.languages, str(link.document_date)) == (
        "https://example.org/c2c/report.pdf", ["A07"], ["en"], "2026-05-01")
    assert link.title == {"en": "Annual report", "ja": "年次報告"} and link.source == "XM-EXAMPLE-C2C-0001"


@pytest.mark.parametrize(("indicator", "note"), [
    ('<indicator measure="5"><title><narrative>Ownership</narrative></title></indicator>', "qualitative"),
    ('<indicator measure="1" ascending="1"><title><narrative>Drills</narrative></title>'
     '<baseline year="2025" value="8"/><period><period-start iso-date="2026-01-01"/>'
     '<period-end iso-date="2026-12-31"/><target value="4"/><actual value="x"/></period></indicator>',
     "wrong side of the baseline"),
])
def test_what_the_results_framework_cannot_hold_is_reported_not_written(publishing, indicator, note):
    data = EXAMPLE.read_text(encoding="utf-8")
    start, end = data.index("<indicator"), data.index("</indicator>") + len("</indicator>")
    plan = import_plan((data[:start] + indicator + data[end:]).encode())
    assert not plan.fatal, plan.report_lines()
    assert note in "\n".join(plan.report_lines())
    import_apply(actor=SYSTEM, plan=plan)  # the rest is written
    assert Partnership.objects.filter(slug="c2c-0001").exists()
