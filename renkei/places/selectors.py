"""Reads for places, organisations, themes and contacts; each decides what the viewer may see."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Case, Count, F, Func, IntegerField, Max, Prefetch, Q, QuerySet, Value, When
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from renkei.accounts.models import Role
from renkei.accounts.permissions import has_role, represented_place_ids
from renkei.core.errors import NotFound
from renkei.places import permissions
from renkei.places.models import Contact, Expertise, Need, Organisation, Place, Theme
from renkei.places.reading import sort_key

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from renkei.accounts.models import User

    Viewer = User | AnonymousUser


@dataclass(frozen=True)
class PlaceFilters:
    q: str = ""
    country: str = ""
    level: str = ""
    theme: str = ""
    min_population: int | None = None
    max_population: int | None = None


def visible_places(viewer: Viewer) -> QuerySet[Place]:
    qs = Place.objects.all()
    if has_role(viewer, Role.ADMINISTRATOR, Role.PROGRAMME_OFFICER):
        return qs
    own = represented_place_ids(viewer)
    return qs.filter(Q(is_published=True) | Q(pk__in=own)) if own else qs.filter(is_published=True)


def _reads_japanese(language: str | None) -> bool:
    return (language or get_language() or "en")[:2] == "ja"


class CodePointOrder(Func):
    """A text column compared by code point whatever the database's collation (PostgreSQL's may follow a
    language; SQLite compares code points already)."""

    template = "%(expressions)s"

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, template='%(expressions)s COLLATE "C"', **extra_context)


def name_order(prefix: str = "", *, language: str | None = None) -> list:
    """``order_by`` terms that sort places by name in the reader's language (``prefix`` reaches the place
    through a relation, e.g. ``"place__"``): in Japanese by the reading of the Japanese name in gojūon
    order (``reading.sort_key``, kept as ``name_ja_sort``), then that name, places without a reading last
    by their English name; in English by the English name."""
    if _reads_japanese(language):
        unread = Case(When(**{f"{prefix}name_ja_sort": ""}, then=Value(1)), default=Value(0),
                      output_field=IntegerField())
        return [unread, CodePointOrder(F(f"{prefix}name_ja_sort")).asc(), f"{prefix}name_ja", f"{prefix}name_en",
                f"{prefix}id"]
    return [f"{prefix}name_en", f"{prefix}id"]


def name_key(*, language: str | None = None):
    """The same order for places already in memory: a key for ``sorted``."""
    if _reads_japanese(language):
        return lambda p: (not p.name_ja_reading, sort_key(p.name_ja_reading), p.name_ja, p.name_en, p.pk or 0)
    return lambda p: (p.name_en, p.pk or 0)


CARD_FIELDS = ("slug", "name_en", "name_ja", "name_ja_reading", "country", "level", "population")


def with_top_statements(places: list[Place], n: int = 2) -> list[Place]:
    """Give each place its first ``n`` needs (most urgent) and expertise (most mature) as
    ``top_needs`` and ``top_expertise``, each with its theme (for place cards): two queries."""
    by_id = {place.pk: place for place in places}
    for place in places:
        place.top_needs, place.top_expertise = [], []
    for model, scale, attr in ((Need, "priority", "top_needs"), (Expertise, "maturity", "top_expertise")):
        rows = (model.objects.filter(place_id__in=by_id).order_by("place_id", f"-{scale}", "id")
                .values_list("place_id", scale, "theme__code", "theme__name_en", "theme__name_ja"))
        for place_id, value, code, name_en, name_ja in rows:
            chosen = getattr(by_id[place_id], attr)
            if len(chosen) < n:
                theme = Theme(code=code, name_en=name_en, name_ja=name_ja) if code else None  # None: not yet tagged
                chosen.append(model(place_id=place_id, theme=theme, **{scale: value}))
    return places


def data_signature() -> tuple:
    """Changes whenever a place, need, expertise, theme or organisation is added, edited or removed:
    per table its count, latest change and highest id (five cheap aggregates)."""
    tables = (Place, Need, Expertise, Theme, Organisation)
    return tuple(tuple(model.objects.aggregate(n=Count("id"), t=Max("updated_at"), last=Max("id")).values())
                 for model in tables)


def theme_and_descendant_ids(code: str) -> list[int]:
    """A theme filter also matches the theme's children ("disaster risk" finds "tsunami")."""
    rows = list(Theme.objects.values_list("id", "parent_id", "code"))
    start = [pk for pk, _parent, c in rows if c == code]
    found = set(start)
    frontier = set(start)
    while frontier:
        frontier = {pk for pk, parent, _c in rows if parent in frontier and pk not in found}
        found |= frontier
    return sorted(found)


