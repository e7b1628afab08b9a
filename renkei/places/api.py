"""JSON API for places, needs, expertise, organisations and themes (mounted at /api/v1/).

Endpoints parse, call a selector or a service, and serialise. Who may see what is decided by the
selectors (anonymous readers see published places only); who may change what, and whether the
data is valid, by the services. Their errors become the one error format in ``config/api.py``.
"""

from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from renkei.accounts.api_auth import AUTH, OPTIONAL_AUTH
from renkei.core.concurrency import precondition
from renkei.core.errors import ApplicationError, NotFound
from renkei.core.schemas import DELETED, READ_ERRORS, WRITE_ERRORS, ErrorOut, PageQuery, page_of
from renkei.places import selectors, services
from renkei.places.models import Level
from renkei.places.schemas import (
    ExpertiseCreate,
    ExpertiseOut,
    ExpertisePage,
    ExpertisePatch,
    NeedCreate,
    NeedOut,
    NeedPage,
    NeedPatch,
    OrganisationCreate,
    OrganisationDetail,
    OrganisationPage,
    OrganisationPatch,
    OrganisationQuery,
    PlaceCreate,
    PlaceDetail,
    PlacePage,
    PlacePatch,
    PlaceQuery,
    StatementQuery,
    ThemeCreate,
    ThemeDetail,
    ThemePage,
    ThemePatch,
    ThemeQuery,
)
from renkei.places.validation import country_code

router = Router(tags=["places"])



def _country_filter(value: str | None) -> str:
    if not value:
        return ""
    code = country_code(value)
    if code is None:
        raise ApplicationError(_("country: %(value)r is not an ISO 3166-1 country") % {"value": value},
                               field="country")
    return code


def _theme_filter(code: str | None) -> str:
    if not code:
        return ""
    try:
        return selectors.theme_get(code=code).code
    except NotFound:
        raise ApplicationError(_("theme: no theme with code %(code)r") % {"code": code}, field="theme") from None


def _place_filter(request, slug: str | None):
    if not slug:
        return None
    try:
        return selectors.place_get(viewer=request.user, slug=slug)
    except NotFound:
        raise ApplicationError(_("place: no place %(slug)r") % {"slug": slug}, field="place") from None


# --- places -------------------------------------------------------------------------------------

@router.get(
    "/places", response={200: PlacePage, 422: ErrorOut}, auth=OPTIONAL_AUTH, operation_id="places_list",
    summary="List places",
    description="Cities, regions and countries, filtered and paginated. Anonymous readers see published "
    "places only; focal points also see the unpublished places they act for.",
)
def list_places(request, filters: Query[PlaceQuery]):
    if filters.level and filters.level not in Level.values:
        raise ApplicationError(_("level: must be one of %(values)s") % {"values": ", ".join(Level.values)},
                               field="level")
    criteria = selectors.PlaceFilters(
        q=filters.q or "", country=_country_filter(filters.country), level=filters.level or "",
        theme=_theme_filter(filters.theme), min_population=filters.min_population,
        max_population=filters.max_population,
    )
    return page_of(selectors.place_list(viewer=request.user, filters=criteria), filters)


@router.post(
    "/places", response={201: PlaceDetail, **WRITE_ERRORS}, auth=AUTH, operation_id="places_create",
    summary="Create a place", description="Programme officers and administrators. The body uses the import format.",
)
def create_place(request, payload: PlaceCreate):
    place = services.place_create(actor=request.user, data=payload)
    return Status(201, place)


@router.get(
    "/places/{slug}", response={200: PlaceDetail, **READ_ERRORS}, auth=OPTIONAL_AUTH, operation_id="places_get",
    summary="Get a place", description="With its needs, expertise and contacts (e-mail and phone only for "
    "signed-in users with a role).",
)
def get_place(request, slug: str):
    return selectors.place_get(viewer=request.user, slug=slug)


