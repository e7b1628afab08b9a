"""The published IATI files (public, for registries that poll them) and the publishing page."""

from __future__ import annotations

import hashlib

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseNotModified, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from renkei.core.errors import ApplicationError
from renkei.iati import selectors, services
from renkei.iati.exporting import current_publisher, data_signature, organisation_file, plan_export, stream_activities
from renkei.iati.forms import SettingsForm
from renkei.iati.permissions import can_edit_settings, can_see_problems
from renkei.ui.actions import perform, read_only, signed_in_post
from renkei.ui.forms import form_page
from renkei.ui.pagecache import for_visitors

XML = "application/xml; charset=utf-8"


def _etag(name: str, programme: str | None) -> str:
    digest = hashlib.sha256(f"{name}|{data_signature(programme)}".encode()).hexdigest()[:32]
    return f'"{digest}"'


def _unchanged(request, etag: str) -> bool:
    sent = request.headers.get("If-None-Match", "")
    return etag in [tag.strip().removeprefix("W/") for tag in sent.split(",")]


def _not_ready(exc: ApplicationError) -> HttpResponse:
    return HttpResponse(exc.message, status=404, content_type="text/plain; charset=utf-8")


@read_only
def activities_xml(request):
    """Every published partnership and programme (or one programme's, ``?programme=slug``), streamed.
    The ETag changes when the data does, so a registry polling with If-None-Match gets a 304."""
    programme = request.GET.get("programme") or None
    try:
        publisher = current_publisher()
        if programme:
            selectors.programme_or_404(programme)
    except ApplicationError as exc:
        return _not_ready(exc)
    etag = _etag("activities", programme)
    if _unchanged(request, etag):
        return HttpResponseNotModified(headers={"ETag": etag})
    response = StreamingHttpResponse(stream_activities(plan_export(programme=programme, publisher=publisher)),
                                     content_type=XML)
    response["ETag"] = etag
    response["Cache-Control"] = "public, max-age=300"
    return response


@read_only
def organisation_xml(request):
    try:
        publisher = current_publisher()
    except ApplicationError as exc:
        return _not_ready(exc)
    etag = _etag("organisation", None)
    if _unchanged(request, etag):
        return HttpResponseNotModified(headers={"ETag": etag})
    response = HttpResponse(organisation_file(publisher), content_type=XML)
    response["ETag"] = etag
    response["Cache-Control"] = "public, max-age=300"
    return response


@for_visitors
def publishing(request):
    """Where the IATI files are and what "published" means; for administrators and programme
    officers also the published partnerships that cannot be exported, and why."""
    row = selectors.publishing_settings()
    officer = can_see_problems(request.user)
    try:
        current_publisher()
        problems, setup = (selectors.export_problems(viewer=request.user) if officer else []), ""
    except ApplicationError as exc:
        problems, setup = [], exc.message
    return render(request, "iati/publishing.html", {
        "settings": row, "problems": problems, "setup": setup, "officer": officer,
        "can_edit": can_edit_settings(request.user)})


@login_required
def settings_page(request):
    if not can_edit_settings(request.user):
        raise PermissionDenied
    row = selectors.settings_for(viewer=request.user)
    initial = {name: getattr(row, name) for name in SettingsForm.LISTS}
    initial.update(organisation_identifier=row.organisation_identifier, site_address=row.site_address,
                   reporting_organisation=row.reporting_organisation)
    return form_page(request, SettingsForm, lambda form: services.settings_update(
        actor=request.user, data=form.settings_input()), template="iati/settings.html", initial=initial,
        done=_("The IATI publishing settings were saved."), to=("iati:publishing",))


@signed_in_post
def document_delete(request, pk):
    """Remove a document link an import kept (the button on the partnership's page)."""
    link = selectors.document_link_for(viewer=request.user, pk=pk)
    back = ("partnerships:detail", link.partnership.slug) if link.partnership_id else ("programmes:list",)
    return perform(request, lambda: services.document_link_delete(actor=request.user, link=link),
                   done=_("The link was removed."), to=back)
