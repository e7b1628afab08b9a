"""The connected population in the JSON API: the protected dashboard for anyone, individual records
for the place's focal points and administrators (add, edit, contacts, consents, withdrawal, export,
erasure, CSV import, retention), and activity participants added in one step."""

from __future__ import annotations

from ninja import File, Query, Router, Status, UploadedFile

from renkei.accounts.api_auth import AUTH, OPTIONAL_AUTH
from renkei.activities.selectors import activity_get
from renkei.connections import selectors, services
from renkei.connections.inputs import ConsentIn, InteractionIn, ParticipantsIn, PersonChange, PersonIn, RetentionIn
from renkei.connections.models import RetentionRule
from renkei.connections.schemas import (
    ConnectionsImportOut,
    ConsentOut,
    DashboardOut,
    InteractionOut,
    ParticipantsOut,
    PeopleQuery,
    PersonOut,
    PersonPage,
    RetentionOut,
)
from renkei.connections.services import read_csv_upload
from renkei.core.concurrency import precondition
from renkei.core.errors import ApplicationError
from renkei.core.schemas import DELETED, ERRORS, READ_ERRORS, WRITE_ERRORS, PageQuery, page_of

router = Router(tags=["connected population"])


def person_out(p) -> dict:
    return {"id": p.pk, "place": p.place.slug, "name": p.name, "is_organisation": p.is_organisation,
            "email": p.email, "kind": p.kind, "since": p.since, "country": p.country, "prefecture": p.prefecture,
            "stage": p.stage, "activity": p.activity.slug if p.activity else None,
            "partnership": p.partnership.slug if p.partnership else None, "interactions": p.interactions,
            "last_contact_on": p.last_contact_on, "notes": p.notes, "reference": p.reference,
            "is_sample": p.is_sample, "withdrawn_at": p.withdrawn_at, "version": p.version,
            "may_contact": p.may_contact,
            "updated_at": p.updated_at,
            "consents": list(p.consents.all())}


def dashboard_out(board) -> dict:
    labels = {c.key: c.label for c in board.by_kind}
    return {"place": board.place.slug, "exact": board.exact, "as_of": board.as_of, "total": board.total,
            "active_last_12_months": board.active, "active_share": board.active_share,
            "by_kind": board.by_kind, "where": board.where, "funnel": board.funnel, "years": board.years,
            "over_time": [{"kind": kind, "counts": counts} for kind, counts in board.over_time.items()
                          if kind in labels],
            "movement_years": board.movement_years,
            "movement": [{"from_stage": m.from_stage, "to_stage": m.to_stage, "label": m.label, "counts": m.counts,
                          "total": m.total} for m in board.movement]}


@router.get("/places/{slug}/connections", response={200: DashboardOut, **READ_ERRORS}, auth=OPTIONAL_AUTH,
            summary="A place's connected population in figures", operation_id="connections_dashboard",
            description="Exact for the place's focal points and administrators; for everyone else no count from "
                        "1 to 4 is given, nor can be worked out from those given.")
def dashboard(request, slug: str):
    place = selectors.place_get(viewer=request.user, slug=slug)
    return dashboard_out(selectors.dashboard(viewer=request.user, place=place))


@router.get("/places/{slug}/connections/people", response={200: PersonPage, **ERRORS}, auth=AUTH,
            summary="A place's connected people (its focal points and administrators)",
            operation_id="connections_people")
def people(request, slug: str, query: Query[PeopleQuery]):
    place = selectors.place_get(viewer=request.user, slug=slug)
    qs = selectors.people_list(viewer=request.user, place=place, search=query.search, kind=query.kind,
                               contactable=query.contactable)
    return page_of(qs.prefetch_related("consents"), query, results=lambda page: [person_out(p) for p in page])


@router.get("/places/{slug}/connections/withdrawn", response={200: PersonPage, **ERRORS}, auth=AUTH,
            summary="Those who withdrew consent, waiting to be exported or erased",
            operation_id="connections_withdrawn")
def withdrawn(request, slug: str, query: Query[PageQuery]):
    place = selectors.place_get(viewer=request.user, slug=slug)
    qs = selectors.withdrawn_list(viewer=request.user, place=place).select_related("place", "activity", "partnership")
    return page_of(qs.prefetch_related("consents"), query, results=lambda page: [person_out(p) for p in page])


@router.post("/places/{slug}/connections/people", response={201: PersonOut, **WRITE_ERRORS}, auth=AUTH,
             summary="Add a connected person, with their consent", operation_id="connections_person_create")
def person_create(request, slug: str, payload: PersonIn):
    place = selectors.place_get(viewer=request.user, slug=slug)
    return Status(201, person_out(services.person_create(actor=request.user, place=place, data=payload)))


@router.get("/connections/people/{pk}", response={200: PersonOut, **ERRORS}, auth=AUTH,
            summary="One connected person", operation_id="connections_person_get")
def person_get(request, pk: int):
    return person_out(selectors.person_get(viewer=request.user, pk=pk))


