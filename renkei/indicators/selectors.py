"""Reads of the catalogue, of values and their history, of peer groups, and the benchmark of a
place against a group (what a viewer may see: values of the places they may see are public)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from django.db.models import Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from renkei.accounts.models import Role
from renkei.accounts.permissions import has_role
from renkei.core.errors import ApplicationError, NotFound
from renkei.indicators.benchmarking import DEFAULT_WINDOW, MIN_PEERS, Ranked, latest_values, rank_all
from renkei.indicators.inputs import CriteriaIn
from renkei.indicators.models import Framework, Indicator, PeerGroup, Revision, Value
from renkei.places.models import Place
from renkei.places.selectors import name_key, visible_places

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from renkei.accounts.models import User

    Viewer = User | AnonymousUser


# --- the catalogue ----------------------------------------------------------------------------------

def framework_list() -> QuerySet[Framework]:
    return Framework.objects.prefetch_related("classes")


def indicator_list(*, q: str = "", framework: str = "", theme: str = "", custom: bool | None = None,
                   classification: str = "") -> QuerySet[Indicator]:
    qs = Indicator.objects.prefetch_related("frameworks", "themes", "classes__framework")
    if q:
        qs = qs.filter(Q(code__icontains=q) | Q(name__icontains=q))
    if framework:
        qs = qs.filter(frameworks__code=framework)
    if theme:
        qs = qs.filter(themes__code=theme)
    if classification:
        framework_code, _sep, code = classification.partition(":")
        qs = qs.filter(classes__framework__code=framework_code, classes__code=code)
    if custom is not None:
        qs = qs.filter(custom=custom)
    return qs.distinct()


def indicator_get(*, code: str) -> Indicator:
    indicator = indicator_list().filter(code=code).first()
    if indicator is None:
        raise NotFound(_("No such indicator."), field="code")
    return indicator


# --- values -------------------------------------------------------------------------------------------

def value_list(*, viewer: Viewer, place: Place | None = None, indicator: Indicator | None = None,
               year: int | None = None) -> QuerySet[Value]:
    """Values of the places the viewer may see (public statistics)."""
    qs = Value.objects.select_related("place", "indicator", "entered_by").filter(
        place__in=visible_places(viewer))
    if place is not None:
        qs = qs.filter(place=place)
    if indicator is not None:
        qs = qs.filter(indicator=indicator)
    if year is not None:
        qs = qs.filter(year=year)
    return qs


def value_get(*, viewer: Viewer, pk: int) -> Value:
    value = value_list(viewer=viewer).filter(pk=pk).first()
    if value is None:
        raise NotFound(_("No such value."), field="pk")
    return value


def value_history(*, viewer: Viewer, value: Value) -> QuerySet[Revision]:
    """The earlier values of a value, newest first (the value itself must be visible)."""
    value_get(viewer=viewer, pk=value.pk)
    return Revision.objects.filter(current=value).select_related("entered_by")


# --- peer groups --------------------------------------------------------------------------------------

def peer_group_list(*, viewer: Viewer) -> QuerySet[PeerGroup]:
    """Shared groups and the viewer's own (administrators see all)."""
    qs = PeerGroup.objects.select_related("owner")
    if has_role(viewer, Role.ADMINISTRATOR):
        return qs
    if getattr(viewer, "pk", None):
        return qs.filter(Q(shared=True) | Q(owner=viewer))
    return qs.filter(shared=True)


def peer_group_get(*, viewer: Viewer, slug: str) -> PeerGroup:
    group = peer_group_list(viewer=viewer).filter(slug=slug).first()
    if group is None:
        raise NotFound(_("No such peer group."), field="group")
    return group


@dataclass(frozen=True)
class GroupSpec:
    """A peer group to resolve: a saved one, or an ad-hoc one read from a page's address."""

    kind: str = "similar"
    criteria: CriteriaIn = field(default_factory=CriteriaIn)
    places: tuple[str, ...] = ()
    saved: PeerGroup | None = None

    @classmethod
    def of(cls, group: PeerGroup) -> GroupSpec:
        return cls(kind=group.kind, criteria=CriteriaIn.model_validate(group.criteria),
                   places=tuple(group.places.values_list("slug", flat=True)), saved=group)


