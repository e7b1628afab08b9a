"""IATI publishing in the JSON API: the settings (administrators) and what cannot be published
(administrators and programme officers). The files themselves are at /iati/activities.xml and
/iati/organisation.xml."""

from __future__ import annotations

from django.urls import reverse
from ninja import Field, Query, Router, Status

from renkei.accounts.api_auth import AUTH, OPTIONAL_AUTH
from renkei.core.concurrency import precondition
from renkei.core.schemas import DELETED, ERRORS, WRITE_ERRORS, PageQuery, page_of
from renkei.iati import selectors, services
from renkei.iati.schemas import IatiDocumentPage, SettingsOut, SettingsPatch, SkippedPage

router = Router(tags=["iati"])


def _out(request, row) -> SettingsOut:
    row.activities_url = request.build_absolute_uri(reverse("iati:activities"))
    row.organisation_url = request.build_absolute_uri(reverse("iati:organisation"))
    return row


@router.get("/iati/settings", response={200: SettingsOut, **ERRORS}, auth=AUTH, operation_id="iati_settings_get",
            summary="The IATI publishing settings", description="Administrators only.")
def settings_get(request):
    return _out(request, selectors.settings_for(viewer=request.user))


@router.patch("/iati/settings", response={200: SettingsOut, **WRITE_ERRORS}, auth=AUTH,
              operation_id="iati_settings_update", summary="Change the IATI publishing settings",
              description="Administrators only. Send only the fields to change; send the `version` you read "
              "(or If-Match) to be told if someone changed them meanwhile.")
def settings_update(request, payload: SettingsPatch):
    data = payload.model_dump(exclude_unset=True)
    version = data.pop("version", None)
    with precondition(request) as expected:
        row = services.settings_update(actor=request.user, data=data,
                                       expected_version=expected if expected is not None else version)
    return _out(request, row)


class ProblemsQuery(PageQuery):
    programme: str | None = None


@router.get("/iati/problems", response={200: SkippedPage, **ERRORS}, auth=AUTH, operation_id="iati_problems",
            summary="Published partnerships and programmes that cannot be exported, with the reasons",
            description="Administrators and programme officers. 422 while publishing is not set up.")
def problems(request, query: Query[ProblemsQuery]):
    return page_of(selectors.export_problems(viewer=request.user, programme=query.programme), query)


class DocumentQuery(PageQuery):
    partnership: str = Field("", max_length=120, description="a partnership's URL name")
    programme: str = Field("", max_length=120, description="a programme's URL name")


@router.get("/iati/documents", response={200: IatiDocumentPage, **ERRORS}, auth=OPTIONAL_AUTH,
            operation_id="iati_document_list", summary="Document links kept from IATI imports",
            description="The links (other publishers' reports, documents on other sites) that `renkei iati import` "
            "kept on the partnerships and programmes the caller may see; they are written back into the exported "
            "activities.")
def documents(request, query: Query[DocumentQuery]):
    return page_of(selectors.document_links(viewer=request.user, partnership=query.partnership,
                                            programme=query.programme), query)


@router.delete("/iati/documents/{pk}", response=DELETED, auth=AUTH, operation_id="iati_document_delete",
               summary="Remove a document link kept from an IATI import",
               description="Administrators and those who manage its partnership or programme.")
def document_delete(request, pk: int):
    services.document_link_delete(actor=request.user, link=selectors.document_link_for(viewer=request.user, pk=pk))
    return Status(204, None)
