"""Reads of the connected population: individual records for the place's focal points and
administrators only (never anyone who withdrew consent), and the dashboard — exact for them,
protected against small counts and differencing for everyone else. The dashboard reads the
per-place tallies the services keep, so it costs the same for ten people or a million."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from renkei.connections.models import ConnectedPerson, Consent, Kind, Scope, Stage, Tally
from renkei.connections.permissions import can_manage_people
from renkei.connections.regions import where_label
from renkei.connections.services import window_start
from renkei.connections.suppression import suppress_funnel, suppress_parts, suppress_series, total_publishable
from renkei.core.errors import NotAllowed, NotFound
from renkei.places.models import Place
from renkei.places.permissions import can_view_place


def place_get(*, viewer, slug: str) -> Place:
    place = Place.objects.filter(slug=slug).first()
    if place is None or not can_view_place(viewer, place):
        raise NotFound(_("No such place."), field="place")
    return place


def _check(viewer, place: Place) -> None:
    if not can_manage_people(viewer, place):
        raise NotAllowed(_("Only the place's focal points and administrators may see its connected people."))


def _contact_allowed():
    """Whether a consent not withdrawn allows contacting the person (``ConnectedPerson.may_contact``)."""
    return Exists(Consent.objects.filter(person=OuterRef("pk"), scope=Scope.CONTACT, withdrawn_at__isnull=True))


def people_list(*, viewer, place: Place, search: str = "", kind: str | None = None,
                contactable: bool | None = None) -> QuerySet[ConnectedPerson]:
    """The place's connected people who have not withdrawn consent; with ``contactable``, only those a
    consent still allows contacting (True) or only those none does (False)."""
    _check(viewer, place)
    qs = ConnectedPerson.objects.filter(place=place, withdrawn_at__isnull=True).annotate(
        contact_allowed=_contact_allowed())
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(reference=search) | Q(email__iexact=search))
    if kind:
        qs = qs.filter(kind=kind)
    if contactable is not None:
        qs = qs.filter(contact_allowed=contactable)
    return qs.select_related("activity", "partnership").order_by("name", "id")


def withdrawn_list(*, viewer, place: Place) -> QuerySet[ConnectedPerson]:
    """Those who withdrew: not used any more, waiting only to be exported or erased."""
    _check(viewer, place)
    return ConnectedPerson.objects.filter(place=place, withdrawn_at__isnull=False).order_by("withdrawn_at", "id")


def person_get(*, viewer, pk: int, withdrawn: bool = False) -> ConnectedPerson:
    """One person, for those who may see them; one who withdrew only when ``withdrawn`` (for export and
    erasure)."""
    person = (ConnectedPerson.objects.select_related("place", "activity", "partnership")
              .annotate(contact_allowed=_contact_allowed()).filter(pk=pk).first())
    if person is None or (person.withdrawn_at is not None and not withdrawn):
        raise NotFound(_("No such connected person."), field="person")
    _check(viewer, person.place)
    return person


# --- the dashboard --------------------------------------------------------------------------------


@dataclass
class Cell:
    key: str
    label: str
    count: int | None  # None: withheld (fewer than 5, or would let one be worked out)


@dataclass
class Movement:
    """One kind of move between engagement stages (``from_stage`` 0: joined at ``to_stage``), per year."""

    from_stage: int
    to_stage: int
    label: str
    counts: list[int | None]  # per year of Dashboard.movement_years; None: withheld
    total: int | None


@dataclass
class Dashboard:
    place: Place
    exact: bool
    as_of: date
    total: int | None
    active: int | None
    active_share: float | None
    by_kind: list[Cell]
    where: list[Cell]
    funnel: list[Cell]
    years: list[int]
    over_time: dict[str, list[int | None]] = field(default_factory=dict)  # kind → cumulative per year
    sample: bool = False  # some of the people counted are invented sample records
    movement_years: list[int] = field(default_factory=list)
    movement: list[Movement] = field(default_factory=list)  # moves between stages per year

    def movement_rows(self) -> list[dict]:
        return [{"year": year, "move": move.label, "count": move.counts[i]}
                for move in self.movement for i, year in enumerate(self.movement_years)]

    def over_time_rows(self) -> list[dict]:
        labels = dict(Kind.choices)
        return [{"year": year, "kind": str(labels.get(kind, kind)), "count": values[i]}
                for kind, values in self.over_time.items() for i, year in enumerate(self.years)]


def dashboard(*, viewer, place: Place, today: date | None = None) -> Dashboard:
    """The place's connected population in figures. Its focal points and administrators see exact counts;
    everyone else sees them protected (``suppression``): no count from 1 to 4 is shown or can be worked
    out from those shown."""
    today = today or timezone.localdate()
    exact = can_manage_people(viewer, place)
    tallies: dict[str, dict[str, int]] = defaultdict(dict)
    for dimension, key, count in Tally.objects.filter(place=place, count__gt=0).values_list(
            "dimension", "key", "count"):
        tallies[dimension][key] = count
    stages = {int(k): v for k, v in tallies["stage"].items()}
    total = sum(stages.values())
    since = window_start(today).strftime("%Y-%m")
    active = sum(n for key, n in tallies["contact"].items() if key != "none" and key >= since)

    kinds: dict[str, int] = {k: 0 for k in Kind.values}
    joined: dict[str, dict[int, int]] = defaultdict(dict)
    for key, n in tallies["joined"].items():
        kind, year = key.split(":")
        kinds[kind] = kinds.get(kind, 0) + n
        joined[kind][int(year)] = n
    first = min((y for per in joined.values() for y in per), default=today.year)
    years = list(range(first, today.year + 1))
    cumulative = {}
    for kind in Kind.values:
        if kinds.get(kind):
            running, series = 0, []
            for year in years:
                running += joined[kind].get(year, 0)
                series.append(running)
            cumulative[kind] = series
    reached = [sum(n for s, n in stages.items() if s >= stage) for stage in Stage.values]
    where = dict(sorted(tallies["where"].items(), key=lambda item: (-item[1], item[0])))
    labels = dict(Kind.choices)

    if exact:
        shown_total, shown_active = total, active
        kind_counts = dict(kinds)
        over_time = cumulative
        funnel = reached
        where_cells = [Cell(key, where_label(key), n) for key, n in where.items()]
    else:
        breakdowns = [kinds, where, {"active": active, "inactive": total - active},
                      {str(s): n for s, n in stages.items()}]
        publishable = all(total_publishable(total, parts) for parts in breakdowns)
        shown_total = total if publishable else None
        if not publishable:
            total = 0 if total == 0 else -1  # below 0: suppress_parts withholds every part
        activity = suppress_parts(total, {"active": active, "inactive": total - active})
        shown_active = activity["active"] if activity["inactive"] is not None else None
        kind_counts = suppress_parts(total, kinds)
        over_time = {kind: (suppress_series(series) if kind_counts.get(kind) is not None else [None] * len(series))
                     for kind, series in cumulative.items()}
        funnel = suppress_funnel(reached) if shown_total is not None else [None] * len(reached)
        protected = suppress_parts(total, where)
        where_cells = [Cell(key, where_label(key), n) for key, n in protected.items() if n is not None]
        withheld = sum(n for key, n in where.items() if protected[key] is None)
        if withheld and shown_total is not None:
            where_cells.append(Cell("other", where_label("other"), withheld))
    movement_years, movement = _movement(tallies["moved"], exact=exact, publishable=shown_total is not None)
    share = round(100 * shown_active / shown_total, 1) if shown_active is not None and shown_total else None
    return Dashboard(
        place=place, exact=exact, as_of=today, total=shown_total, active=shown_active, active_share=share,
        by_kind=[Cell(kind, str(labels[kind]), kind_counts.get(kind)) for kind in Kind.values
                 if kinds.get(kind) or exact],
        where=where_cells,
        funnel=[Cell(str(stage), str(label), funnel[i]) for i, (stage, label) in enumerate(Stage.choices)],
        years=years, over_time=over_time, sample=bool(tallies["sample"]), movement_years=movement_years,
        movement=movement)


def move_label(from_stage: int, to_stage: int) -> str:
    labels = dict(Stage.choices)
    if not from_stage:
        return _("Joined as %(stage)s") % {"stage": labels[to_stage]}
    return f"{labels[from_stage]} → {labels[to_stage]}"


def _movement(moved: dict[str, int], *, exact: bool, publishable: bool) -> tuple[list[int], list[Movement]]:
    """Moves between stages per year, from the ``moved`` tallies. Exact for the place's managers. For
    everyone else only moves between stages (not the stage people joined at, whose sums would lead back
    to the withheld stage counts), each move's years protected as parts of its total across the years
    (``suppress_parts``): no cell from 1 to 4, none that its total and the other cells would give away."""
    per: dict[tuple[int, int], dict[int, int]] = defaultdict(dict)
    for key, n in moved.items():
        year, before, after = (int(part) for part in key.split(":"))
        if not exact and not before:
            continue
        if before not in (0, *Stage.values) or after not in Stage.values:
            continue
        per[(before, after)][year] = n
    years = sorted({year for counts in per.values() for year in counts})
    if years:
        years = list(range(years[0], years[-1] + 1))
    out = []
    for (before, after), counts in sorted(per.items()):
        total = sum(counts.values())
        if exact:
            shown, shown_total = {year: counts.get(year, 0) for year in years}, total
        elif not publishable:
            shown, shown_total = {year: None for year in years}, None
        else:
            shown = suppress_parts(total, {str(year): counts.get(year, 0) for year in years})
            shown = {year: shown[str(year)] for year in years}
            shown_total = total if total_publishable(total, {str(y): counts.get(y, 0) for y in years}) else None
        out.append(Movement(before, after, move_label(before, after), [shown[year] for year in years], shown_total))
    return years, out
