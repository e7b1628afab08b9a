"""Indicators, values, peer groups and benchmarks in the JSON API. Values are public statistics:
reading needs no sign-in; writing goes through the same services as the pages."""

from __future__ import annotations

from django.db.models import Count
from django.utils.translation import gettext as _
from ninja import Field as NinjaField
from ninja import File, Form, Query, Router, Schema, Status, UploadedFile

from renkei.accounts.api_auth import AUTH, OPTIONAL_AUTH
from renkei.core.concurrency import precondition
from renkei.core.errors import ApplicationError
from renkei.core.schemas import DELETED, ERRORS, READ_ERRORS, ErrorOut, PageQuery, page_of
from renkei.core.uploads import Upload
from renkei.indicators import importing, selectors, services
from renkei.indicators.inputs import IndicatorChange, IndicatorIn, PeerGroupChange, PeerGroupIn, ValueIn
from renkei.indicators.schemas import (
    BenchmarkOut,
    BenchmarkQuery,
    FrameworkOut,
    ImportOut,
    IndicatorFilters,
    IndicatorOut,
    IndicatorPage,
    PeerGroupOut,
    PeerGroupPage,
    RevisionOut,
    ValueFilters,
    ValueOut,
    ValuePage,
)
from renkei.indicators.units import value_range
from renkei.places.selectors import place_get

router = Router(tags=["indicators"])


def _indicator(i) -> dict:
    return {"code": i.code, "name": i.name, "definition": i.definition, "unit": i.unit,
            "range": list(value_range(i.unit)), "direction": i.direction,
            "frameworks": [f.code for f in i.frameworks.all()],
            "classes": [f"{c.framework.code}:{c.code}" for c in i.classes.all()],
            "themes": [t.code for t in i.themes.all()], "disaggregations": i.disaggregations or [],
            "custom": i.custom, "version": i.version, "updated_at": i.updated_at}


def _value(v) -> dict:
    return {"id": v.pk, "place": v.place.slug, "indicator": v.indicator.code, "year": v.year, "period": v.period,
            "disaggregation": v.disaggregation, "value": v.value, "source": v.source, "note": v.note,
            "entered_by": str(v.entered_by) if v.entered_by else None, "entered_at": v.entered_at,
            "updated_at": v.entered_at,
            "revisions": getattr(v, "revision_count", None) if hasattr(v, "revision_count") else v.revisions.count()}


def _group(g) -> dict:
    return {"slug": g.slug, "name": g.name, "kind": g.kind, "criteria": g.criteria,
            "places": [p.slug for p in g.places.all()], "owner": str(g.owner) if g.owner else None,
            "shared": g.shared, "version": g.version, "updated_at": g.updated_at}


# --- the catalogue ----------------------------------------------------------------------------------

@router.get("/frameworks", response={200: list[FrameworkOut]}, auth=OPTIONAL_AUTH,
            summary="Indicator frameworks and their classifications (SDG 11, Sendai, ISO 37120 themes)",
            operation_id="framework_list")
def framework_list(request):
    return [{"code": f.code, "name": f.name, "url": f.url,
             "classes": [{"framework": f.code, "code": c.code, "name": c.name} for c in f.classes.all()]}
            for f in selectors.framework_list()]


@router.get("/indicators", response={200: IndicatorPage, 422: ErrorOut}, auth=OPTIONAL_AUTH,
            summary="The indicator catalogue, a page at a time", operation_id="indicator_list")
def indicator_list(request, filters: Query[IndicatorFilters]):
    qs = selectors.indicator_list(q=filters.q, framework=filters.framework, theme=filters.theme,
                                  custom=filters.custom)
    return page_of(qs, filters, results=lambda page: [_indicator(i) for i in page])


@router.get("/indicators/{code}", response={200: IndicatorOut, **READ_ERRORS}, auth=OPTIONAL_AUTH,
            summary="One indicator", operation_id="indicator_get")
def indicator_get(request, code: str):
    return _indicator(selectors.indicator_get(code=code))


@router.post("/indicators", response={201: IndicatorOut, **ERRORS}, auth=AUTH,
             summary="Add a custom indicator (administrators and programme officers)", operation_id="indicator_create")
