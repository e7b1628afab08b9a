"""Checking IATI XML three ways: the 2.03 XSD (lxml), every coded value against the shipped
codelists, and the Standard's rules that the schema cannot express (percentages that sum to 100,
end dates not before start dates, budget periods of a year at most, identifiers that begin with
the reporting organisation's identifier).

The exporter's output and the test suite go through ``check_activities``; an empty list means the
file is valid."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache

from lxml import etree

from renkei.iati import codelists
from renkei.iati.codelists import DATA, XML_LANG

SCHEMAS = DATA / "schema"

# (element path, attribute, codelist) for every coded attribute Renkei writes or reads
CODED = [
    (".//reporting-org", "type", "OrganisationType"),
    (".//participating-org", "role", "OrganisationRole"),
    (".//participating-org", "type", "OrganisationType"),
    (".//description", "type", "DescriptionType"),
    (".//activity-status", "code", "ActivityStatus"),
    (".//activity-date", "type", "ActivityDateType"),
    (".//activity-scope", "code", "ActivityScope"),
    (".//recipient-country", "code", "Country"),
    (".//sector", "vocabulary", "SectorVocabulary"),
    (".//tag", "vocabulary", "TagVocabulary"),
    (".//collaboration-type", "code", "CollaborationType"),
    (".//default-flow-type", "code", "FlowType"),
    (".//default-finance-type", "code", "FinanceType"),
    (".//transaction-type", "code", "TransactionType"),
    (".//document-link/category", "code", "DocumentCategory"),
    (".//document-link/language", "code", "Language"),
    (".//related-activity", "type", "RelatedActivityType"),
    (".//result", "type", "ResultType"),
    (".//indicator", "measure", "IndicatorMeasure"),
    (".//indicator/reference", "vocabulary", "IndicatorVocabulary"),
    (".//value", "currency", "Currency"),
    (".", "default-currency", "Currency"),
    (".//iati-activity", "default-currency", "Currency"),
]
SECTOR_LISTS = {"1": "Sector", "2": "SectorCategory"}
TAG_LISTS = {"2": "UNSDG-Goals", "3": "UNSDG-Targets"}


@cache
def schema(kind: str = "activities") -> etree.XMLSchema:
    """The 2.03 schema of activity files (``activities``) or organisation files (``organisations``)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    return etree.XMLSchema(etree.parse(str(SCHEMAS / f"iati-{kind}-schema.xsd"), parser))


