from datetime import date
from decimal import Decimal

import pytest

from renkei.accounts.permissions import SYSTEM
from renkei.iati.exporting import organisation_file, plan_export, stream_activities
from renkei.iati.importing import import_plan
from renkei.iati.mapping import budget_periods, shares
from renkei.iati.services import import_apply
from renkei.iati.tests.conftest import IDENTIFIER
from renkei.iati.tests.helpers import canonical, valid
from renkei.iati.validation import check_activities, check_organisations, parse_trusted
from renkei.partnerships.models import Partnership
from renkei.partnerships.services import action_add, pilot_add
from renkei.programmes.models import Programme


def export(**options) -> bytes:
    return b"".join(stream_activities(plan_export(**options)))


def test_the_demo_exports_a_valid_file(publishing):
    root = valid(export())
    ids = [a.findtext("iati-identifier") for a in root.iterfind("iati-activity")]
    assert f"{IDENTIFIER}-partnership-jica-kamaishi-banda-aceh" in ids
    assert f"{IDENTIFIER}-programme-eu-international-urban-cooperation" in ids
    assert all(i.startswith(f"{IDENTIFIER}-") for i in ids)
    assert root.get("version") == "2.03"


def test_a_partnership_carries_what_renkei_knows(publishing):
    root = valid(export())
    a = next(a for a in root.iterfind("iati-activity")
             if a.findtext("iati-identifier").endswith("koriyama-essen"))
    assert a.get("hierarchy") == "2"
    assert [n.text for n in a.find("title")] == ["Koriyama — Essen (IUC)", "郡山市 — エッセン市（IUC）"]
    assert a.find("title")[1].get("{http://www.w3.org/XML/1998/namespace}lang") == "ja"
    assert a.find("activity-status").get("code") == "3"  # completed: finalisation
    assert {p.get("type") for p in a.iterfind("participating-org")} == {"11"}
    assert [c.get("code") for c in a.iterfind("recipient-country")] == ["DE"]  # Essen: Koriyama is Japanese
    assert a.find("activity-scope").get("code") == "7"
    assert {loc.get("ref") for loc in a.iterfind("location")} == {"koriyama", "essen"}
    assert a.find("location/point/pos").text.count(" ") == 1
    sectors = [Decimal(s.get("percentage")) for s in a.iterfind("sector")]
    assert sectors and sum(sectors) == 100
    assert a.find("related-activity").get("ref") == f"{IDENTIFIER}-programme-eu-international-urban-cooperation"
    assert a.find("document-link[@url='https://renkei.example.org/partnerships/koriyama-essen/']") is not None
    assert a.find("collaboration-type").get("code") == "1" and a.find("default-aid-type").get("code") == "D02"


def test_published_means_marked_published_past_proposal_in_a_published_programme(publishing):
    Partnership.objects.filter(slug="kamakura-umea").update(is_published=False)
    Partnership.objects.filter(slug="koriyama-essen").update(status="proposed")
    Programme.objects.filter(slug="world-bank-city-partnership-program").update(is_published=False)
    text = export().decode()
    for slug in ("kamakura-umea", "koriyama-essen", "toyama-world-bank-cpp", "world-bank-city-partnership-program"):
        assert slug not in text
    assert "nagano-obuse-turku" in text


def test_one_programme(publishing):
    root = valid(export(programme="eu-international-urban-cooperation"))
    ids = {a.findtext("iati-identifier").split("-", 4)[-1] for a in root.iterfind("iati-activity")}
    assert "jica-kamaishi-banda-aceh" not in " ".join(ids)
    assert len(ids) == 4  # the programme and its three partnerships


def test_a_partnership_that_cannot_be_exported_is_listed_with_its_reasons(publishing):
    p = Partnership.objects.get(slug="koriyama-essen")
    Partnership.objects.filter(pk=p.pk).update(starts_on=None)
    p.members.filter(place__isnull=False).delete()
    p.themes.clear()
    plan = plan_export()
    skipped = next(s for s in plan.skipped if s.slug == "koriyama-essen")
    assert "no recipient country (no member is a place)" in skipped.reasons
    assert "no start date" in skipped.reasons
    assert "no DAC sector (none of its themes has a DAC code)" in skipped.reasons
    assert "koriyama-essen" not in b"".join(stream_activities(plan)).decode()


def test_a_partnership_without_a_description_is_listed(publishing):
    Partnership.objects.filter(slug="kamakura-umea").update(description={})
    assert next(s for s in plan_export().skipped if s.slug == "kamakura-umea").reasons == ["no description"]


def test_end_before_start_is_refused(publishing):
    Partnership.objects.filter(slug="kamakura-umea").update(starts_on=date(2020, 1, 1), ends_on=date(2019, 1, 1))
    assert "the end date is before the start date" in next(
        s for s in plan_export().skipped if s.slug == "kamakura-umea").reasons


