"""The start page of a signed-in user ("my work"): per role they hold, what needs them, with counts
and links. Every number comes from the selectors of the app that owns the data; this module only
puts them side by side, in the order a role works, for the page (``web/my_work.html``) and the API
(``GET /api/v1/me/work``). Each section costs a fixed number of queries, whatever the data."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Count
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _

from renkei.accounts.models import Role, RoleGrant
from renkei.accounts.permissions import ROLE_ORDER, represented_place_ids, role_names, roles_of
from renkei.activities import selectors as activities
from renkei.core.text import pick_language
from renkei.evaluation import selectors as evaluation
from renkei.knowledge import selectors as knowledge
from renkei.matching import selectors as matching
from renkei.networks import selectors as networks
from renkei.partnerships import selectors as partnerships
from renkei.places import selectors as places
from renkei.programmes import selectors as programmes
from renkei.programmes.models import Call


@dataclass
class Item:
    key: str
    label: str
    count: int | None
    url: str
    note: str = ""
    attention: bool = False  # a count that asks for action (not merely informs)


@dataclass
class Section:
    role: str
    title: str
    items: list[Item] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def my_work(user) -> list[Section]:
    """The sections for each role the user holds (administrators: every role's, plus users and roles)."""
    held = roles_of(user)
    admin = Role.ADMINISTRATOR in held
    sections = []
    if Role.FOCAL_POINT in held and represented_place_ids(user):
        sections.append(_focal_point(user))
    if admin or Role.PROGRAMME_OFFICER in held:
        sections.append(_officer(user))
    if admin or Role.REVIEWER in held:
        sections.append(_reviewer(user))
    if admin or Role.KNOWLEDGE_MANAGER in held:
        sections.append(_knowledge_manager(user))
    if admin or Role.EVALUATOR in held:
        sections.append(_evaluator(user))
    if admin or Role.NETWORK_SECRETARIAT in held:
        sections.append(_secretariat(user))
    if admin:
        sections.append(_administrator())
    return sections


def _date(value) -> str:
    return formats.date_format(value, "DATE_FORMAT") if value else ""


def _call_title(call: Call) -> str:
    return pick_language(call.title)


# --- focal point ------------------------------------------------------------------------------

def _focal_point(user) -> Section:
    section = Section(Role.FOCAL_POINT, _("My places"))
    own = places.own_places(user)
    labels = {"population": _("population"), "coordinates": _("coordinates"), "summary": _("profile summary"),
              "website": _("website"), "hazards": _("hazards"), "needs": _("needs"), "expertise": _("expertise")}
    for row in own:
        notes = []
        if row.missing:
            notes.append(_("missing: %(items)s") % {"items": ", ".join(labels[m] for m in row.missing)})
        if row.stale_needs:
            notes.append(_("%(n)s needs not updated for a year") % {"n": row.stale_needs})
        section.items.append(Item(
            f"place:{row.place.slug}", _("%(place)s — profile %(percent)s%% complete")
            % {"place": row.place.name, "percent": row.completeness},
            row.stale_needs or None,  # the count, when there is one, is of needs to look at again
            reverse("places:place", args=[row.place.slug]), "; ".join(notes),
            attention=bool(row.stale_needs or row.missing)))
    place_ids = [row.place.pk for row in own]
    calls = programmes.focal_point_work(user)
    nxt = calls["next_call"]
    section.items.append(Item(
        "open_calls", _("Open calls to apply to"), calls["open_calls"],
        reverse("programmes:call", args=[nxt.slug]) if nxt else reverse("programmes:list"),
        _("next: %(call)s, closes %(date)s") % {"call": _call_title(nxt), "date": _date(nxt.closes_at)} if nxt else "",
        attention=bool(calls["open_calls"])))
    draft = calls["first_draft"]
    section.items.append(Item(
        "draft_applications", _("Draft applications"), calls["drafts"],
        reverse("programmes:apply", args=[draft.call.slug, draft.place.slug]) if draft else reverse("programmes:list"),
        _call_title(draft.call) if draft else "", attention=bool(calls["drafts"])))
    work = partnerships.focal_point_work(user)
    first = work["first"]
    section.items.append(Item(
        "partnerships", _("My partnerships"), work["partnerships"],
        reverse("partnerships:detail", args=[first.slug]) if work["partnerships"] == 1 and first
        else reverse("partnerships:list")))
    for milestone in work["milestones"]:
        partnership = milestone.action.objective.partnership
        section.items.append(Item(
            f"milestone:{milestone.pk}", _("Milestone due %(date)s: %(title)s")
            % {"date": _date(milestone.due_on), "title": pick_language(milestone.title)},
            None, reverse("partnerships:detail", args=[partnership.slug]), pick_language(partnership.title)))
    requests = knowledge.matching_requests(user, place_ids)
    section.items.append(Item(
        "matching_requests", _("Knowledge requests that match our expertise"), requests["count"],
        reverse("knowledge:request", args=[requests["first"]]) if requests["count"] == 1
        else reverse("knowledge:requests") + "?status=open", attention=bool(requests["count"])))
    suggestions = matching.unanswered_suggestions(viewer=user, place_ids=place_ids)
    slug = next((row.place.slug for row in own if row.place.pk == suggestions["place_id"]),
                own[0].place.slug if own else "")
    section.items.append(Item(
        "suggested_partners", _("Suggested partners not yet answered"), suggestions["count"],
        reverse("matching:find", args=[slug]) if slug else reverse("matching:start"),
        attention=bool(suggestions["count"])))
    return section


# --- programme officer ------------------------------------------------------------------------

def _officer(user) -> Section:
    section = Section(Role.PROGRAMME_OFFICER, _("My programmes"))
    work = programmes.officer_work(user)
    by_status = work["calls_by_status"]
    for status in Call.Status:
        section.items.append(Item(f"calls_{status.value}", _("Calls: %(status)s") % {"status": status.label},
                                  by_status.get(status.value, 0), reverse("programmes:list")))
    for call in work["deadlines"]:
        section.items.append(Item(
            f"deadline:{call.slug}", _("Deadline %(date)s: %(call)s") % {"date": _date(call.closes_at),
                                                                         "call": _call_title(call)},
            None, reverse("programmes:call", args=[call.slug])))
    waiting = work["first_awaiting"]
    section.items.append(Item(
        "awaiting_reviewers", _("Applications waiting for reviewers"), work["awaiting_reviewers"],
        reverse("programmes:committee", args=[waiting.call.slug]) if waiting else reverse("programmes:list"),
        attention=bool(work["awaiting_reviewers"])))
    divergent = work["first_divergent"]
    section.items.append(Item(
        "divergent_scores", _("Applications with divergent scores"), work["divergent"],
        reverse("programmes:committee", args=[divergent.call.slug]) if divergent else reverse("programmes:list"),
        attention=bool(work["divergent"])))
    programme_ids = programmes._officer_programmes(user).values("pk")
    health = partnerships.officer_work(user, programme_ids)
    health_url = (reverse("partnerships:programme-health", args=[health["programme"]]) if health["programme"]
                  else reverse("partnerships:list"))
    section.items.append(Item("live_partnerships", _("Live partnerships"), health["live"],
                              reverse("partnerships:list")))
    section.items.append(Item("dormant_partnerships", _("Dormant partnerships"), health["dormant"],
                              health_url + ("?dormant=1" if health["programme"] else ""),
                              attention=bool(health["dormant"])))
    section.items.append(Item("single_focal_point", _("Partnerships that hang on one person"),
                              health["single_focal_point"], health_url + ("?single=1" if health["programme"] else ""),
                              attention=bool(health["single_focal_point"])))
    coming = activities.upcoming(user)
    first = coming.order_by("starts_at").first()
    section.items.append(Item(
        "upcoming_activities", _("Upcoming learning activities"), coming.count(),
        reverse("activities:detail", args=[first.slug]) if first else reverse("activities:calendar"),
        _("next: %(title)s, %(date)s") % {"title": pick_language(first.title), "date": _date(first.starts_at)}
        if first else ""))
    return section


# --- reviewer ---------------------------------------------------------------------------------

def _reviewer(user) -> Section:
    section = Section(Role.REVIEWER, _("My reviews"))
    work = programmes.reviewer_work(user)
    reviews = reverse("programmes:reviews")
    section.items.append(Item(
        "awaiting_conflict", _("Waiting for a conflict declaration"), work["conflict"],
        reverse("programmes:review", args=[work["next_conflict"]]) if work["next_conflict"] else reviews,
        attention=bool(work["conflict"])))
    section.items.append(Item(
        "awaiting_scores", _("Waiting for scores"), work["scores"],
        reverse("programmes:review", args=[work["next_scores"]]) if work["next_scores"] else reviews,
        attention=bool(work["scores"])))
    section.items.append(Item("reviews_done", _("Done"), work["done"], reverse("programmes:reviews")))
    return section


# --- knowledge manager ------------------------------------------------------------------------

def _knowledge_manager(user) -> Section:
    section = Section(Role.KNOWLEDGE_MANAGER, _("The library"))
    work = knowledge.manager_work(user)
    first = work["first_draft"]
    section.items.append(Item(
        "drafts_to_publish", _("Drafts to publish"), work["drafts"],
        reverse("knowledge:product", args=[first]) if work["drafts"] == 1 and first
        else reverse("knowledge:library"), attention=bool(work["drafts"])))
    section.items.append(Item("index_missing", _("Products not yet in the search index"), work["index_missing"],
                              reverse("knowledge:index"), attention=bool(work["index_missing"])))
    section.items.append(Item("index_stale", _("Index entries made by another encoder"), work["index_stale"],
                              reverse("knowledge:index"), attention=bool(work["index_stale"])))
    section.items.append(Item("unanswered_requests", _("Unanswered knowledge requests"), work["unanswered"],
                              reverse("knowledge:requests") + "?status=open", attention=bool(work["unanswered"])))
    return section


# --- evaluator --------------------------------------------------------------------------------

def _evaluator(user) -> Section:
    """Each count links to an evaluation of its kind (the portfolio across programmes is the
    administrators'); with none of a kind, to the rubric every evaluation is scored on."""
    section = Section(Role.EVALUATOR, _("My evaluations"))
    work = evaluation.evaluator_work(user)
    rubric = reverse("evaluation:rubric")

    def link(found) -> str:
        return reverse("evaluation:evaluation", args=[found.pk]) if found else rubric

    section.items.append(Item("evaluations_open", _("Evaluations to carry out"), work["open"], link(work["next"]),
                              attention=bool(work["open"])))
    section.items.append(Item("evaluations_submitted", _("Submitted, not yet published"), work["submitted"],
                              link(work["last_submitted"])))
    section.items.append(Item("evaluations_published", _("Published"), work["published"],
                              link(work["last_published"])))
    return section


# --- network secretariat ----------------------------------------------------------------------

def _secretariat(user) -> Section:
    section = Section(Role.NETWORK_SECRETARIAT, _("My networks"))
    for row in networks.secretariat_work(user):
        network = row["network"]
        section.items.append(Item(
            f"arrears:{network.slug}", _("%(network)s: members in arrears") % {"network": network.name},
            row["arrears"], reverse("networks:dues", args=[network.slug]), attention=bool(row["arrears"])))
        section.items.append(Item(
            f"meeting:{network.slug}", _("%(network)s: next meeting") % {"network": network.name}, None,
            reverse("networks:detail", args=[network.slug]),
            _date(row["next_meeting"]) if row["next_meeting"] else _("none planned")))
    return section


# --- administrator ----------------------------------------------------------------------------

def _administrator() -> Section:
    section = Section(Role.ADMINISTRATOR, _("Users and roles"))
    users = get_user_model().objects
    section.items.append(Item("users", _("Active users"), users.filter(is_active=True).count(),
                              reverse("admin:accounts_user_changelist")))
    by_role = dict(RoleGrant.objects.values_list("role").annotate(n=Count("id")).values_list("role", "n"))
    for role in ROLE_ORDER:
        section.items.append(Item(f"role_{role.value}", str(role.label), by_role.get(role.value, 0),
                                  reverse("admin:accounts_user_changelist") + f"?role_grants__role={role.value}"))
    return section


def signed_in_as(user) -> dict:
    """Who is signed in: the name the header shows and the roles, as codes and in the active language."""
    return {"username": user.get_username(), "name": str(user),
            "roles": [role.value for role in ROLE_ORDER if role in roles_of(user)], "role_names": role_names(user)}