def indicator_create(request, payload: IndicatorIn):
    indicator = services.indicator_create(actor=request.user, data=payload)
    return Status(201, _indicator(selectors.indicator_get(code=indicator.code)))


@router.patch("/indicators/{code}", response={200: IndicatorOut, **ERRORS}, auth=AUTH,
              summary="Change an indicator (only the fields given; If-Match for a stale copy)",
              operation_id="indicator_update")
def indicator_update(request, code: str, payload: IndicatorChange):
    indicator = selectors.indicator_get(code=code)
    with precondition(request) as expected:
        services.indicator_update(actor=request.user, indicator=indicator, data=payload, expected=expected)
    return _indicator(selectors.indicator_get(code=code))


@router.delete("/indicators/{code}", response=DELETED, auth=AUTH,
               summary="Delete a custom indicator that has no values", operation_id="indicator_delete")
def indicator_delete(request, code: str):
    services.indicator_delete(actor=request.user, indicator=selectors.indicator_get(code=code))
    return Status(204, None)


# --- values -------------------------------------------------------------------------------------------

@router.get("/indicator-values", response={200: ValuePage, **READ_ERRORS}, auth=OPTIONAL_AUTH,
            summary="Indicator values (public statistics of the places you may see), a page at a time",
            operation_id="value_list")
def value_list(request, filters: Query[ValueFilters]):
    place = place_get(viewer=request.user, slug=filters.place) if filters.place else None
    indicator = selectors.indicator_get(code=filters.indicator) if filters.indicator else None
    qs = selectors.value_list(viewer=request.user, place=place, indicator=indicator, year=filters.year)
    qs = qs.annotate(revision_count=Count("revisions"))
    return page_of(qs, filters, results=lambda page: [_value(v) for v in page], since_field="entered_at")


@router.post("/indicator-values", response={200: ValueOut, **ERRORS}, auth=AUTH,
             summary="Enter a value (a new one for the same place, indicator, year, period and "
                     "disaggregation keeps the old one as a revision)", operation_id="value_record")
def value_record(request, payload: ValueIn):
    value = services.value_record(actor=request.user, data=payload)
    return _value(selectors.value_get(viewer=request.user, pk=value.pk))


@router.get("/indicator-values/{int:pk}", response={200: ValueOut, **READ_ERRORS}, auth=OPTIONAL_AUTH,
            summary="One value", operation_id="value_get")
def value_get(request, pk: int):
    return _value(selectors.value_get(viewer=request.user, pk=pk))


@router.get("/indicator-values/{int:pk}/history", response={200: list[RevisionOut], **READ_ERRORS}, auth=OPTIONAL_AUTH,
            summary="The earlier values of a value, newest first", operation_id="value_history")
def value_history(request, pk: int):
    value = selectors.value_get(viewer=request.user, pk=pk)
    return [{"value": r.value, "source": r.source, "note": r.note,
             "entered_by": str(r.entered_by) if r.entered_by else None, "entered_at": r.entered_at,
             "replaced_at": r.replaced_at} for r in selectors.value_history(viewer=request.user, value=value)]


@router.delete("/indicator-values/{int:pk}", response=DELETED, auth=AUTH,
               summary="Delete a value with its history (a mistake; a new value keeps the old one instead)",
               operation_id="value_delete")
def value_delete(request, pk: int):
    services.value_delete(actor=request.user, value=selectors.value_get(viewer=request.user, pk=pk))
    return Status(204, None)


class ImportForm(Schema):
    dry_run: bool = NinjaField(False, description="check and report; write nothing")


@router.post("/indicator-values/import", response={200: ImportOut, **ERRORS}, auth=AUTH,
             summary="Import values from a CSV file (multipart: file)",
             description="Long format: place, indicator, year, value, source[, note, period, disaggregation]. "
                         "Every bad row is reported by line and then nothing is written (the answer is 422 "
                         "with the same report under error.fields, keyed line:field).",
             operation_id="value_import")