def test_budgets_from_action_plans_and_pilots_in_twelve_month_periods(publishing):
    p = Partnership.objects.get(slug="jica-kamaishi-banda-aceh")
    action_add(actor=SYSTEM, partnership=p, data={"objective": "Drills", "action": "Teacher training",
                                                  "due_on": p.starts_on.replace(year=p.starts_on.year + 1),
                                                  "budget_eur": "1200.50"})
    pilot_add(actor=SYSTEM, partnership=p, data={"title": {"en": "School drill"}, "budget_eur": "800"})
    a = next(a for a in valid(export()).iterfind("iati-activity")
             if a.findtext("iati-identifier").endswith("banda-aceh"))
    budgets = [(b.find("period-start").get("iso-date"), b.find("value").text) for b in a.iterfind("budget")]
    assert budgets == [(p.starts_on.isoformat(), "800.00"),
                       (p.starts_on.replace(year=p.starts_on.year + 1).isoformat(), "1200.50")]
    assert a.find("budget/value").get("currency") == "EUR"


def test_shares_sum_to_exactly_100():
    out = shares({"a": Decimal(1), "b": Decimal(1), "c": Decimal(1)})
    assert sum(out.values()) == 100 and sorted(out.values()) == [Decimal("33.33"), Decimal("33.33"),
                                                                 Decimal("33.34")]
    assert shares({}) == {}


def test_budget_periods_start_on_the_anniversary():
    start = date(2024, 2, 29)
    out = budget_periods([(date(2025, 3, 1), Decimal(5)), (None, Decimal(1)), (date(2025, 2, 27), Decimal(2))], start)
    assert out == [(date(2024, 2, 29), date(2025, 2, 27), Decimal(3)),
                   (date(2025, 2, 28), date(2026, 2, 27), Decimal(5))]


def test_results_are_exported_when_a_framework_gives_them(publishing):
    p = Partnership.objects.get(slug="jica-kamaishi-banda-aceh")

    def results(partnerships):
        return {p.pk: [{"type": "2", "title": {"en": "Schools drill every year", "ja": "毎年避難訓練を行う学校"},
                        "indicators": [{"title": {"en": "Schools with annual drills"}, "measure": "1",
                                        "ascending": True, "reference": ("9", "11.b.2"),
                                        "baseline": {"year": 2023, "date": date(2023, 12, 31), "value": 3},
                                        "periods": [{"start": date(2024, 4, 1), "end": date(2025, 3, 31),
                                                     "target": 10, "actual": 6}]}]}]}

    root = valid(b"".join(stream_activities(plan_export(), results=results)))
    a = next(a for a in root.iterfind("iati-activity") if a.findtext("iati-identifier").endswith("banda-aceh"))
    assert a.find("result").get("type") == "2"
    assert a.find("result/indicator/period/actual").get("value") == "6"
    assert a.find("result/indicator/reference").get("code") == "11.b.2"


def test_not_set_up_is_a_clear_error(demo):
    from renkei.core.errors import ApplicationError

    with pytest.raises(ApplicationError, match="no reporting organisation"):
        plan_export()


def test_organisation_file_is_valid(publishing):
    data = organisation_file()
    assert check_organisations(data) == []
    root = parse_trusted(data)
    assert root.findtext("iati-organisation/organisation-identifier") == IDENTIFIER


def test_the_checker_catches_what_the_schema_cannot(publishing):
    data = export().decode()
    bad = data.replace('code="43030"', 'code="99999"', 1).replace('code="D02"', 'code="Z99"', 1)
    problems = check_activities(bad.encode())
    assert any("99999" in p for p in problems) and any("Z99" in p for p in problems)
    bad = data.replace('percentage="100"', 'percentage="90"', 1)
    assert any("do not sum to 100" in p for p in check_activities(bad.encode()))
    bad = data.replace(f"<iati-identifier>{IDENTIFIER}-", "<iati-identifier>XX-OTHER-", 1)
    assert any("does not begin with" in p for p in check_activities(bad.encode()))
    bad = data.replace('type="4" iso-date="2020-12-31"', 'type="4" iso-date="2010-12-31"', 1)
    assert any("before the start date" in p for p in check_activities(bad.encode()))


