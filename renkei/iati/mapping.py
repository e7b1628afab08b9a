"""A partnership (or a programme) as an ``iati-activity`` element, and the reasons one cannot be.

``docs/data-formats.md`` ("IATI 2.03") describes the mapping field by field; keep the two in step.
Elements are written in the order the 2.03 schema requires. Nothing here touches the database
beyond the rows prefetched by ``selectors.published_partnerships``."""

from __future__ import annotations

import mimetypes
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from lxml import etree

from renkei.iati import codelists
from renkei.iati.codelists import XML_LANG
from renkei.iati.results import ResultData
from renkei.partnerships.models import Partnership

if TYPE_CHECKING:
    from renkei.iati.models import PublishingSettings
    from renkei.places.models import Organisation, Place, Theme
    from renkei.programmes.models import Programme

SRS = "http://www.opengis.net/def/crs/EPSG/0/4326"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
S = Partnership.Status
STATUS = {S.PROPOSED: "1", S.AGREED: "1", S.ACTIVE: "2", S.SUSPENDED: "6", S.COMPLETED: "3", S.CLOSED: "4"}
STARTED = {S.ACTIVE, S.SUSPENDED, S.COMPLETED, S.CLOSED}
ENDED = {S.COMPLETED, S.CLOSED}
PRODUCT_CATEGORY = {"case_study": "A07", "lesson": "A07", "report": "A07", "action_plan": "A02"}


@dataclass(frozen=True)
class Publisher:
    """The settings as the exporter uses them."""

    identifier: str
    name: dict[str, str]
    org_type: str
    country: str
    organisation_id: int | None
    collaboration_type: str
    aid_type: str
    flow_type: str
    finance_type: str
    currency: str
    language: str
    site_address: str

    @classmethod
    def from_settings(cls, row: PublishingSettings) -> Publisher:
        org = row.reporting_organisation
        return cls(identifier=row.organisation_identifier, name=_org_names(org) if org else {},
                   org_type=org.org_type if org else "", country=(org.country if org else "") or "",
                   organisation_id=org.pk if org else None, collaboration_type=row.collaboration_type,
                   aid_type=row.aid_type, flow_type=row.flow_type, finance_type=row.finance_type,
                   currency=row.currency, language=row.language, site_address=row.site_address.rstrip("/"))

    def problems(self) -> list[str]:
        problems = []
        if not self.organisation_id:
            problems.append(_("no reporting organisation is set"))
        if not self.identifier:
            problems.append(_("no IATI organisation identifier is set"))
        if self.organisation_id and not codelists.is_valid("OrganisationType", self.org_type):
            problems.append(_("the reporting organisation's type %(code)r is not an IATI code")
                            % {"code": self.org_type})
        return problems

    def link(self, path: str) -> str | None:
        return f"{self.site_address}{path}" if self.site_address else None


@dataclass
class Skipped:
    """A published partnership or programme that cannot be exported validly."""

    kind: str  # "partnership" or "programme"
    slug: str
    title: str
    identifier: str
    reasons: list[str] = field(default_factory=list)
    updated_at: datetime | None = None  # when the partnership or programme last changed (for updated_since)


def partnership_identifier(publisher: Publisher, slug: str) -> str:
    return f"{publisher.identifier}-partnership-{slug}"


def programme_identifier(publisher: Publisher, slug: str) -> str:
    return f"{publisher.identifier}-programme-{slug}"


# --- small helpers -----------------------------------------------------------------------------

def related(obj: Any, name: str) -> list[Any]:
    """The rows of a relation, from the list ``selectors`` prefetched into ``iati_<name>`` (Django's
    prefetch to a list skips building a queryset per row and relation), else from the database."""
    rows = getattr(obj, f"iati_{name}", None)
    return rows if rows is not None else list(getattr(obj, name).all())

def clean(text: Any) -> str:
    return _CONTROL.sub("", str(text)).strip()