def value_import(request, payload: Form[ImportForm], file: File[UploadedFile]):
    from django.conf import settings

    limit = settings.RENKEI_MAX_IMPORT_BYTES
    data = Upload.read(file, max_bytes=limit).content
    if len(data) > limit:
        raise ApplicationError(_("The file is larger than %(mb)s MB.") % {"mb": round(limit / 2**20)}, field="file")
    report = importing.values_import(source=data, actor=request.user, dry_run=payload.dry_run)
    if report.errors:
        fields: dict[str, list[str]] = {}
        for error in report.errors[:1000]:
            fields.setdefault(f"{error.line}:{error.field}" if error.line else error.field, []).append(error.message)
        first = report.errors[0]
        raise ApplicationError(str(first), errors=fields)
    return {"rows": report.rows, "created": report.created, "revised": report.revised,
            "unchanged": report.unchanged, "dry_run": report.dry_run, "errors": []}


# --- peer groups and benchmarks -------------------------------------------------------------------------

@router.get("/peer-groups", response={200: PeerGroupPage, 422: ErrorOut}, auth=OPTIONAL_AUTH,
            summary="Saved peer groups: shared ones and your own", operation_id="peer_group_list")
def peer_group_list(request, query: Query[PageQuery]):
    qs = selectors.peer_group_list(viewer=request.user).prefetch_related("places")
    return page_of(qs, query, results=lambda page: [_group(g) for g in page])


@router.get("/peer-groups/{slug}", response={200: PeerGroupOut, **READ_ERRORS}, auth=OPTIONAL_AUTH,
            summary="One peer group", operation_id="peer_group_get")
def peer_group_get(request, slug: str):
    return _group(selectors.peer_group_get(viewer=request.user, slug=slug))


@router.post("/peer-groups", response={201: PeerGroupOut, **ERRORS}, auth=AUTH,
             summary="Save a peer group (by filter, by hand, a programme cohort, or places like one place)",
             operation_id="peer_group_create")
def peer_group_create(request, payload: PeerGroupIn):
    return Status(201, _group(services.peer_group_create(actor=request.user, data=payload)))


@router.patch("/peer-groups/{slug}", response={200: PeerGroupOut, **ERRORS}, auth=AUTH,
              summary="Change a peer group (its owner or an administrator)", operation_id="peer_group_update")
def peer_group_update(request, slug: str, payload: PeerGroupChange):
    group = selectors.peer_group_get(viewer=request.user, slug=slug)
    with precondition(request) as expected:
        group = services.peer_group_update(actor=request.user, group=group, data=payload, expected=expected)
    return _group(group)


@router.delete("/peer-groups/{slug}", response=DELETED, auth=AUTH,
               summary="Delete a peer group (its owner or an administrator)", operation_id="peer_group_delete")
def peer_group_delete(request, slug: str):
    services.peer_group_delete(actor=request.user, group=selectors.peer_group_get(viewer=request.user, slug=slug))
    return Status(204, None)


@router.get("/places/{slug}/benchmark", response={200: BenchmarkOut, **READ_ERRORS}, auth=OPTIONAL_AUTH,
            summary="A place's percentile ranks among a peer group (saved or ad hoc), with one indicator's "
                    "distribution and time series", operation_id="place_benchmark", tags=["indicators", "places"])
def place_benchmark(request, slug: str, query: Query[BenchmarkQuery]):
    place = place_get(viewer=request.user, slug=slug)
    spec = selectors.spec_from_query(viewer=request.user, query=request.GET)
    bench = selectors.benchmark(viewer=request.user, place=place, spec=spec, year=query.year, window=query.window,
                                indicator=query.indicator)
    return {
        "place": place.slug, "group": spec.saved.slug if spec.saved else None, "kind": spec.kind,
        "members": [p.slug for p in bench.members], "first_year": bench.first_year, "last_year": bench.last_year,
        "min_peers": bench.min_peers,
        "indicators": [{"indicator": i.code, "name": i.name_text, "unit": i.unit, "direction": i.direction,
                        "value": r.value, "year": r.year, "peers": r.peers, "percentile": r.rank, "status": r.status,
                        "median": r.median, "low": r.low, "high": r.high} for i, r in bench.rows],
        "selected": bench.selected.code if bench.selected else None,
        "distribution": [{"place": p.slug, "name": p.name, "value": v, "year": y} for p, v, y in bench.distribution],
        "series": [{"year": y, "value": v, "peers_median": m} for y, v, m in bench.series],
    }