@router.patch(
    "/places/{slug}", response={200: PlaceDetail, **WRITE_ERRORS}, auth=AUTH, operation_id="places_update",
    summary="Change a place",
    description="Officers, administrators, and focal points for the places they act for. Send only the fields "
    "to change; send the `version` you read to be told (409) if someone changed the place meanwhile.",
)
def update_place(request, slug: str, payload: PlacePatch):
    place = selectors.place_get(viewer=request.user, slug=slug)
    data = payload.model_dump(exclude_unset=True)
    version = data.pop("version", None)
    with precondition(request) as expected:
        return services.place_update(actor=request.user, place=place, data=data,
                                     expected_version=expected if expected is not None else version)


@router.delete(
    "/places/{slug}", response=DELETED, auth=AUTH, operation_id="places_delete",
    summary="Delete a place", description="Administrators only.",
)
def delete_place(request, slug: str):
    place = selectors.place_get(viewer=request.user, slug=slug)
    with precondition(request) as expected:
        services.place_delete(actor=request.user, place=place, expected_version=expected)
    return Status(204, None)


# --- needs and expertise ------------------------------------------------------------------------

def _statement_routes(kind: str, path: str, out, page, create, patch, noun: str, adding: str) -> None:
    """The same six operations for needs and for expertise; ``path`` is "needs" or "expertise"."""
    tags = [path]
    list_of, get_one = getattr(selectors, f"{kind}_list"), getattr(selectors, f"{kind}_get")

    @router.get(f"/places/{{slug}}/{path}", response={200: page, **READ_ERRORS}, auth=OPTIONAL_AUTH, tags=tags,
                operation_id=f"places_{path}_list", summary=f"List a place's {path}")
    def list_for_place(request, slug: str, query: Query[PageQuery]):
        place = selectors.place_get(viewer=request.user, slug=slug)
        return page_of(list_of(viewer=request.user, place=place), query)

    @router.post(f"/places/{{slug}}/{path}", response={201: out, **WRITE_ERRORS}, auth=AUTH, tags=tags,
                 operation_id=f"places_{path}_create", summary=f"Add {adding} to a place",
                 description="Officers, administrators, and focal points for the places they act for.")
    def create(request, slug: str, payload: create):
        place = selectors.place_get(viewer=request.user, slug=slug)
        return Status(201, services.statement_create(actor=request.user, place=place, kind=kind, data=payload))

    @router.get(f"/{path}", response={200: page, 422: ErrorOut}, auth=OPTIONAL_AUTH, tags=tags,
                operation_id=f"{path}_list", summary=f"List {path}",
                description=f"{path.capitalize()} of the places you may see.")
    def list_all(request, filters: Query[StatementQuery]):
        return page_of(list_of(viewer=request.user, place=_place_filter(request, filters.place),
                               theme=_theme_filter(filters.theme), tagged=filters.tagged), filters)

    @router.get(f"/{path}/{{statement_id}}", response={200: out, **READ_ERRORS}, auth=OPTIONAL_AUTH, tags=tags,
                operation_id=f"{path}_get", summary=f"Get {noun}")
    def get(request, statement_id: int):
        return get_one(viewer=request.user, pk=statement_id)

    @router.patch(f"/{path}/{{statement_id}}", response={200: out, **WRITE_ERRORS}, auth=AUTH, tags=tags,
                  operation_id=f"{path}_update", summary=f"Change {noun}")
    def update(request, statement_id: int, payload: patch):
        obj = get_one(viewer=request.user, pk=statement_id)
        with precondition(request) as expected:
            return services.statement_update(actor=request.user, obj=obj, data=payload, expected_version=expected)

    @router.delete(f"/{path}/{{statement_id}}", response=DELETED, auth=AUTH, tags=tags,
                   operation_id=f"{path}_delete", summary=f"Delete {noun}")
    def delete(request, statement_id: int):
        obj = get_one(viewer=request.user, pk=statement_id)
        with precondition(request) as expected:
            services.statement_delete(actor=request.user, obj=obj, expected_version=expected)
        return Status(204, None)


_statement_routes("need", "needs", NeedOut, NeedPage, NeedCreate, NeedPatch, "a need", "a need")
_statement_routes("expertise", "expertise", ExpertiseOut, ExpertisePage, ExpertiseCreate, ExpertisePatch,
                  "an expertise statement", "expertise")


# --- organisations ------------------------------------------------------------------------------