def place_list(*, viewer: Viewer, filters: PlaceFilters | None = None) -> QuerySet[Place]:
    filters = filters or PlaceFilters()
    qs = visible_places(viewer)
    if filters.q:
        for term in filters.q.split():
            qs = qs.filter(
                Q(name_en__icontains=term) | Q(name_ja__icontains=term) | Q(name_local__icontains=term)
                | Q(slug__icontains=term) | Q(external_id=term)
            )
    if filters.country:
        qs = qs.filter(country=filters.country.upper())
    if filters.level:
        qs = qs.filter(level=filters.level)
    if filters.theme:
        ids = theme_and_descendant_ids(filters.theme)
        qs = qs.filter(Q(needs__theme_id__in=ids) | Q(expertise__theme_id__in=ids)).distinct()
    if filters.min_population is not None:
        qs = qs.filter(population__gte=filters.min_population)
    if filters.max_population is not None:
        qs = qs.filter(population__lte=filters.max_population)
    return qs.select_related("parent").order_by(*name_order())


def place_get(*, viewer: Viewer, slug: str) -> Place:
    place = (
        visible_places(viewer)
        .select_related("parent")
        .prefetch_related(
            Prefetch("needs", queryset=Need.objects.select_related("theme")),
            Prefetch("expertise", queryset=Expertise.objects.select_related("theme")),
        )
        .filter(slug=slug)
        .first()
    )
    if place is None:
        raise NotFound(_("No such place."), field="slug")
    return place


def place_get_by_ref(*, viewer: Viewer, ref: str) -> Place:
    """A slug, an external id or a name — what people type on a command line."""
    qs = visible_places(viewer)
    place = (
        qs.filter(slug=ref).first()
        or qs.filter(external_id=ref).first()
        or qs.filter(Q(name_en__iexact=ref) | Q(name_ja=ref)).order_by("level", "id").first()
    )
    if place is None:
        raise NotFound(_("No place matches %(ref)r.") % {"ref": ref}, field="place")
    return place


def country_choices(viewer: Viewer) -> list[str]:
    return sorted(set(visible_places(viewer).values_list("country", flat=True)))


@dataclass(frozen=True)
class ContactView:
    name: str
    title: str
    organisation: str
    email: str | None
    phone: str | None


def contacts_for(
    *, viewer: Viewer, place: Place | None = None, organisation: Organisation | None = None,
) -> list[ContactView]:
    """Private data (e-mail, phone) only for signed-in users with a role; the public sees only the
    people who consented to be listed, and never their e-mail or phone."""
    private = permissions.can_see_private_contacts(viewer)
    qs = Contact.objects.select_related("organisation")
    if place is not None:
        qs = qs.filter(Q(place=place) | Q(organisation__place=place))
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    if not private:
        qs = qs.filter(public_consent=True)
    return [
        ContactView(
            name=c.name, title=c.title, organisation=c.organisation.name if c.organisation else "",
            email=(c.email or None) if private else None, phone=(c.phone or None) if private else None,
        )
        for c in qs.order_by("name", "id")
    ]


def organisation_list(*, viewer: Viewer, q: str = "", org_type: str = "", country: str = "") -> QuerySet[Organisation]:
    qs = Organisation.objects.select_related("parent", "place")
    if q:
        qs = qs.filter(Q(name_en__icontains=q) | Q(name_ja__icontains=q) | Q(acronym__icontains=q))
    if org_type:
        qs = qs.filter(org_type=org_type)
    if country:
        qs = qs.filter(country=country.upper())
    return qs.order_by("name_en", "id")


def organisation_get(*, viewer: Viewer, slug: str) -> Organisation:
    org = Organisation.objects.select_related("parent", "place").filter(slug=slug).first()
    if org is None:
        raise NotFound(_("No such organisation."), field="slug")
    return org


def theme_list(*, q: str = "", parent: str | None = None) -> QuerySet[Theme]:
    qs = Theme.objects.select_related("parent")
    if q:
        qs = qs.filter(Q(name_en__icontains=q) | Q(name_ja__icontains=q) | Q(code__icontains=q))
    if parent is not None:
        qs = qs.filter(parent__code=parent) if parent else qs.filter(parent__isnull=True)
    return qs.order_by("position", "code")


def theme_get(*, code: str) -> Theme:
    theme = Theme.objects.select_related("parent").prefetch_related("children", "related").filter(code=code).first()
    if theme is None:
        raise NotFound(_("No such theme."), field="code")
    return theme