def parse_trusted(data: bytes) -> etree._Element:
    """XML that Renkei wrote itself (tests, the benchmark): still no network, no entities."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    return etree.fromstring(data, parser)


def schema_errors(root: etree._Element, kind: str = "activities") -> list[str]:
    xsd = schema(kind)
    if xsd.validate(root.getroottree()):
        return []
    return [f"line {e.line}: {e.message}" for e in xsd.error_log]


def _where(element: etree._Element) -> str:
    activity = next((a for a in element.iterancestors("iati-activity")), element)
    identifier = activity.findtext("iati-identifier") if activity.tag == "iati-activity" else None
    return identifier or f"line {element.sourceline}"


def code_errors(root: etree._Element) -> list[str]:
    """Every coded value that is not an active code of its shipped list."""
    problems = []
    for path, attribute, name in CODED:
        for element in root.iterfind(path):
            value = element.get(attribute)
            if value is not None and not codelists.is_valid(name, value):
                problems.append(f"{_where(element)}: {element.tag}/@{attribute} {value!r} is not in {name}")
    for element in root.iterfind(".//sector"):
        name = SECTOR_LISTS.get(element.get("vocabulary", "1"))
        if name and not codelists.is_valid(name, element.get("code")):
            problems.append(f"{_where(element)}: sector {element.get('code')!r} is not in {name}")
    for element in root.iterfind(".//tag"):
        name = TAG_LISTS.get(element.get("vocabulary", ""))
        if name and not codelists.is_valid(name, element.get("code")):
            problems.append(f"{_where(element)}: tag {element.get('code')!r} is not in {name}")
    for element in root.iterfind(".//default-aid-type"):
        if element.get("vocabulary", "1") == "1" and not codelists.is_valid("AidType", element.get("code")):
            problems.append(f"{_where(element)}: default-aid-type {element.get('code')!r} is not in AidType")
    for element in root.iterfind(".//location/administrative"):
        if element.get("vocabulary") == "A4" and not codelists.is_valid("Country", element.get("code")):
            problems.append(f"{_where(element)}: administrative {element.get('code')!r} is not in Country")
    for element in root.iter():
        language = element.get(XML_LANG) if isinstance(element.tag, str) else None
        if language is not None and not codelists.is_valid("Language", language):
            problems.append(f"{_where(element)}: xml:lang {language!r} is not in Language")
    return problems


def _number(text: str | None) -> Decimal | None:
    try:
        return Decimal(text) if text is not None else None
    except InvalidOperation:
        return None


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _sums_to_100(values: list[Decimal | None]) -> bool:
    if len(values) == 1 and values[0] is None:
        return True  # a single one may leave its percentage out
    return None not in values and abs(sum(values) - 100) <= Decimal("0.01")  # type: ignore[arg-type]


def rule_errors(root: etree._Element) -> list[str]:
    """The Standard's rules the XSD does not express, per activity."""
    problems = []
    for activity in root.iter("iati-activity"):
        name = activity.findtext("iati-identifier") or f"line {activity.sourceline}"
        reporter = activity.find("reporting-org")
        ref = reporter.get("ref") if reporter is not None else None
        if not ref or not (activity.findtext("iati-identifier") or "").startswith(f"{ref}-"):
            problems.append(f"{name}: the identifier does not begin with the reporting organisation's "
                            f"identifier ({ref})")
        by_vocabulary: dict[str, list[Decimal | None]] = {}
        for sector in activity.iterfind("sector"):
            by_vocabulary.setdefault(sector.get("vocabulary", "1"), []).append(_number(sector.get("percentage")))
        for vocabulary, values in by_vocabulary.items():
            if not _sums_to_100(values):
                problems.append(f"{name}: sector percentages of vocabulary {vocabulary} do not sum to 100")
        recipients = [_number(e.get("percentage")) for e in activity.iterfind("recipient-country")]
        recipients += [_number(e.get("percentage")) for e in activity.iterfind("recipient-region")]
        if recipients and not _sums_to_100(recipients):
            problems.append(f"{name}: recipient country and region percentages do not sum to 100")
        dates = {e.get("type"): _day(e.get("iso-date")) for e in activity.iterfind("activity-date")}
        if not (dates.get("1") or dates.get("2")):
            problems.append(f"{name}: no start date (planned or actual)")
        for start, end in (("1", "3"), ("2", "4")):
            if dates.get(start) and dates.get(end) and dates[end] < dates[start]:
                problems.append(f"{name}: the end date (type {end}) is before the start date (type {start})")
        for budget in activity.iterfind("budget"):
            start = _day(budget.find("period-start").get("iso-date"))
            end = _day(budget.find("period-end").get("iso-date"))
            if start and end and end < start:
                problems.append(f"{name}: a budget period ends before it starts ({start} to {end})")
            elif start and end and (end - start).days > 366:
                problems.append(f"{name}: a budget period is longer than a year ({start} to {end})")
        for period in activity.iterfind("result/indicator/period"):
            start = _day(period.find("period-start").get("iso-date"))
            end = _day(period.find("period-end").get("iso-date"))
            if start and end and end < start:
                problems.append(f"{name}: a result period ends before it starts ({start} to {end})")
    return problems


def check_activities(data: bytes | etree._Element) -> list[str]:
    """Every problem of an activity file: schema, codes, rules (empty: valid)."""
    root = parse_trusted(data) if isinstance(data, bytes) else data
    return schema_errors(root) + code_errors(root) + rule_errors(root)


def check_organisations(data: bytes | etree._Element) -> list[str]:
    root = parse_trusted(data) if isinstance(data, bytes) else data
    return schema_errors(root, "organisations") + code_errors(root)