def _filtered(viewer: Viewer, criteria: CriteriaIn) -> QuerySet[Place]:
    qs = visible_places(viewer)
    if criteria.countries:
        qs = qs.filter(country__in=[c.upper() for c in criteria.countries])
    if criteria.region:
        qs = qs.filter(Q(parent__slug=criteria.region) | Q(parent__parent__slug=criteria.region))
    if criteria.levels:
        qs = qs.filter(level__in=criteria.levels)
    if criteria.min_population is not None:
        qs = qs.filter(population__gte=criteria.min_population)
    if criteria.max_population is not None:
        qs = qs.filter(population__lte=criteria.max_population)
    if criteria.income_groups:
        qs = qs.filter(income_group__in=criteria.income_groups)
    if criteria.themes:
        qs = qs.filter(Q(needs__theme__code__in=criteria.themes) | Q(expertise__theme__code__in=criteria.themes))
    return qs.distinct()


def group_place_ids(*, viewer: Viewer, spec: GroupSpec, place: Place) -> list[int]:
    """The ids of the group's places the viewer may see, in a stable order (the place itself
    included only if the group names it)."""
    criteria = spec.criteria
    if spec.kind == "list":
        return list(visible_places(viewer).filter(slug__in=spec.places).order_by("pk").values_list("pk", flat=True))
    if spec.kind == "cohort":
        from renkei.programmes.models import Application
        from renkei.programmes.permissions import can_manage_programme
        from renkei.programmes.selectors import programme_list

        programme = programme_list(viewer=viewer).filter(slug=criteria.programme or "").first()
        if programme is None:
            raise NotFound(_("No such programme."), field="programme")
        applications = Application.objects.filter(call__programme=programme)
        # who applied is the programme's business; who was selected is public
        if criteria.selected_only or not can_manage_programme(viewer, programme):
            applications = applications.filter(status=Application.Status.SELECTED)
        else:
            applications = applications.exclude(status=Application.Status.DRAFT)
        ids = applications.values("place_id")
        return list(visible_places(viewer).filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))
    if spec.kind == "similar":
        from renkei.matching.services import MatchRequest, match_find

        anchor = place
        if criteria.place and criteria.place != place.slug:
            anchor = visible_places(viewer).filter(slug=criteria.place).first()
            if anchor is None:
                raise NotFound(_("No such place."), field="place")
        request = MatchRequest(preset="peer", countries=tuple(criteria.countries), levels=(anchor.level,),
                               min_population=criteria.min_population, max_population=criteria.max_population,
                               exclude_partners=False, top=criteria.top)
        found = match_find(viewer=viewer, place=anchor, request=request, save=False)
        ids = [m.place.pk for m in found.results]
        if anchor.pk != place.pk:
            ids.append(anchor.pk)
        return ids
    return list(_filtered(viewer, criteria).order_by("pk").values_list("pk", flat=True))


# --- the benchmark ------------------------------------------------------------------------------------

@dataclass
class Benchmark:
    place: Place
    spec: GroupSpec
    members: list[Place]  # the peers (the place excluded), by name
    first_year: int
    last_year: int
    rows: list[tuple[Indicator, Ranked]]
    selected: Indicator | None = None
    distribution: list[tuple[Place, float | None, int | None]] = field(default_factory=list)
    series: list[tuple[int, float | None, float | None]] = field(default_factory=list)  # year, own, peers' median
    min_peers: int = MIN_PEERS

    @property
    def ranked(self) -> list[tuple[Indicator, Ranked]]:
        return [(i, r) for i, r in self.rows if r.status == "ranked"]


def reference_year(place: Place) -> int:
    """The latest year the place has a yearly total for, else this year."""
    latest = Value.objects.filter(place=place, period="", disaggregation="").aggregate(y=Max("year"))["y"]
    return latest or timezone.now().year