def test_round_trip_into_an_empty_renkei_gives_the_same_activities(publishing):
    """Export, empty the database (all but the reporting organisation and the settings), import,
    export again: the same activities."""
    from renkei.knowledge.models import Product
    from renkei.places.models import Organisation, Place
    from renkei.programmes.models import Application

    p = Partnership.objects.get(slug="jica-kamaishi-banda-aceh")
    action_add(actor=SYSTEM, partnership=p, data={"objective": "Drills", "action": "Training",
                                                  "due_on": p.starts_on, "budget_eur": "1000"})
    first = export()
    assert len(canonical(first)) == 7 and b"<budget" in first
    valid(first)
    Product.objects.all().delete()
    Application.objects.all().delete()
    Partnership.objects.all().delete()
    Programme.objects.all().delete()
    Organisation.objects.exclude(slug="jica").delete()
    Place.objects.all().delete()
    plan = import_plan(first)
    assert not plan.fatal and all(not a.problems for a in plan.activities), plan.report_lines()
    import_apply(actor=SYSTEM, plan=plan)
    second = export()
    valid(second)
    assert canonical(second) == canonical(first)


def test_the_demo_results_frameworks_are_exported_valid(publishing):
    """The evaluation app's frameworks are the exporter's default source of results."""
    from renkei.activities.demo import activities_demo_load
    from renkei.evaluation.demo import evaluation_demo_load
    from renkei.evaluation.models import Result

    activities_demo_load()
    evaluation_demo_load()
    root = valid(export())
    with_results = {a.findtext("iati-identifier"): a for a in root.iterfind("iati-activity")
                    if a.find("result") is not None}
    assert with_results, "no activity carries its results framework"
    framework = Result.objects.filter(partnership__slug="jica-kamaishi-banda-aceh")
    activity = with_results.get(f"{IDENTIFIER}-partnership-jica-kamaishi-banda-aceh")
    if framework.filter(indicators__isnull=False).exists():
        assert activity is not None
        types = [r.get("type") for r in activity.iterfind("result")]
        assert types == sorted(types, reverse=True)  # impact (3) before outcomes (2) before outputs (1)
        assert all(r.find("indicator/title/narrative") is not None for r in activity.iterfind("result"))
    periods = root.findall(".//result/indicator/period")
    assert periods and all(p.find("period-start") is not None for p in periods)


def test_round_trip_keeps_results_and_document_links(publishing):
    """The demo's results frameworks, an agreement's signed document and a link kept from an earlier
    import go out, come back into an empty Renkei, and go out again the same, element for element."""
    from renkei.activities.demo import activities_demo_load
    from renkei.core.tests.files import pdf_with_text
    from renkei.core.uploads import Upload
    from renkei.evaluation.demo import evaluation_demo_load
    from renkei.evaluation.models import Result
    from renkei.iati.models import DocumentLink
    from renkei.knowledge.models import Product
    from renkei.partnerships.services import agreement_add
    from renkei.places.models import Organisation, Place
    from renkei.programmes.models import Application

    activities_demo_load()
    evaluation_demo_load()
    p = Partnership.objects.get(slug="jica-kamaishi-banda-aceh")
    agreement_add(actor=SYSTEM, partnership=p, data={"kind": "mou", "signed_on": p.starts_on},
                  document=Upload("mou.pdf", pdf_with_text("Memorandum")))
    DocumentLink.objects.create(partnership=p, url="https://example.org/evaluation.pdf", format="application/pdf",
                                title={"en": "Evaluation", "ja": "評価"}, categories=["A07"], languages=["en", "ja"],
                                document_date=date(2025, 3, 31))
    programme = Programme.objects.get(slug="eu-international-urban-cooperation")
    DocumentLink.objects.create(programme=programme, url="https://example.org/iuc.html", title={"en": "IUC"},
                                categories=["A01"])
    first = export()
    valid(first)
    root = parse_trusted(first)
    assert root.findall(".//result/indicator/period"), "the demo exports no results"
    assert root.find(".//document-link/category[@code='A09']") is not None
    assert root.find(".//document-link[@url='https://example.org/evaluation.pdf']/language[@code='ja']") is not None
    assert root.find(".//document-link[@url='https://example.org/iuc.html']") is not None
    results_before = Result.objects.filter(indicators__isnull=False).distinct().count()
    Product.objects.all().delete()
    Application.objects.all().delete()
    Partnership.objects.all().delete()
    Programme.objects.all().delete()
    Organisation.objects.exclude(slug="jica").delete()
    Place.objects.all().delete()
    assert not Result.objects.exists() and not DocumentLink.objects.exists()
    plan = import_plan(first)
    assert not plan.fatal and all(not a.problems for a in plan.activities), plan.report_lines()
    import_apply(actor=SYSTEM, plan=plan)
    assert Result.objects.filter(indicators__isnull=False).distinct().count() >= 1
    assert Result.objects.filter(indicators__isnull=False).distinct().count() <= results_before
    second = export()
    valid(second)
    assert canonical(second) == canonical(first)
    # the agreement's document is a link now (to the site it was exported from), kept once
    kept = DocumentLink.objects.filter(partnership__slug="jica-kamaishi-banda-aceh")
    assert kept.filter(categories=["A09"]).count() == 1
    third = import_plan(second)  # everything is here: matched, nothing more would be made
    assert all(a.exists for a in third.activities)