def _org_names(org: Organisation) -> dict[str, str]:
    return {"en": org.name_en, "ja": org.name_ja}


def _place_names(place: Place) -> dict[str, str]:
    return {"en": place.name_en, "ja": place.name_ja}


def narratives(parent: etree._Element, texts: dict[str, str] | None, language: str) -> int:
    """One ``narrative`` per language held (the default language first, without ``xml:lang``)."""
    texts = {k: clean(v) for k, v in (texts or {}).items() if v and clean(v) and codelists.is_valid("Language", k)}
    for code in sorted(texts, key=lambda k: (k != language, k)):
        element = etree.SubElement(parent, "narrative")
        if code != language:
            element.set(XML_LANG, code)
        element.text = texts[code]
    return len(texts)


def percent_text(value: Decimal) -> str:
    return str(int(value)) if value == value.to_integral_value() else f"{value:.2f}"


def shares(weights: dict[str, Decimal]) -> dict[str, Decimal]:
    """Weights as percentages with two decimals that sum to exactly 100 (the largest takes the rest)."""
    total = sum(weights.values())
    if not total:
        return {}
    cent = Decimal("0.01")
    out = {k: (w * 100 / total).quantize(cent, rounding=ROUND_HALF_UP) for k, w in weights.items()}
    largest = max(out, key=lambda k: (out[k], k))
    out[largest] += Decimal(100) - sum(out.values())
    return out


