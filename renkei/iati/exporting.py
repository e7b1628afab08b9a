"""IATI 2.03 activity and organisation files, streamed: one element per activity is built, written
and dropped, so 10,000 partnerships take the memory of one (``bench/iati_export.py``).

``plan_export`` decides what goes in: every published programme and partnership that can be
exported validly; the others are listed with their reasons (``Skipped``), never dropped silently."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC
from typing import IO, Any

from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from lxml import etree

from renkei.core.errors import ApplicationError
from renkei.iati import mapping
from renkei.iati.mapping import Publisher, Skipped
from renkei.iati.results import ResultsSource, installed_results
from renkei.iati.selectors import in_batches, published_partnerships, published_programmes, publishing_settings
from renkei.partnerships.models import Partnership

Progress = Callable[[Iterable[Any], int, str], Iterable[Any]]
CHUNK = 1 << 16


def no_progress(items: Iterable[Any], total: int, description: str) -> Iterable[Any]:
    return items


@dataclass
class ExportPlan:
    publisher: Publisher
    programmes: list[Any] = field(default_factory=list)  # programmes to export as parents
    children: dict[int, list[str]] = field(default_factory=dict)  # programme id → child identifiers
    countries: dict[int, dict] = field(default_factory=dict)  # programme id → recipient countries
    partnership_ids: list[int] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.programmes) + len(self.partnership_ids)


def current_publisher() -> Publisher:
    """The publisher, or an ApplicationError saying what an administrator must set first."""
    publisher = Publisher.from_settings(publishing_settings())
    if problems := publisher.problems():
        raise ApplicationError(_("IATI publishing is not set up: %(problems)s.") % {"problems": "; ".join(problems)})
    return publisher


def plan_export(*, programme: str | None = None, publisher: Publisher | None = None) -> ExportPlan:
    """Which published activities go in, and which cannot (with their reasons)."""
    publisher = publisher or current_publisher()
    plan = ExportPlan(publisher=publisher)
    exported_programmes = {p.pk: p for p in published_programmes(programme)}
    child_countries: dict[int, set[str]] = {}
    for partnership in (p for batch in in_batches(published_partnerships(programme, full=False)) for p in batch):
        identifier = mapping.partnership_identifier(publisher, partnership.slug)
        if reasons := mapping.partnership_problems(partnership, publisher):
            plan.skipped.append(Skipped("partnership", partnership.slug, partnership.title_text, identifier, reasons,
                                        partnership.updated_at))
            continue
        plan.partnership_ids.append(partnership.pk)
        if partnership.programme_id in exported_programmes:
            plan.children.setdefault(partnership.programme_id, []).append(identifier)
            child_countries.setdefault(partnership.programme_id, set()).update(
                mapping.recipient_countries(mapping.recipient_places(partnership, publisher)))
    for pk, prog in exported_programmes.items():
        countries = mapping.programme_countries(prog, child_countries.get(pk, ()))
        identifier = mapping.programme_identifier(publisher, prog.slug)
        if reasons := mapping.programme_problems(prog, countries):
            plan.skipped.append(Skipped("programme", prog.slug, prog.title_text, identifier, reasons,
                                        prog.updated_at))
            plan.children.pop(pk, None)
            continue
        plan.programmes.append(prog)
        plan.countries[pk] = countries
    return plan


def activities(plan: ExportPlan, *, results: ResultsSource | None = None,
               progress: Progress = no_progress, batch: int = 500) -> Iterator[etree._Element]:
    """The plan's activities, programmes first, read from the database in batches."""
    publisher = plan.publisher
    results = results or installed_results()
    parents = {p.pk: mapping.programme_identifier(publisher, p.slug) for p in plan.programmes}
    today = timezone.localdate()
    for prog in plan.programmes:
        yield mapping.programme_activity(prog, publisher, children=plan.children.get(prog.pk, []),
                                         countries=plan.countries[prog.pk], today=today)
    ids = plan.partnership_ids

    def rows() -> Iterator[tuple[Partnership, list]]:
        for found in in_batches(published_partnerships().filter(pk__in=ids), batch):
            found_results = results(found)
            for p in found:
                yield p, found_results.get(p.pk, [])

    for partnership, its_results in progress(rows(), len(ids), "IATI activities"):
        yield mapping.partnership_activity(partnership, publisher, parent=parents.get(partnership.programme_id),
                                           results=its_results, today=today)


