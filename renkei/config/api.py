"""The JSON API at /api/v1/: one NinjaAPI, routers from each app, one error format.

Every error, whatever raised it, answers ``{"error": {"code", "message", "fields"}}``.
Authentication: ``Authorization: Bearer <token>`` (tokens from ``renkei token create`` or the
admin) or the browser session (with CSRF) for the web UI's own calls.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from renkei.core.errors import ApplicationError, ErrorCollector
from renkei.core.inputs import field_name, message
from renkei.core.schemas import ErrorOut


class RenkeiAPI(NinjaAPI):
    """The NinjaAPI whose OpenAPI document also lists the errors any operation can answer with.

    Whatever an operation declares, a request can be refused before its handler runs: 400 for a
    body that cannot be parsed, 413 for one that is too large, 422 for a parameter of the wrong
    type, and 401 for a token that does not authenticate (even where anonymous reading is
    allowed: a client that believes it is signed in must learn that it is not)."""

    COMMON_ERRORS = {
        "400": "The request body or its form data cannot be read.",
        "413": "The request body is larger than the server accepts.",
        "422": "A parameter or field is invalid; `fields` names each one.",
    }

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        if "ErrorOut" not in components:
            components["ErrorOut"] = ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
            components.update(components["ErrorOut"].pop("$defs", {}))
        error = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}}
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                if not isinstance(operation, dict) or "responses" not in operation:
                    continue
                responses = operation["responses"]
                extra = dict(self.COMMON_ERRORS)
                if operation.get("security"):
                    extra["401"] = "The token sent does not authenticate, or the operation needs one."
                    extra["403"] = "The user may not do this, or a browser session sent no valid CSRF token."
                for status, description in extra.items():
                    if status not in responses and int(status) not in responses:
                        responses[status] = {"description": description, **error}
        return schema


api = RenkeiAPI(
    title="Renkei API",
    version="1",
    description="International city-to-city cooperation: places, organisations, themes, needs, expertise, "
    "matching, programmes and calls with their reviews, partnerships with their action plans, learning "
    "activities, the knowledge library, indicators with benchmarking, results and evaluations, networks, "
    "the connected population, and IATI publishing. Every list pages the same way and takes updated_since.",
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
)


def error_body(code: str, message: str, fields: dict | None = None) -> dict:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


@api.exception_handler(ApplicationError)
def application_error(request, exc: ApplicationError):
    return api.create_response(request, exc.as_dict(), status=exc.status)


@api.exception_handler(ValidationError)
def validation_error(request, exc: ValidationError):
    """Schema errors name the field, in the reader's language, like a service's own errors."""
    fields = ErrorCollector()
    for item in exc.errors:
        fields.add(field_name(item) or "body", message(item))
    return api.create_response(request, fields.error().as_dict(), status=422)


@api.exception_handler(RequestDataTooBig)
def body_too_big(request, exc):
    return api.create_response(
        request, error_body("too_large", _("The request body is larger than this server accepts (%(mb)s MB).")
                            % {"mb": round(settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 2**20, 1)}), status=413
    )


@api.exception_handler(MultiPartParserError)
def unreadable_form(request, exc):
    return api.create_response(
        request, error_body("invalid", _("The form data cannot be read: send it as multipart/form-data "
                                         "with a boundary.")), status=400
    )


@api.exception_handler(AuthenticationError)
def authentication_error(request, exc):
    return api.create_response(
        request, error_body("unauthorized", "Sign in or send a valid API token."), status=401
    )


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, error_body("not_found", "Not found."), status=404)


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    return api.create_response(request, error_body("error", str(exc)), status=exc.status_code)


@api.exception_handler(Exception)
def unexpected_error(request, exc):
    import logging

    logging.getLogger("renkei.api").exception("Unhandled API error")
    return api.create_response(
        request, error_body("server_error", "Something went wrong on our side."), status=500
    )


@csrf_exempt
def json_not_found(request, *args, **kwargs):
    """Unknown paths under /api/v1/ answer in the error format, not with an HTML page."""
    from django.http import JsonResponse

    return JsonResponse(error_body("not_found", f"No API endpoint at {request.path}."), status=404)


def _register_routers() -> None:
    from renkei.activities.api import router as activities_router
    from renkei.connections.api import router as connections_router
    from renkei.evaluation.api import router as evaluation_router
    from renkei.iati.api import router as iati_router
    from renkei.indicators.api import router as indicators_router
    from renkei.knowledge.api import router as knowledge_router
    from renkei.matching.api import router as matching_router
    from renkei.networks.api import router as networks_router
    from renkei.partnerships.api import router as partnerships_router
    from renkei.places.api import router as places_router
    from renkei.programmes.api import router as programmes_router
    from renkei.web.api import router as me_router

    api.add_router("/", places_router)
    api.add_router("/", matching_router)
    api.add_router("/", programmes_router)
    api.add_router("/", partnerships_router)
    api.add_router("/", activities_router)
    api.add_router("/", connections_router)
    api.add_router("/", knowledge_router)
    api.add_router("/", indicators_router)
    api.add_router("/", evaluation_router)
    api.add_router("/", iati_router)
    api.add_router("/", networks_router)
    api.add_router("/", me_router)


_register_routers()