def benchmark(*, viewer: Viewer, place: Place, spec: GroupSpec, year: int | None = None,
              window: int = DEFAULT_WINDOW, indicator: str = "") -> Benchmark:
    """The place's percentile rank on each indicator among the group's places (latest value of each
    within the window of years ending at ``year``), the distribution and time series of one
    indicator (``indicator``, else the first ranked one)."""
    if not 1 <= window <= 50:
        raise ApplicationError(_("The window must be from 1 to 50 years."), field="window")
    if year is not None and not 1900 <= year <= 2100:
        raise ApplicationError(_("must be between the years 1900 and 2100"), field="year")
    last = year or reference_year(place)
    first = last - window + 1
    ids = [pk for pk in group_place_ids(viewer=viewer, spec=spec, place=place) if pk != place.pk]
    latest = latest_values([place.pk, *ids], first, last)
    present = sorted(set(latest.indicator.tolist()))
    indicators = {i.pk: i for i in Indicator.objects.filter(pk__in=present).order_by("code")}
    directions = {pk: indicators[pk].direction for pk in sorted(indicators, key=lambda k: _code_key(indicators[k]))}
    results = rank_all(latest, place.pk, directions)
    members = sorted(Place.objects.filter(pk__in=ids).only("slug", "name_en", "name_ja", "name_ja_reading", "country",
                                                           "population"), key=name_key())
    bench = Benchmark(place=place, spec=spec, members=members, first_year=first, last_year=last,
                      rows=[(indicators[r.indicator_id], r) for r in results])
    chosen = next((i for i, _r in bench.rows if i.code == indicator), None) if indicator else None
    if indicator and chosen is None:
        chosen = Indicator.objects.filter(code=indicator).first()
        if chosen is None:
            raise NotFound(_("No such indicator."), field="indicator")
    chosen = chosen or next((i for i, _r in bench.ranked), None) or next((i for i, _r in bench.rows), None)
    if chosen is not None:
        bench.selected = chosen
        rows = latest.indicator == chosen.pk
        by_place = dict(zip(latest.place[rows].tolist(),
                            zip(latest.value[rows].tolist(), latest.year[rows].tolist(), strict=True), strict=True))
        bench.distribution = [(p, *by_place.get(p.pk, (None, None))) for p in [place, *members]]
        history = np.array(Value.objects.filter(indicator=chosen, place_id__in=[place.pk, *ids], period="",
                                                disaggregation="").values_list("place_id", "year", "value"),
                           dtype=np.float64).reshape(-1, 3)
        years = sorted(set(history[:, 1].astype(int).tolist()))
        series = []
        for y in years:
            at = history[history[:, 1] == y]
            own = at[at[:, 0] == place.pk][:, 2]
            peers = at[at[:, 0] != place.pk][:, 2]
            series.append((y, float(own[0]) if own.size else None, float(np.median(peers)) if peers.size else None))
        bench.series = series
    return bench


def _code_key(indicator: Indicator) -> tuple:
    """Catalogue order: 11.2.1 before 11.10.1, A-2 before A-10."""
    import re

    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"[.\-]", indicator.code))


def spec_from_query(*, viewer: Viewer, query) -> GroupSpec:
    """The peer group a page's address names: ``group=<slug>`` (a saved one), or an ad-hoc one —
    ``kind=filter`` with ``country``, ``region``, ``level``, ``income``, ``theme`` (repeatable),
    ``min_population``, ``max_population``; ``kind=list`` with ``places=a,b,c``; ``kind=cohort`` with
    ``programme`` (and ``selected=1``); ``kind=similar`` (the default) with ``top`` and ``country``."""
    from renkei.core.inputs import parse

    if query.get("group"):
        return GroupSpec.of(peer_group_get(viewer=viewer, slug=query.get("group")))
    kind = query.get("kind") or "similar"
    if kind not in {"filter", "list", "cohort", "similar"}:
        raise ApplicationError(_("choose one of: filter, list, cohort, similar"), field="kind")

    def many(name: str) -> list[str]:
        return [v for raw in query.getlist(name) for v in raw.split(",") if v.strip()]

    raw = {"countries": many("country"), "levels": many("level"), "income_groups": many("income"),
           "themes": many("theme")}
    for name, key in (("region", "region"), ("programme", "programme"), ("place", "place")):
        if query.get(key):
            raw[name] = query.get(key)
    for name in ("min_population", "max_population", "top"):
        if query.get(name):
            raw[name] = query.get(name)
    if query.get("selected") in {"1", "true", "on"}:
        raw["selected_only"] = True
    criteria = parse(CriteriaIn, {k: v for k, v in raw.items() if v not in ([], None)})
    return GroupSpec(kind=kind, criteria=criteria, places=tuple(many("places")))
