"""Reading IATI activity files from any publisher (any 2.0x file the 2.03 schema accepts) and
proposing the partnerships, programmes, organisations and places they describe.

``import_plan`` only reads: it parses safely (no network, no entities, no DTD, at most
RENKEI_MAX_IMPORT_MB through ``core.importing``), validates against the schema, and matches
what exists (places by URL name or by name and country, organisations by IATI identifier or
name, activities by URL name). ``services.import_apply`` writes the plan in one transaction.
The rules are written up in docs/data-formats.md ("IATI 2.03", import)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from lxml import etree

from renkei.core.importing import RowError
from renkei.iati import codelists
from renkei.iati.codelists import XML_LANG
from renkei.iati.selectors import publishing_settings
from renkei.iati.validation import schema_errors
from renkei.places.models import Organisation, Place, Theme
from renkei.programmes.models import Programme

STATUS = {"1": "agreed", "2": "active", "3": "completed", "4": "closed", "5": "closed", "6": "suspended"}
#: IATI ResultType → the level of a Renkei results framework (the inverse of ``results.RESULT_TYPES``)
RESULT_LEVELS = {"3": "impact", "2": "outcome", "1": "output"}


@dataclass
class PlaceProposal:
    key: str  # how the activity names it (its location ref, else its name)
    name_en: str
    name_ja: str = ""
    country: str = ""
    latitude: float | None = None
    longitude: float | None = None
    level: str = "city"
    slug: str = ""
    existing: Place | None = None


@dataclass
class OrganisationProposal:
    key: str
    name_en: str
    name_ja: str = ""
    org_type: str = "90"
    existing: Organisation | None = None


@dataclass
class PeriodProposal:
    start: date
    end: date
    target: float | None = None
    actual: float | None = None


@dataclass
class IndicatorProposal:
    name: dict[str, str]  # empty: the catalogue indicator's own name
    indicator: str | None  # the code of a catalogue indicator (an SDG indicator's reference)
    unit: str
    direction: str
    baseline_value: float | None = None
    baseline_on: date | None = None
    periods: list[PeriodProposal] = field(default_factory=list)


@dataclass
class ResultProposal:
    level: str  # impact, outcome, output
    title: dict[str, str]
    indicators: list[IndicatorProposal] = field(default_factory=list)


@dataclass
class DocumentProposal:
    url: str
    format: str
    title: dict[str, str]
    categories: list[str]
    languages: list[str] = field(default_factory=list)
    document_date: date | None = None


@dataclass
class ActivityProposal:
    line: int
    identifier: str
    kind: str  # "partnership" or "programme"
    slug: str
    title: dict[str, str]
    description: dict[str, str] = field(default_factory=dict)
    status: str = "active"
    starts_on: date | None = None
    ends_on: date | None = None
    members: list[tuple[str, str, str]] = field(default_factory=list)  # ("place" | "org", key, role)
    themes: list[str] = field(default_factory=list)
    parent: str | None = None  # the identifier of its programme
    budgets: list[tuple[date, date, Decimal]] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    owners: list[str] = field(default_factory=list)  # a programme's organisations (role 2, accountable)
    results: list[ResultProposal] = field(default_factory=list)
    documents: list[DocumentProposal] = field(default_factory=list)
    transactions: int = 0  # how many transaction elements (not imported: see docs/data-formats.md)
    notes: list[str] = field(default_factory=list)  # what of the activity is not imported, and why
    exists: bool = False
    problems: list[str] = field(default_factory=list)

    @property
    def partnership_kind(self) -> str:
        places = sum(1 for kind, _key, _role in self.members if kind == "place")
        orgs = len(self.members) - places
        if places == 2 and not orgs:
            return "bilateral"
        return "triangular" if places >= 2 and orgs else "network"


@dataclass
class ImportPlan:
    activities: list[ActivityProposal] = field(default_factory=list)
    places: dict[str, PlaceProposal] = field(default_factory=dict)
    organisations: dict[str, OrganisationProposal] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)  # the file as a whole cannot be read
    written: bool = False

    @property
    def fatal(self) -> bool:
        return bool(self.errors)

    def counts(self) -> dict[str, dict[str, int]]:
        def tally(items: Iterable[Any], new: Any) -> dict[str, int]:
            items = list(items)
            return {"create": sum(1 for i in items if new(i)), "match": sum(1 for i in items if not new(i))}
        usable = [a for a in self.activities if not a.problems]
        return {
            "partnerships": tally([a for a in usable if a.kind == "partnership"], lambda a: not a.exists),
            "programmes": tally([a for a in usable if a.kind == "programme"], lambda a: not a.exists),
            "places": tally(self.places.values(), lambda p: p.existing is None),
            "organisations": tally(self.organisations.values(), lambda o: o.existing is None),
            "refused": {"create": 0, "match": len(self.activities) - len(usable)},
        }

    def report_lines(self) -> list[str]:
        """What would be (or was) created or matched, and each activity that cannot be imported."""
        lines = [str(e) for e in self.errors]
        for a in self.activities:
            verb = _("matches") if a.exists else _("creates")
            if a.problems:
                lines.append(_("line %(n)s: %(id)s cannot be imported: %(why)s")
                             % {"n": a.line, "id": a.identifier, "why": "; ".join(a.problems)})
            else:
                extra = ""
                if a.results or a.documents:
                    extra = " (" + _("%(r)s results, %(d)s document links") % {
                        "r": len(a.results), "d": len(a.documents)} + ")"
                lines.append(f"line {a.line}: {a.identifier} {verb} {a.kind} {a.slug}{extra}")
            lines.extend(f"line {a.line}: {a.identifier}: {note}" for note in a.notes)
        for p in self.places.values():
            lines.append(_("place %(name)s (%(country)s): %(what)s") % {
                "name": p.name_en, "country": p.country,
                "what": _("matches %(slug)s") % {"slug": p.existing.slug} if p.existing else _("new")})
        for o in self.organisations.values():
            lines.append(_("organisation %(name)s: %(what)s") % {
                "name": o.name_en, "what": _("matches %(slug)s") % {"slug": o.existing.slug} if o.existing
                else _("new")})
        return lines

    def summary(self) -> str:
        c = self.counts()
        text = _("%(pc)s partnerships and %(gc)s programmes to create (%(pm)s and %(gm)s already here), "
                 "%(lc)s places and %(oc)s organisations to create (%(lm)s and %(om)s matched), "
                 "%(refused)s activities refused.") % {
            "pc": c["partnerships"]["create"], "gc": c["programmes"]["create"], "pm": c["partnerships"]["match"],
            "gm": c["programmes"]["match"], "lc": c["places"]["create"], "oc": c["organisations"]["create"],
            "lm": c["places"]["match"], "om": c["organisations"]["match"], "refused": c["refused"]["match"]}
        usable = [a for a in self.activities if not a.problems and not a.exists]
        results, documents = sum(len(a.results) for a in usable), sum(len(a.documents) for a in usable)
        transactions = sum(a.transactions for a in self.activities)
        if results or documents or transactions:
            text += " " + _("%(r)s results and %(d)s document links to import; %(t)s transactions not imported.") % {
                "r": results, "d": documents, "t": transactions}
        return text if self.written else _("Dry run: ") + text


# --- reading -----------------------------------------------------------------------------------

def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                           huge_tree=False, remove_comments=True, remove_pis=True)


def read_file(data: bytes) -> tuple[etree._Element | None, list[RowError]]:
    """The root of an IATI activity file, or the errors that make it unusable."""
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        return None, [RowError(exc.lineno, "file", _("is not well-formed XML (%(problem)s)") % {"problem": exc.msg})]
    if root.getroottree().docinfo.internalDTD is not None or root.getroottree().docinfo.doctype:
        return None, [RowError(None, "file", _("declares a DOCTYPE; IATI files have none"))]
    if root.tag != "iati-activities":
        return None, [RowError(root.sourceline, "file", _("is not an IATI activity file (no iati-activities)"))]
    version = root.get("version", "")
    if not version.startswith("2.0"):
        return None, [RowError(root.sourceline, "version", _("%(v)r is not a 2.0x version of the IATI Standard")
                               % {"v": version})]
    problems = schema_errors(root)
    if problems:
        return None, [RowError(None, "schema", p) for p in problems[:50]]
    return root, []


def _texts(element: etree._Element | None, language: str) -> dict[str, str]:
    if element is None:
        return {}
    out: dict[str, str] = {}
    for narrative in element.iterfind("narrative"):
        code = (narrative.get(XML_LANG) or language).lower()
        text = (narrative.text or "").replace("\x00", "").strip()
        if text and code not in out:
            out[code] = text
    return out


def _english(texts: dict[str, str]) -> str:
    return texts.get("en") or next(iter(texts.values()), "")


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat((text or "")[:10]) if text else None
    except ValueError:
        return None


def _slug_after(identifier: str, reporter: str, marker: str) -> str:
    rest = identifier[len(reporter) + 1:] if reporter and identifier.startswith(f"{reporter}-") else identifier
    rest = rest.removeprefix(marker)
    return slugify(rest)[:120] or slugify(identifier)[:120]


def _number(text: str | None) -> float | None:
    """A finite number of at most 10¹⁵ (what the results framework keeps), else None."""
    try:
        value = float((text or "").strip())
    except ValueError:
        return None
    return value if math.isfinite(value) and abs(value) <= 1e15 else None


def _framework_texts(texts: dict[str, str]) -> dict[str, str]:
    """English and Japanese (another language as English when neither is there), 500 characters each."""
    kept = {k: v[:500] for k, v in texts.items() if k in ("en", "ja")}
    if not kept and texts:
        kept = {"en": _english(texts)[:500]}
    return kept


def _in_range(day: date | None) -> bool:
    return day is not None and 1900 <= day.year <= 2200


_is_web_address = URLValidator(schemes=["http", "https"])


class _Planner:
    def __init__(self) -> None:
        from renkei.indicators.models import Indicator

        self.plan = ImportPlan()
        row = publishing_settings()
        self.own_identifier = row.organisation_identifier
        self.own_org = row.reporting_organisation
        self.site = row.site_address.rstrip("/")
        self.themes = {t.code: t for t in Theme.objects.all()}
        self.catalogue = {i.code: i for i in Indicator.objects.all()}

    def results(self, activity: etree._Element, language: str, proposal: ActivityProposal) -> None:
        """The activity's results as a results framework: its impacts, outcomes and outputs with their
        indicators, baselines, targets and actuals. What the framework cannot hold is noted, not kept."""
        from renkei.evaluation.progress import target_direction_ok

        for n, element in enumerate(activity.iterfind("result"), 1):
            level = RESULT_LEVELS.get(element.get("type", ""))
            title = _framework_texts(_texts(element.find("title"), language))
            if level is None:
                proposal.notes.append(_("result %(n)s is not imported: its type %(type)s is not output, outcome or "
                                        "impact") % {"n": n, "type": element.get("type")})
                continue
            if not title:
                proposal.notes.append(_("result %(n)s is not imported: it has no title") % {"n": n})
                continue
            result = ResultProposal(level=level, title=title)
            for m, ind in enumerate(element.iterfind("indicator"), 1):
                where = _("result %(n)s, indicator %(m)s") % {"n": n, "m": m}
                measure = ind.get("measure", "1")
                if measure == "5":
                    proposal.notes.append(_("%(where)s is not imported: it is qualitative, and the results "
                                            "framework keeps numbers") % {"where": where})
                    continue
                name = _framework_texts(_texts(ind.find("title"), language))
                code = next((r.get("code") for r in ind.iterfind("reference") if r.get("vocabulary") == "9"), None)
                catalogue = self.catalogue.get(code or "")
                if catalogue is not None and name == {k: v for k, v in (catalogue.name or {}).items()
                                                      if k in ("en", "ja") and v}:
                    name = {}  # the catalogue's own name: the indicator is the catalogue's
                if not name and catalogue is None:
                    proposal.notes.append(_("%(where)s is not imported: it has no title") % {"where": where})
                    continue
                unit = "percent" if measure == "2" else (
                    catalogue.unit if catalogue is not None and catalogue.unit != "percent"
                    else "count" if measure == "1" else "index")
                direction = "lower" if ind.get("ascending") in ("0", "false") else "higher"
                item = IndicatorProposal(name=name, indicator=catalogue.code if catalogue else None, unit=unit,
                                         direction=direction)
                baseline = ind.find("baseline")
                if baseline is not None and baseline.get("value") is not None:
                    value = _number(baseline.get("value"))
                    day = _day(baseline.get("iso-date"))
                    if day is None and (baseline.get("year") or "").isdigit():
                        day = date(int(baseline.get("year")), 1, 1) if 1900 <= int(baseline.get("year")) <= 2200 \
                            else None
                    if value is None or not _in_range(day):
                        proposal.notes.append(_("%(where)s: the baseline is left out (not a number with a date)")
                                              % {"where": where})
                    else:
                        item.baseline_value, item.baseline_on = value, day
                for period in ind.iterfind("period"):
                    start = _day(period.find("period-start").get("iso-date"))
                    end = _day(period.find("period-end").get("iso-date"))
                    if not (_in_range(start) and _in_range(end)) or end < start:
                        proposal.notes.append(_("%(where)s: a period without valid dates is left out")
                                              % {"where": where})
                        continue
                    found = PeriodProposal(start=start, end=end)
                    for kind in ("target", "actual"):
                        text = next((t.get("value") for t in period.iterfind(kind) if t.get("value") is not None),
                                    None)
                        if text is None:
                            continue
                        value = _number(text)
                        span = f"{start} – {end}"
                        if value is None:
                            proposal.notes.append(_("%(where)s: the %(kind)s for %(period)s is left out (not a "
                                                    "number)") % {"where": where, "kind": kind, "period": span})
                        elif kind == "target" and end == start:
                            proposal.notes.append(_("%(where)s: the target for %(period)s is left out (its period "
                                                    "must end after it starts)") % {"where": where, "period": span})
                        elif kind == "target" and not target_direction_ok(
                                baseline=item.baseline_value, target=value, direction=direction):
                            proposal.notes.append(_("%(where)s: the target for %(period)s is left out (it lies on "
                                                    "the wrong side of the baseline)")
                                                  % {"where": where, "period": span})
                        else:
                            setattr(found, kind, value)
                    if found.target is not None or found.actual is not None:
                        item.periods.append(found)
                result.indicators.append(item)
            proposal.results.append(result)

    def documents(self, activity: etree._Element, language: str, proposal: ActivityProposal) -> None:
        """The activity's document links, kept as links (Renkei fetches nothing). The link to the
        activity's own page on this site is left out: the export writes it anyway."""
        own = (f"{self.site}{reverse('partnerships:detail', args=[proposal.slug])}"
               if self.site and proposal.kind == "partnership" else None)
        for n, link in enumerate(activity.iterfind("document-link"), 1):
            url = (link.get("url") or "").strip()
            if own and url == own:
                continue
            try:
                _is_web_address(url)
                if len(url) > 2000:
                    raise ValidationError("too long")
            except ValidationError:
                proposal.notes.append(_("document %(n)s is not imported: %(url)s is not a web address")
                                      % {"n": n, "url": url[:100] or "—"})
                continue
            categories = list(dict.fromkeys(c.get("code") for c in link.iterfind("category")
                                            if codelists.is_valid("DocumentCategory", c.get("code"))))
            if not categories:
                proposal.notes.append(_("document %(n)s is not imported: it has no IATI document category")
                                      % {"n": n})
                continue
            title = {k: v[:500] for k, v in _texts(link.find("title"), language).items()
                     if codelists.is_valid("Language", k)}
            date_element = link.find("document-date")
            proposal.documents.append(DocumentProposal(
                url=url, format=(link.get("format") or "").strip()[:100] or "application/octet-stream",
                title=title or {"en": url[:500]}, categories=categories,
                languages=list(dict.fromkeys(code.lower() for code in (x.get("code") or "" for x in
                                                                       link.iterfind("language"))
                                             if codelists.is_valid("Language", code.lower()))),
                document_date=_day(date_element.get("iso-date")) if date_element is not None else None))

    def theme_codes(self, activity: etree._Element) -> list[str]:
        codes = [t.get("code") for t in activity.iterfind("tag") if t.get("vocabulary") == "99"
                 and t.get("code") in self.themes]
        if codes:
            return sorted(dict.fromkeys(codes))
        found = []
        for sector in activity.iterfind("sector"):
            if sector.get("vocabulary", "1") not in ("1", "2"):
                continue
            code = sector.get("code")
            theme = next((t for t in self.themes.values() if code in (t.dac_codes or [])), None)
            if theme and theme.code not in found:
                found.append(theme.code)
        return sorted(found)

    def place(self, key: str, names: dict[str, str], country: str, point: tuple[float, float] | None,
              level: str) -> str:
        if key in self.plan.places:
            return key
        name_en = _english(names)[:200]
        existing = Place.objects.filter(slug=key).first() if key else None
        if existing is None:
            existing = Place.objects.filter(country=country, name_en__iexact=name_en).order_by("pk").first()
        slug = slugify(key)[:120] if key and not Place.objects.filter(slug=slugify(key)).exists() else ""
        self.plan.places[key] = PlaceProposal(
            key=key, name_en=name_en, name_ja=names.get("ja", "")[:200], country=country,
            latitude=point[0] if point else None, longitude=point[1] if point else None, level=level,
            slug=slug, existing=existing)
        return key

    def organisation(self, element: etree._Element, names: dict[str, str]) -> str:
        ref = element.get("ref") or ""
        name_en = _english(names)[:255]
        key = ref or name_en.lower()
        if key in self.plan.organisations:
            return key
        existing = None
        if ref and ref == self.own_identifier and self.own_org is not None:
            existing = self.own_org
        if existing is None:
            existing = Organisation.objects.filter(name_en__iexact=name_en).order_by("pk").first()
        org_type = element.get("type") or "90"
        self.plan.organisations[key] = OrganisationProposal(
            key=key, name_en=name_en, name_ja=names.get("ja", "")[:255],
            org_type=org_type if codelists.is_valid("OrganisationType", org_type) else "90", existing=existing)
        return key

    def activity(self, activity: etree._Element, parents: set[str], language: str) -> ActivityProposal:
        language = (activity.get(XML_LANG) or language or "en").lower()
        identifier = (activity.findtext("iati-identifier") or "").strip()
        reporter = activity.find("reporting-org")
        reporter_ref = reporter.get("ref", "") if reporter is not None else ""
        is_programme = identifier in parents or any(r.get("type") == "2" for r in activity.iterfind("related-activity"))
        kind = "programme" if is_programme else "partnership"
        proposal = ActivityProposal(
            line=activity.sourceline or 0, identifier=identifier, kind=kind,
            slug=_slug_after(identifier, reporter_ref, f"{kind}-"),
            title={k: v[:255] for k, v in _texts(activity.find("title"), language).items()},
            description=_texts(next((d for d in activity.iterfind("description") if d.get("type", "1") == "1"), None),
                               language))
        if not proposal.title:
            proposal.problems.append(_("no title"))
        elif "en" not in proposal.title:
            proposal.title["en"] = _english(proposal.title)
        status = activity.find("activity-status")
        proposal.status = STATUS.get(status.get("code") if status is not None else "", "active")
        for d in activity.iterfind("activity-date"):
            day = _day(d.get("iso-date"))
            if d.get("type") in ("1", "2") and day and (proposal.starts_on is None or d.get("type") == "2"):
                proposal.starts_on = day
            if d.get("type") in ("3", "4") and day and (proposal.ends_on is None or d.get("type") == "4"):
                proposal.ends_on = day
        if proposal.starts_on and proposal.ends_on and proposal.ends_on < proposal.starts_on:
            proposal.problems.append(_("the end date is before the start date"))
        proposal.countries = [c.get("code") for c in activity.iterfind("recipient-country")
                              if codelists.is_valid("Country", c.get("code"))]
        proposal.themes = self.theme_codes(activity)
        parent = next((r.get("ref") for r in activity.iterfind("related-activity") if r.get("type") == "1"), None)
        proposal.parent = parent
        currency = activity.get("default-currency")
        for budget in activity.iterfind("budget"):
            value = budget.find("value")
            start = _day(budget.find("period-start").get("iso-date"))
            end = _day(budget.find("period-end").get("iso-date"))
            if value is None or (value.get("currency") or currency) != "EUR" or not start or not end:
                continue
            try:
                proposal.budgets.append((start, end, Decimal((value.text or "").strip())))
            except InvalidOperation:
                continue
        skipped_budgets = len(activity.findall("budget")) - len(proposal.budgets)
        if kind == "programme" and activity.find("budget") is not None:
            proposal.notes.append(_("%(n)s budgets are not imported: a programme's budget is the sum of its "
                                    "partnerships'") % {"n": len(activity.findall("budget"))})
        elif skipped_budgets:
            proposal.notes.append(_("%(n)s budgets are not imported: Renkei keeps amounts in EUR, with both "
                                    "period dates") % {"n": skipped_budgets})
        proposal.transactions = len(activity.findall("transaction"))
        if proposal.transactions:
            proposal.notes.append(_("%(n)s transactions are not imported: Renkei keeps budgets, not commitments, "
                                    "disbursements or expenditure") % {"n": proposal.transactions})
        self.documents(activity, language, proposal)
        if kind == "programme":
            if activity.find("result") is not None:
                proposal.notes.append(_("the results are not imported: results frameworks belong to partnerships"))
            for org in activity.iterfind("participating-org"):
                names = _texts(org, language)
                if names and org.get("role") == "2":
                    proposal.owners.append(self.organisation(org, names))
            return proposal
        # places: the locations (with their country), and the participants named like them
        located: dict[str, str] = {}
        single_country = proposal.countries[0] if len(set(proposal.countries)) == 1 else ""
        for location in activity.iterfind("location"):
            names = _texts(location.find("name"), language)
            if not names:
                continue
            admin = next((a.get("code") for a in location.iterfind("administrative") if a.get("vocabulary") == "A4"),
                         None)
            country = admin if codelists.is_valid("Country", admin) else single_country
            if not country:
                proposal.problems.append(_("the location %(name)s has no country") % {"name": _english(names)})
                continue
            point = None
            pos = location.findtext("point/pos")
            if pos:
                try:
                    lat, lon = (float(x) for x in pos.split())
                    if -90 <= lat <= 90 and -180 <= lon <= 180:
                        point = (lat, lon)
                except ValueError:
                    point = None
            key = slugify(location.get("ref") or "") or slugify(f"{_english(names)}-{country}")
            located[_english(names).lower()] = self.place(key, names, country, point, "city")
        for org in activity.iterfind("participating-org"):
            names = _texts(org, language)
            role = org.get("role") if org.get("role") in ("1", "2", "3", "4") else "4"
            if not names:
                continue
            key = located.get(_english(names).lower())
            if key is not None and org.get("type") in ("10", "11", None):
                if org.get("type") == "10":
                    self.plan.places[key].level = "country"
                proposal.members.append(("place", key, role))
            else:
                proposal.members.append(("org", self.organisation(org, names), role))
        if not any(kind == "place" for kind, _k, _r in proposal.members):
            proposal.members += [("place", key, "4") for key in located.values()]
        if len(proposal.members) < 2:
            proposal.problems.append(_("fewer than two participants (organisations or located places)"))
        self.results(activity, language, proposal)
        return proposal


def import_plan(data: bytes) -> ImportPlan:
    """What the file would create or match (reads only)."""
    root, errors = read_file(data)
    planner = _Planner()
    if root is None:
        planner.plan.errors = errors
        return planner.plan
    parents = {r.get("ref") for r in root.iter("related-activity") if r.get("type") == "1"}
    language = (root.get(XML_LANG) or "en").lower()
    seen: set[str] = set()
    for activity in root.iterfind("iati-activity"):
        proposal = planner.activity(activity, parents, language)
        model = Programme if proposal.kind == "programme" else None
        if proposal.identifier in seen:
            proposal.problems.append(_("the identifier appears twice in the file"))
        seen.add(proposal.identifier)
        if model is not None:
            proposal.exists = Programme.objects.filter(slug=proposal.slug).exists()
        else:
            from renkei.partnerships.models import Partnership

            proposal.exists = Partnership.objects.filter(slug=proposal.slug).exists()
        planner.plan.activities.append(proposal)
    return planner.plan