@router.patch("/connections/people/{pk}", response={200: PersonOut, **WRITE_ERRORS}, auth=AUTH,
              summary="Change a connected person (only the fields sent)", operation_id="connections_person_update")
def person_update(request, pk: int, payload: PersonChange):
    person = selectors.person_get(viewer=request.user, pk=pk)
    with precondition(request) as expected:
        return person_out(services.person_update(actor=request.user, person=person, data=payload,
                                                 expected_version=expected))


@router.post("/connections/people/{pk}/interactions", response={201: InteractionOut, **WRITE_ERRORS}, auth=AUTH,
             summary="Record a contact with a connected person", operation_id="connections_interaction_add")
def interaction_add(request, pk: int, payload: InteractionIn):
    person = selectors.person_get(viewer=request.user, pk=pk)
    return Status(201, services.interaction_record(actor=request.user, person=person, data=payload))


@router.post("/connections/people/{pk}/consents", response={201: ConsentOut, **WRITE_ERRORS}, auth=AUTH,
             summary="Record a further consent", operation_id="connections_consent_add")
def consent_add(request, pk: int, payload: ConsentIn):
    person = selectors.person_get(viewer=request.user, pk=pk)
    return Status(201, services.consent_add(actor=request.user, person=person, data=payload))


@router.post("/connections/people/{pk}/withdraw", response={200: PersonOut, **WRITE_ERRORS}, auth=AUTH,
             summary="The person withdrew consent: no list or count uses them from now on",
             operation_id="connections_withdraw")
def withdraw(request, pk: int):
    person = selectors.person_get(viewer=request.user, pk=pk, withdrawn=True)
    services.consent_withdraw(actor=request.user, person=person)
    return person_out(selectors.person_get(viewer=request.user, pk=pk, withdrawn=True))


@router.post("/connections/people/{pk}/consents/{consent_id}/withdraw", response={200: PersonOut, **WRITE_ERRORS},
             auth=AUTH, summary="The person withdrew one consent: the use it allowed stops, the others stay",
             operation_id="connections_consent_withdraw",
             description="Withdrawing the last consent not yet withdrawn is withdrawing all (as /withdraw). "
                         "Without a consent with the scope `contact` left, `may_contact` becomes false.")
def consent_withdraw(request, pk: int, consent_id: int):
    person = selectors.person_get(viewer=request.user, pk=pk, withdrawn=True)
    services.consent_withdraw(actor=request.user, person=person, consent=consent_id)
    return person_out(selectors.person_get(viewer=request.user, pk=pk, withdrawn=True))


@router.get("/connections/people/{pk}/export", response={200: dict, **ERRORS}, auth=AUTH,
            summary="Everything kept about a person (their copy, on request)", operation_id="connections_export")
def export(request, pk: int):
    person = selectors.person_get(viewer=request.user, pk=pk, withdrawn=True)
    return services.person_export(actor=request.user, person=person)


@router.delete("/connections/people/{pk}", response=DELETED, auth=AUTH,
               summary="Erase a person on request (the audit log keeps only that it happened)",
               operation_id="connections_erase")
def erase(request, pk: int):
    person = selectors.person_get(viewer=request.user, pk=pk, withdrawn=True)
    services.person_erase(actor=request.user, person=person)
    return Status(204, None)


@router.put("/places/{slug}/connections/retention", response={200: RetentionOut, **WRITE_ERRORS}, auth=AUTH,
            summary="Set how long people without contact are kept (null: no rule)",
            operation_id="connections_retention")
def retention(request, slug: str, payload: RetentionIn):
    place = selectors.place_get(viewer=request.user, slug=slug)
    rule = services.retention_set(actor=request.user, place=place, data=payload)
    return {"place": place.slug, "years": rule.years if isinstance(rule, RetentionRule) else None}


@router.post("/places/{slug}/connections/import", response={200: ConnectionsImportOut, **ERRORS}, auth=AUTH,
             summary="Import connected people from CSV (every line or none)", operation_id="connections_import",
             description="The columns are in docs/data-formats.md. A file with a bad line writes nothing and "
                         "answers 422 with every bad line's number, field and message; `dry_run` only checks.")
def import_csv(request, slug: str, file: File[UploadedFile], dry_run: bool = False):
    place = selectors.place_get(viewer=request.user, slug=slug)
    report = services.people_import(actor=request.user, place=place, source=read_csv_upload(file), dry_run=dry_run)
    out = {"rows": report.rows, "created": report.created, "dry_run": dry_run,
           "errors": [e._asdict() for e in report.errors]}
    if report.errors:
        raise ApplicationError(report.error_lines()[0], errors=services.report_errors(report))
    return out


@router.post("/activities/{slug}/connect", response={201: ParticipantsOut, **WRITE_ERRORS}, auth=AUTH,
             summary="Add an activity's participants who consented to a place's connected population",
             operation_id="connections_from_activity", tags=["connected population", "activities"])
def from_activity(request, slug: str, payload: ParticipantsIn):
    activity = activity_get(viewer=request.user, slug=slug)
    made = services.participants_connect(actor=request.user, activity=activity, data=payload)
    return Status(201, {"created": [person_out(p) for p in made]})