def _years_later(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _theme_codes(theme: Theme) -> list[str]:
    return list(theme.dac_codes or (theme.parent.dac_codes if theme.parent_id and theme.parent else []) or [])


def sectors(themes: Iterable[Theme]) -> dict[str, dict[str, Decimal]]:
    """vocabulary → DAC code → percentage: each theme weighs the same, split evenly over its codes
    (a theme without codes takes its parent's); 5-digit codes are vocabulary 1, 3-digit ones 2."""
    weights: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for theme in themes:
        codes = [str(c) for c in _theme_codes(theme)]
        by_vocabulary = {"1": [c for c in codes if codelists.is_valid("Sector", c)],
                         "2": [c for c in codes if len(c) == 3 and codelists.is_valid("SectorCategory", c)]}
        for vocabulary, found in by_vocabulary.items():
            for code in found:
                weights[vocabulary][code] += Decimal(1) / len(found)
    return {vocabulary: shares(w) for vocabulary, w in sorted(weights.items()) if w}


def sdg_targets(themes: Iterable[Theme]) -> list[str]:
    found = []
    for theme in themes:
        for target in theme.sdg_targets or []:
            target = str(target)
            if codelists.is_valid("UNSDG-Targets", target) and target not in found:
                found.append(target)
    return sorted(found, key=lambda t: [(0, int(p), "") if p.isdigit() else (1, 0, p) for p in t.split(".")])


def status_code(partnership: Partnership) -> str:
    if partnership.status == S.CLOSED:
        changes = list(related(partnership, "status_changes"))
        if changes and changes[-1].from_status in (S.PROPOSED, S.AGREED):
            return "5"  # closed before it began: cancelled
    return STATUS[partnership.status]


def activity_dates(status: str, starts_on: date | None, ends_on: date | None, today: date) -> list[tuple[str, date]]:
    dates = []
    if starts_on:
        dates.append(("2" if status in STARTED and starts_on <= today else "1", starts_on))
    if ends_on:
        dates.append(("4" if status in ENDED and ends_on <= today else "3", ends_on))
    return dates


def recipient_places(partnership: Partnership, publisher: Publisher) -> list[Place]:
    """The partner places: those outside the reporting organisation's country (all, when none is)."""
    places = [m.place for m in sorted(related(partnership, "members"), key=lambda m: m.pk) if m.place_id]
    abroad = [p for p in places if p.country != publisher.country]
    return abroad or places


def recipient_countries(places: Iterable[Place]) -> dict[str, Decimal]:
    return shares({p.country: Decimal(1) for p in places if p.country})


def scope(places: list[Place]) -> str | None:
    if not places:
        return None
    if len({p.country for p in places}) > 1:
        return "3"  # multi-national
    if len(places) > 1:
        return "5"  # sub-national, several areas
    return {"city": "7", "region": "6", "country": "4"}.get(places[0].level, "7")


def budget_periods(items: Iterable[tuple[date | None, Decimal]], start: date) -> list[tuple[date, date, Decimal]]:
    """Amounts summed into consecutive twelve-month periods from the partnership's start (an amount
    without a date falls in the first)."""
    totals: dict[int, Decimal] = defaultdict(Decimal)
    for day, amount in items:
        k = 0
        if day and day >= start:
            k = day.year - start.year
            if _years_later(start, k) > day:
                k -= 1
        totals[k] += amount
    return [(_years_later(start, k), _years_later(start, k + 1) - timedelta(days=1), total)
            for k, total in sorted(totals.items()) if total]


# --- the checks --------------------------------------------------------------------------------

def partnership_problems(partnership: Partnership, publisher: Publisher) -> list[str]:
    """Why this partnership cannot be exported validly (empty: it can)."""
    problems = _text_problems(partnership.title, partnership.description)
    places = recipient_places(partnership, publisher)
    if not places:
        problems.append(_("no recipient country (no member is a place)"))
    for place in places:
        if not codelists.is_valid("Country", place.country):
            problems.append(_("%(place)s's country %(code)r is not an IATI country code")
                            % {"place": place.name_en, "code": place.country})
    for member in related(partnership, "members"):
        if member.organisation_id and not codelists.is_valid("OrganisationType", member.organisation.org_type):
            problems.append(_("%(org)s has no IATI organisation type") % {"org": member.organisation.name_en})
    if not partnership.starts_on:
        problems.append(_("no start date"))
    if partnership.starts_on and partnership.ends_on and partnership.ends_on < partnership.starts_on:
        problems.append(_("the end date is before the start date"))
    if not sectors(related(partnership, "themes")):
        problems.append(_("no DAC sector (none of its themes has a DAC code)"))
    return problems


def _text_problems(title: dict, description: dict) -> list[str]:
    """The schema wants a title and a description, each with at least one narrative."""
    problems = []
    if not any(clean(v) for k, v in (title or {}).items() if codelists.is_valid("Language", k)):
        problems.append(_("no title"))
    if not any(clean(v) for k, v in (description or {}).items() if codelists.is_valid("Language", k)):
        problems.append(_("no description"))
    return problems


def programme_problems(programme: Programme, countries: dict[str, Decimal]) -> list[str]:
    problems = _text_problems(programme.title, programme.description)
    if not programme.starts_on:
        problems.append(_("no start date"))
    if programme.starts_on and programme.ends_on and programme.ends_on < programme.starts_on:
        problems.append(_("the end date is before the start date"))
    if not countries:
        problems.append(_("no recipient country (no exported partnership, no eligible country)"))
    if not sectors(related(programme, "themes")):
        problems.append(_("no DAC sector (none of its themes has a DAC code)"))
    return problems


# --- the elements ------------------------------------------------------------------------------

def _activity(publisher: Publisher, identifier: str, updated: Any, hierarchy: str | None) -> etree._Element:
    attributes = {"last-updated-datetime": timezone.localtime(updated, UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                  XML_LANG: publisher.language, "default-currency": publisher.currency}
    if hierarchy:
        attributes["hierarchy"] = hierarchy
    activity = etree.Element("iati-activity", attributes)
    etree.SubElement(activity, "iati-identifier").text = identifier
    reporter = etree.SubElement(activity, "reporting-org", ref=publisher.identifier, type=publisher.org_type)
    narratives(reporter, publisher.name, publisher.language)
    return activity


def _texts(activity: etree._Element, publisher: Publisher, title: dict, description: dict) -> None:
    narratives(etree.SubElement(activity, "title"), title, publisher.language)
    narratives(etree.SubElement(activity, "description", type="1"), description, publisher.language)


def _organisation(activity: etree._Element, publisher: Publisher, org: Organisation, role: str) -> None:
    element = etree.SubElement(activity, "participating-org", role=role, type=org.org_type)
    if org.pk == publisher.organisation_id:
        element.set("ref", publisher.identifier)
    narratives(element, _org_names(org), publisher.language)


def _status_and_dates(activity: etree._Element, code: str, dates: list[tuple[str, date]]) -> None:
    etree.SubElement(activity, "activity-status", code=code)
    for kind, day in dates:
        etree.SubElement(activity, "activity-date", type=kind, **{"iso-date": day.isoformat()})


def _countries(activity: etree._Element, countries: dict[str, Decimal]) -> None:
    for code, share in sorted(countries.items()):
        etree.SubElement(activity, "recipient-country", code=code, percentage=percent_text(share))


def _sectors_and_tags(activity: etree._Element, publisher: Publisher, themes: list[Theme]) -> None:
    for vocabulary, codes in sectors(themes).items():
        for code, share in sorted(codes.items(), key=lambda kv: (-kv[1], kv[0])):
            etree.SubElement(activity, "sector", vocabulary=vocabulary, code=code, percentage=percent_text(share))
    uri = publisher.link(reverse("places:themes"))
    for theme in sorted(themes, key=lambda t: t.code):
        tag = etree.SubElement(activity, "tag", vocabulary="99", code=theme.code)
        if uri:
            tag.set("vocabulary-uri", uri)
        narratives(tag, {"en": theme.name_en, "ja": theme.name_ja}, publisher.language)
    targets = sdg_targets(themes)
    for goal in sorted({t.split(".")[0] for t in targets}, key=int):
        if codelists.is_valid("UNSDG-Goals", goal):
            etree.SubElement(activity, "tag", vocabulary="2", code=goal)
    for target in targets:
        etree.SubElement(activity, "tag", vocabulary="3", code=target)


def _defaults(activity: etree._Element, publisher: Publisher) -> None:
    etree.SubElement(activity, "collaboration-type", code=publisher.collaboration_type)
    etree.SubElement(activity, "default-flow-type", code=publisher.flow_type)
    etree.SubElement(activity, "default-finance-type", code=publisher.finance_type)
    etree.SubElement(activity, "default-aid-type", code=publisher.aid_type, vocabulary="1")


def _document(activity: etree._Element, publisher: Publisher, url: str, media: str, title: dict[str, str],
              category: str, day: date | None) -> None:
    link = etree.SubElement(activity, "document-link", url=url, format=media)
    narratives(etree.SubElement(link, "title"), title, publisher.language)
    etree.SubElement(link, "category", code=category)
    if day:
        etree.SubElement(link, "document-date", **{"iso-date": day.isoformat()})


def _kept_documents(activity: etree._Element, publisher: Publisher, links: Iterable[Any]) -> None:
    """The document links kept from an import (``iati.DocumentLink``), after the ones Renkei makes
    itself; a link whose address is already written is not written twice."""
    seen = {element.get("url") for element in activity.iterfind("document-link")}
    for link in sorted(links, key=lambda d: (d.position, d.pk)):
        categories = [c for c in link.categories or [] if codelists.is_valid("DocumentCategory", c)]
        if link.url in seen or not categories:
            continue
        seen.add(link.url)
        element = etree.SubElement(activity, "document-link", url=link.url, format=link.format)
        if not narratives(etree.SubElement(element, "title"), link.title, publisher.language):
            narratives(element.find("title"), {"en": link.url}, publisher.language)
        for code in categories:
            etree.SubElement(element, "category", code=code)
        for code in link.languages or []:
            if codelists.is_valid("Language", code):
                etree.SubElement(element, "language", code=code)
        if link.document_date:
            etree.SubElement(element, "document-date", **{"iso-date": link.document_date.isoformat()})


def _results(activity: etree._Element, publisher: Publisher, results: list[ResultData]) -> None:
    for result in results:
        element = etree.SubElement(activity, "result", type=str(result["type"]), **{"aggregation-status": "0"})
        narratives(etree.SubElement(element, "title"), result["title"], publisher.language)
        if result.get("description"):
            narratives(etree.SubElement(element, "description"), result["description"], publisher.language)
        for indicator in result["indicators"]:
            ind = etree.SubElement(element, "indicator", measure=str(indicator["measure"]),
                                   ascending="1" if indicator.get("ascending", True) else "0")
            narratives(etree.SubElement(ind, "title"), indicator["title"], publisher.language)
            if indicator.get("reference"):
                vocabulary, code = indicator["reference"]
                etree.SubElement(ind, "reference", vocabulary=str(vocabulary), code=str(code))
            baseline = indicator.get("baseline")
            if baseline:
                b = etree.SubElement(ind, "baseline", year=str(baseline["year"]))
                if baseline.get("date"):
                    b.set("iso-date", baseline["date"].isoformat())
                if baseline.get("value") is not None:
                    b.set("value", str(baseline["value"]))
            for period in indicator.get("periods", []):
                p = etree.SubElement(ind, "period")
                etree.SubElement(p, "period-start", **{"iso-date": period["start"].isoformat()})
                etree.SubElement(p, "period-end", **{"iso-date": period["end"].isoformat()})
                for kind in ("target", "actual"):
                    if period.get(kind) is not None:
                        etree.SubElement(p, kind, value=str(period[kind]))


def partnership_activity(partnership: Partnership, publisher: Publisher, *, parent: str | None,
                         results: list[ResultData] | None = None, today: date | None = None) -> etree._Element:
    """The partnership as an ``iati-activity`` (check ``partnership_problems`` first)."""
    today = today or timezone.localdate()
    members = sorted(related(partnership, "members"), key=lambda m: m.pk)
    activity = _activity(publisher, partnership_identifier(publisher, partnership.slug), partnership.updated_at,
                         "2" if parent else None)
    _texts(activity, publisher, partnership.title, partnership.description)
    for member in members:
        if member.place_id:
            place = member.place
            org = etree.SubElement(activity, "participating-org", role=member.role,
                                   type="10" if place.level == "country" else "11")
            narratives(org, _place_names(place), publisher.language)
        else:
            _organisation(activity, publisher, member.organisation, member.role)
    _status_and_dates(activity, status_code(partnership),
                      activity_dates(partnership.status, partnership.starts_on, partnership.ends_on, today))
    places = recipient_places(partnership, publisher)
    if code := scope(places):
        etree.SubElement(activity, "activity-scope", code=code)
    _countries(activity, recipient_countries(places))
    for member in members:
        if member.place_id:
            place = member.place
            location = etree.SubElement(activity, "location", ref=place.slug)
            narratives(etree.SubElement(location, "name"), _place_names(place), publisher.language)
            if codelists.is_valid("Country", place.country):
                etree.SubElement(location, "administrative", vocabulary="A4", level="0", code=place.country)
            if place.latitude is not None and place.longitude is not None:
                point = etree.SubElement(location, "point", srsName=SRS)
                etree.SubElement(point, "pos").text = f"{place.latitude:.6f} {place.longitude:.6f}".replace(
                    ".000000", ".0")
    _sectors_and_tags(activity, publisher, list(related(partnership, "themes")))
    _defaults(activity, publisher)
    items = [(a.due_on or a.starts_on, a.budget_eur) for o in related(partnership, "objectives")
             for a in related(o, "actions") if a.budget_eur]
    items += [(None, p.budget_eur) for p in related(partnership, "pilots") if p.budget_eur]
    if partnership.starts_on:
        for start, end, total in budget_periods(items, partnership.starts_on):
            budget = etree.SubElement(activity, "budget", type="1", status="1")
            etree.SubElement(budget, "period-start", **{"iso-date": start.isoformat()})
            etree.SubElement(budget, "period-end", **{"iso-date": end.isoformat()})
            etree.SubElement(budget, "value", currency="EUR", **{"value-date": start.isoformat()}).text = \
                f"{total:.2f}"
    if url := publisher.link(reverse("partnerships:detail", args=[partnership.slug])):
        _document(activity, publisher, url, "text/html", partnership.title, "A12", None)
    for agreement in sorted(related(partnership, "agreements"), key=lambda a: a.pk):
        if agreement.document and publisher.site_address:
            url = publisher.link(reverse("partnerships:agreement-document", args=[partnership.slug, agreement.pk]))
            media = mimetypes.guess_type(agreement.document.name)[0] or "application/octet-stream"
            with translation.override("en"):
                kind_en = str(agreement.get_kind_display())
            with translation.override("ja"):
                kind_ja = str(agreement.get_kind_display())
            _document(activity, publisher, url, media,
                      {"en": f"{kind_en} ({agreement.signed_on})", "ja": f"{kind_ja}（{agreement.signed_on}）"},
                      "A09", agreement.signed_on)
    for product in sorted(related(partnership, "knowledge_products"), key=lambda p: p.pk):
        if product.status == "published" and product.visibility == "public" and publisher.site_address:
            _document(activity, publisher, publisher.link(reverse("knowledge:product", args=[product.slug])),
                      "text/html", product.title, PRODUCT_CATEGORY.get(product.kind, "A08"), product.published_on)
    _kept_documents(activity, publisher, related(partnership, "iati_document_links"))
    if parent:
        etree.SubElement(activity, "related-activity", ref=parent, type="1")
    _results(activity, publisher, results or [])
    return activity


def programme_countries(programme: Programme, children_countries: Iterable[str]) -> dict[str, Decimal]:
    codes = {c for c in children_countries if codelists.is_valid("Country", c)}
    if not codes:
        codes = {c for c in programme.eligible_countries or [] if codelists.is_valid("Country", c)}
    return shares({c: Decimal(1) for c in codes})


def programme_activity(programme: Programme, publisher: Publisher, *, children: list[str],
                       countries: dict[str, Decimal], today: date | None = None) -> etree._Element:
    """The programme as the parent ``iati-activity`` of its partnerships."""
    today = today or timezone.localdate()
    activity = _activity(publisher, programme_identifier(publisher, programme.slug), programme.updated_at, "1")
    _texts(activity, publisher, programme.title, programme.description)
    owners = sorted(related(programme, "owners"), key=lambda o: o.pk)
    for org in owners:
        _organisation(activity, publisher, org, "2")
    if not owners:  # the schema wants one participating organisation: the reporter funds it
        element = etree.SubElement(activity, "participating-org", role="1", type=publisher.org_type,
                                   ref=publisher.identifier)
        narratives(element, publisher.name, publisher.language)
    started = programme.starts_on and programme.starts_on <= today
    ended = programme.ends_on and programme.ends_on < today
    code = "4" if ended else "2" if started else "1"
    dates = []
    if programme.starts_on:
        dates.append(("2" if started else "1", programme.starts_on))
    if programme.ends_on:
        dates.append(("4" if ended else "3", programme.ends_on))
    _status_and_dates(activity, code, dates)
    _countries(activity, countries)
    _sectors_and_tags(activity, publisher, list(related(programme, "themes")))
    _defaults(activity, publisher)
    _kept_documents(activity, publisher, related(programme, "iati_document_links"))
    for child in children:
        etree.SubElement(activity, "related-activity", ref=child, type="2")
    return activity