class _Chunks:
    """A file-like sink that lxml's incremental writer fills and a generator empties."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.size = 0

    def write(self, data: bytes) -> None:
        self.parts.append(data)
        self.size += len(data)

    def take(self) -> bytes:
        data, self.parts, self.size = b"".join(self.parts), [], 0
        return data


def _generated() -> str:
    return timezone.now().astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def stream_activities(plan: ExportPlan, **options: Any) -> Iterator[bytes]:
    """The activity file in chunks of about 64 KB (for a streaming HTTP response)."""
    sink = _Chunks()
    with etree.xmlfile(sink, encoding="utf-8") as xf:
        xf.write_declaration()
        with xf.element("iati-activities", version="2.03", **{"generated-datetime": _generated()}):
            for activity in activities(plan, **options):
                xf.write(activity, pretty_print=True)
                if sink.size >= CHUNK:
                    xf.flush()
                    yield sink.take()
    yield sink.take()


def write_activities(out: IO[bytes], plan: ExportPlan, **options: Any) -> int:
    written = 0
    for chunk in stream_activities(plan, **options):
        out.write(chunk)
        written += len(chunk)
    return written


def organisation_file(publisher: Publisher | None = None) -> bytes:
    """The reporting organisation's file (``iati-organisations``), with its name in every language."""
    publisher = publisher or current_publisher()
    row = publishing_settings()
    root = etree.Element("iati-organisations", version="2.03", **{"generated-datetime": _generated()})
    org = etree.SubElement(root, "iati-organisation", **{
        "last-updated-datetime": timezone.localtime(row.updated_at or timezone.now(), UTC)
        .strftime("%Y-%m-%dT%H:%M:%SZ"),
        mapping.XML_LANG: publisher.language, "default-currency": publisher.currency})
    etree.SubElement(org, "organisation-identifier").text = publisher.identifier
    mapping.narratives(etree.SubElement(org, "name"), publisher.name, publisher.language)
    reporter = etree.SubElement(org, "reporting-org", ref=publisher.identifier, type=publisher.org_type)
    mapping.narratives(reporter, publisher.name, publisher.language)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)


def data_signature(programme: str | None = None) -> str:
    """Changes whenever anything an exported file shows may have changed (for the ETag)."""
    from renkei.evaluation.models import Actual, Result, ResultIndicator, Target
    from renkei.iati.models import DocumentLink, PublishingSettings
    from renkei.knowledge.models import Product
    from renkei.partnerships.models import Action, Agreement, Member, Pilot, StatusChange
    from renkei.places.models import Organisation, Place, Theme
    from renkei.programmes.models import Programme

    parts = [programme or ""]
    for model, column in ((Partnership, "updated_at"), (Programme, "updated_at"), (Place, "updated_at"),
                          (Organisation, "updated_at"), (Theme, "updated_at"), (PublishingSettings, "updated_at"),
                          (Product, "updated_at"), (DocumentLink, "updated_at"), (Result, "updated_at"),
                          (ResultIndicator, "updated_at")):
        summary = model.objects.aggregate(last=Max(column), n=Max("pk"))
        parts.append(f"{summary['last']}/{summary['n']}/{model.objects.count()}")
    for model in (Member, Agreement, Pilot, StatusChange, Action, Target, Actual):
        parts.append(f"{model.objects.aggregate(n=Max('pk'))['n']}/{model.objects.count()}")
    parts.append(str(timezone.localdate()))  # planned and actual dates follow the calendar
    return "|".join(parts)