@router.get(
    "/organisations", response={200: OrganisationPage, 422: ErrorOut}, auth=OPTIONAL_AUTH, tags=["organisations"],
    operation_id="organisations_list", summary="List organisations",
)
def list_organisations(request, filters: Query[OrganisationQuery]):
    organisations = selectors.organisation_list(
        viewer=request.user, q=filters.q or "", org_type=filters.type or "",
        country=_country_filter(filters.country),
    )
    return page_of(organisations, filters)


@router.post(
    "/organisations", response={201: OrganisationDetail, **WRITE_ERRORS}, auth=AUTH, tags=["organisations"],
    operation_id="organisations_create", summary="Create an organisation",
    description="Programme officers, network secretariats and administrators.",
)
def create_organisation(request, payload: OrganisationCreate):
    organisation = services.organisation_create(actor=request.user, data=payload)
    return Status(201, organisation)


@router.get(
    "/organisations/{slug}", response={200: OrganisationDetail, **READ_ERRORS}, auth=OPTIONAL_AUTH,
    tags=["organisations"], operation_id="organisations_get", summary="Get an organisation",
    description="With its contacts (e-mail and phone only for signed-in users with a role).",
)
def get_organisation(request, slug: str):
    return selectors.organisation_get(viewer=request.user, slug=slug)


@router.patch(
    "/organisations/{slug}", response={200: OrganisationDetail, **WRITE_ERRORS}, auth=AUTH, tags=["organisations"],
    operation_id="organisations_update", summary="Change an organisation",
    description="Programme officers, network secretariats and administrators.",
)
def update_organisation(request, slug: str, payload: OrganisationPatch):
    organisation = selectors.organisation_get(viewer=request.user, slug=slug)
    with precondition(request) as expected:
        return services.organisation_update(actor=request.user, organisation=organisation, data=payload,
                                            expected_version=expected)


@router.delete(
    "/organisations/{slug}", response=DELETED, auth=AUTH, tags=["organisations"],
    operation_id="organisations_delete", summary="Delete an organisation", description="Administrators only.",
)
def delete_organisation(request, slug: str):
    organisation = selectors.organisation_get(viewer=request.user, slug=slug)
    with precondition(request) as expected:
        services.organisation_delete(actor=request.user, organisation=organisation, expected_version=expected)
    return Status(204, None)


# --- themes -------------------------------------------------------------------------------------

@router.get(
    "/themes", response={200: ThemePage, 422: ErrorOut}, auth=OPTIONAL_AUTH, tags=["themes"],
    operation_id="themes_list", summary="List themes",
    description="The bilingual theme taxonomy in order; the default page holds all of it.",
)
def list_themes(request, filters: Query[ThemeQuery]):
    return page_of(selectors.theme_list(q=filters.q or "", parent=filters.parent), filters)


@router.post(
    "/themes", response={201: ThemeDetail, **WRITE_ERRORS}, auth=AUTH, tags=["themes"],
    operation_id="themes_create", summary="Create a theme", description="Administrators only.",
)
def create_theme(request, payload: ThemeCreate):
    return Status(201, services.theme_create(actor=request.user, data=payload))


@router.get(
    "/themes/{code}", response={200: ThemeDetail, **READ_ERRORS}, auth=OPTIONAL_AUTH, tags=["themes"],
    operation_id="themes_get", summary="Get a theme", description="With its sub-themes and related themes.",
)
def get_theme(request, code: str):
    return selectors.theme_get(code=code)


@router.patch(
    "/themes/{code}", response={200: ThemeDetail, **WRITE_ERRORS}, auth=AUTH, tags=["themes"],
    operation_id="themes_update", summary="Change a theme", description="Administrators only.",
)
def update_theme(request, code: str, payload: ThemePatch):
    theme = selectors.theme_get(code=code)
    return services.theme_update(actor=request.user, theme=theme, data=payload)


@router.delete(
    "/themes/{code}", response=DELETED, auth=AUTH, tags=["themes"],
    operation_id="themes_delete", summary="Delete a theme",
    description="Administrators only; refused (409) while needs, expertise or sub-themes use it.",
)
def delete_theme(request, code: str):
    services.theme_delete(actor=request.user, theme=selectors.theme_get(code=code))
    return Status(204, None)