def theme_tree() -> list[tuple[Theme, list[Theme]]]:
    """Top-level branches with their descendants in order, annotated with usage counts."""
    themes = list(
        Theme.objects.annotate(
            need_count=Count("needs", distinct=True), expertise_count=Count("expertise", distinct=True)
        ).order_by("position", "code")
    )
    children: dict[int | None, list[Theme]] = {}
    for theme in themes:
        children.setdefault(theme.parent_id, []).append(theme)

    def walk(node: Theme, depth: int, out: list[Theme]) -> None:
        for child in children.get(node.pk, []):
            child.depth = depth
            out.append(child)
            walk(child, depth + 1, out)

    tree = []
    for root in children.get(None, []):
        descendants: list[Theme] = []
        walk(root, 1, descendants)
        tree.append((root, descendants))
    return tree


def _statements(model, *, viewer: Viewer, place: Place | None, theme: str, tagged: bool | None) -> QuerySet:
    """Needs or expertise of the places the viewer sees, of one place, under one theme, and only those
    (not) yet tagged, when given."""
    qs = model.objects.filter(place__in=visible_places(viewer)).select_related("place", "theme")
    if place is not None:
        qs = qs.filter(place=place)
    if theme:
        qs = qs.filter(theme_id__in=theme_and_descendant_ids(theme))
    if tagged is not None:
        qs = qs.filter(theme__isnull=not tagged)
    return qs


def need_list(*, viewer: Viewer, place: Place | None = None, theme: str = "",
              tagged: bool | None = None) -> QuerySet[Need]:
    return _statements(Need, viewer=viewer, place=place, theme=theme, tagged=tagged).order_by(
        "place__name_en", "-priority", "id")


def expertise_list(*, viewer: Viewer, place: Place | None = None, theme: str = "",
                   tagged: bool | None = None) -> QuerySet[Expertise]:
    return _statements(Expertise, viewer=viewer, place=place, theme=theme, tagged=tagged).order_by(
        "place__name_en", "-maturity", "id")


def dashboard_counts(*, viewer: Viewer) -> dict[str, int]:
    places = visible_places(viewer)
    return {
        "places": places.filter(level="city").count(),
        "countries": places.values("country").distinct().count(),
        "organisations": Organisation.objects.count(),
        "themes": Theme.objects.count(),
        "needs": Need.objects.filter(place__in=places).count(),
        "expertise": Expertise.objects.filter(place__in=places).count(),
    }


def need_get(*, viewer: Viewer, pk: int) -> Need:
    need = need_list(viewer=viewer).filter(pk=pk).first()
    if need is None:
        raise NotFound(_("No such need."), field="id")
    return need


def expertise_get(*, viewer: Viewer, pk: int) -> Expertise:
    expertise = expertise_list(viewer=viewer).filter(pk=pk).first()
    if expertise is None:
        raise NotFound(_("No such expertise."), field="id")
    return expertise


# --- start page ("my work") -------------------------------------------------------------------

STALE_NEED_DAYS = 365  # a need nobody has looked at for a year may no longer be the city's need

# What a complete profile has: each item one point of the completeness percentage.
PROFILE_ITEMS = ("population", "coordinates", "summary", "website", "hazards", "needs", "expertise")


@dataclass(frozen=True)
class OwnPlace:
    place: Place
    completeness: int  # percent of PROFILE_ITEMS present
    missing: tuple[str, ...]
    stale_needs: int


def own_places(viewer: Viewer, *, today=None) -> list[OwnPlace]:
    """The places the viewer acts for, each with how complete its profile is and how many of its
    needs nobody has updated for STALE_NEED_DAYS days. One query, whatever the number of places."""
    from datetime import timedelta

    from django.utils import timezone

    now = today or timezone.now()
    stale_before = now - timedelta(days=STALE_NEED_DAYS)
    places = (Place.objects.filter(pk__in=represented_place_ids(viewer))
              .annotate(need_n=Count("needs", distinct=True), expertise_n=Count("expertise", distinct=True),
                        stale_n=Count("needs", filter=Q(needs__updated_at__lt=stale_before), distinct=True))
              .order_by(*name_order()))
    out = []
    for place in places:
        present = {"population": place.population is not None,
                   "coordinates": place.latitude is not None and place.longitude is not None,
                   "summary": any(str(v or "").strip() for v in (place.summary or {}).values()),
                   "website": bool(place.website), "hazards": bool(place.hazards),
                   "needs": place.need_n > 0, "expertise": place.expertise_n > 0}
        missing = tuple(item for item in PROFILE_ITEMS if not present[item])
        out.append(OwnPlace(place, round(100 * (len(PROFILE_ITEMS) - len(missing)) / len(PROFILE_ITEMS)), missing,
                            place.stale_n))
    return out
