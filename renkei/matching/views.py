"""Find partners (per place) and pair a cohort."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from renkei.core.errors import ApplicationError, NotAllowed
from renkei.engine.types import COMPONENTS, DEFAULT_PRESET, PRESETS, score_band, score_points
from renkei.matching import selectors, services
from renkei.matching.models import MatchRun
from renkei.places.models import Place
from renkei.places.selectors import PlaceFilters, country_choices, place_get, place_list, visible_places
from renkei.places.validation import country_label as country_name
from renkei.ui import worldmap
from renkei.ui.actions import perform, signed_in_post
from renkei.ui.pagecache import for_visitors
from renkei.ui.widgets import ChipPicker

COMPONENT_LABELS = {
    "expertise": gettext_lazy("Their expertise for your needs"),
    "reverse": gettext_lazy("Your expertise for their needs"),
    "mutual": gettext_lazy("Both learn"),
    "peer": gettext_lazy("Similar place"),
    "shared_needs": gettext_lazy("Same challenges"),
    "text": gettext_lazy("Similar wording"),
    "offer_text": gettext_lazy("Their needs in words like your expertise"),
    "distance": gettext_lazy("Nearby"),
    "language": gettext_lazy("Shared language"),
    "ties": gettext_lazy("Existing ties"),
}
BAND_LABELS = {"strong": gettext_lazy("strong fit"), "good": gettext_lazy("good fit"),
               "partial": gettext_lazy("partial fit"), "weak": gettext_lazy("weak fit")}


def scored(score: float) -> dict:
    """A score as every page shows it: 0–100 with its band."""
    band = score_band(score)
    return {"points": score_points(score), "band": band, "band_label": BAND_LABELS[band]}


PRESET_LABELS = {"either": gettext_lazy("Either way: they help us or we help them"),
                 "expertise": gettext_lazy("Who can help us"), "peer": gettext_lazy("Cities like us"),
                 "mutual": gettext_lazy("Learn from each other"), "offer": gettext_lazy("Who needs what we offer")}


class FindForm(forms.Form):
    preset = forms.ChoiceField(choices=[(k, PRESET_LABELS[k]) for k in PRESETS], initial=DEFAULT_PRESET,
                               widget=forms.RadioSelect)
    custom = forms.BooleanField(required=False, label=gettext_lazy("Set my own weights"))
    exclude_country = forms.MultipleChoiceField(required=False, label=gettext_lazy("Leave out countries"),
                                                widget=ChipPicker)
    min_population = forms.IntegerField(required=False, min_value=0, label=gettext_lazy("Population from"))
    max_population = forms.IntegerField(required=False, min_value=0, label=gettext_lazy("Population to"))
    top = forms.IntegerField(initial=10, min_value=1, max_value=50, label=gettext_lazy("How many"))
    programme = forms.ChoiceField(required=False, label=gettext_lazy("In the context of a programme"))
    preset_weights = forms.BooleanField(required=False, label=gettext_lazy("Use the preset's own weights"))

    def __init__(self, *args, countries=(), programmes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["exclude_country"].choices = countries
        self.fields["programme"].choices = [("", "—"), *programmes]
        for name in COMPONENTS:
            self.fields[f"w_{name}"] = forms.FloatField(required=False, min_value=0, max_value=1,
                                                        label=COMPONENT_LABELS[name])


def _links(place: Place, results: tuple[services.Match, ...]) -> dict:
    """Map data: the place, its partners and lines between them."""
    if place.latitude is None:
        return {}
    x0, y0 = worldmap.project(place.longitude, place.latitude)
    points = [(x0, y0)]
    lines = []
    for match in results:
        p = match.place
        if p.latitude is None:
            continue
        x, y = worldmap.project(p.longitude, p.latitude)
        points.append((x, y))
        lines.append({"x": round(x, 1), "y": round(y, 1), "name": p.name, "slug": p.slug,
                      "width": round(0.6 + 2.4 * match.score, 2)})
    return {"x": round(x0, 1), "y": round(y0, 1), "lines": lines, "countries": worldmap.countries_svg(),
            "viewbox": worldmap.bounds_viewbox(points, pad=50, min_size=200)}


@for_visitors
def find_partners(request, slug):
    place = place_get(viewer=request.user, slug=slug)
    countries = sorted(((c, country_name(c)) for c in country_choices(request.user)), key=lambda c: c[1])
    from renkei.programmes.selectors import programme_for, programme_list

    programmes = [(p.slug, p.title_text) for p in programme_list(viewer=request.user)]
    form = FindForm(request.GET or None, countries=countries, programmes=programmes,
                    initial={"preset": DEFAULT_PRESET, "top": 10, **{f"w_{k}": v for k, v in
                                                               PRESETS[DEFAULT_PRESET].as_dict().items()}})
    found, error = None, None
    data = form.cleaned_data if form.is_bound and form.is_valid() else None
    if form.is_bound and data is None:
        error = _("Some settings are not valid; check the highlighted fields.")
    preset = (data or {}).get("preset") or DEFAULT_PRESET
    weights = None
    if data and data.get("custom"):
        weights = {k: data.get(f"w_{k}") or 0.0 for k in COMPONENTS}
    programme = programme_for(request.user, data["programme"]) if data and data.get("programme") else None
    try:
        found = services.match_find(viewer=request.user, place=place, request=services.MatchRequest(
            preset=preset, weights=weights, exclude_countries=tuple((data or {}).get("exclude_country") or ()),
            min_population=(data or {}).get("min_population"), max_population=(data or {}).get("max_population"),
            top=(data or {}).get("top") or 10, programme=programme,
            use_tuned=not (data or {}).get("preset_weights")))
    except ApplicationError as exc:
        error = exc.message
    language = "ja" if request.LANGUAGE_CODE.startswith("ja") else "en"
    matches = found.results if found else ()
    results = [{"place": m.place, "score": m.score, "lines": m.reasons(language),
                "bars": [{"name": COMPONENT_LABELS.get(k, k), "value": v, "pct": round(v * 100)}
                         for k, v in m.components.items()],
                **scored(m.score)} for m in matches]
    tuning = found.tuning if found else None
    query = request.GET.copy()
    query["preset_weights"] = "on"
    context = {"place": place, "form": form, "run": found.run if found else None, "results": results,
               "programme": programme, "tuning": tuning, "preset_only_url": f"?{query.urlencode()}",
               "tuning_changes": _tuning_rows([tuning])[0]["changes"] if tuning else [],
               "can_tune": programme is not None and services.can_tune(request.user, programme),
               "error": error, "map": _links(place, matches),
               "weights_json": {k: w.as_dict() for k, w in PRESETS.items()},
               "can_feedback": services.can_give_feedback(request.user, place),
               "feedback": {f.candidate.slug: f for f in selectors.feedback_for(viewer=request.user, place=place)}}
    template = "matching/_results.html" if request.htmx and not request.htmx.boosted else "matching/find.html"
    return render(request, template, context)


@require_POST
def feedback(request, slug):
    place = place_get(viewer=request.user, slug=slug)
    candidate = visible_places(request.user).filter(slug=request.POST.get("candidate", "")).first()
    if candidate is None:
        raise Http404
    run = MatchRun.objects.filter(pk=request.POST.get("run") or None).first()
    return perform(request, lambda: services.feedback_record(
        actor=request.user, place=place, candidate=candidate, decision=request.POST.get("decision", ""),
        reason=request.POST.get("reason", ""), run=run),
        done=_("Thank you: your answer is saved."), to=("matching:find", place.slug))


class CohortForm(forms.Form):
    a_country = forms.MultipleChoiceField(required=False, label=gettext_lazy("Group A: countries"),
                                          widget=ChipPicker)
    a_theme = forms.ChoiceField(required=False, label=gettext_lazy("Group A: theme"))
    a_places = forms.MultipleChoiceField(required=False, label=gettext_lazy("…or choose places for group A"),
                                         widget=ChipPicker)
    b_country = forms.MultipleChoiceField(required=False, label=gettext_lazy("Group B: countries"),
                                          widget=ChipPicker)
    b_theme = forms.ChoiceField(required=False, label=gettext_lazy("Group B: theme"))
    b_places = forms.MultipleChoiceField(required=False, label=gettext_lazy("…or choose places for group B"),
                                         widget=ChipPicker)
    preset = forms.ChoiceField(choices=[(k, PRESET_LABELS[k]) for k in PRESETS], initial=DEFAULT_PRESET,
                               label=gettext_lazy("Preset"))
    method = forms.ChoiceField(choices=[("optimal", gettext_lazy("Best total (optimal)")),
                                        ("stable", gettext_lazy("Stable (no pair would rather swap)"))],
                               label=gettext_lazy("Method"))
    capacity = forms.IntegerField(initial=1, min_value=1, max_value=5, label=gettext_lazy("Partners each"))
    title = forms.CharField(required=False, max_length=200, label=gettext_lazy("Title (to save the run)"))

    def __init__(self, *args, viewer=None, **kwargs):
        super().__init__(*args, **kwargs)
        countries = sorted(((c, country_name(c)) for c in country_choices(viewer)), key=lambda c: c[1])
        places = [(p.slug, f"{p.name} ({p.country})") for p in place_list(viewer=viewer,
                                                                            filters=PlaceFilters(level="city"))]
        from renkei.places.models import Theme

        themes = [("", "—")] + [(t.code, t.name) for t in Theme.objects.order_by("position")]
        for side in "ab":
            self.fields[f"{side}_country"].choices = countries
            self.fields[f"{side}_places"].choices = places
            self.fields[f"{side}_theme"].choices = themes

    def group(self, side: str, viewer) -> list[str]:
        data = self.cleaned_data
        if data.get(f"{side}_places"):
            return list(data[f"{side}_places"])
        slugs: list[str] = []
        for country in data.get(f"{side}_country") or [""]:
            slugs += list(place_list(viewer=viewer, filters=PlaceFilters(
                country=country, theme=data.get(f"{side}_theme") or "", level="city")).values_list("slug", flat=True))
        if not data.get(f"{side}_country") and not data.get(f"{side}_theme"):
            return []
        return list(dict.fromkeys(slugs))


def pair_cohort(request):
    form = CohortForm(request.POST or None, viewer=request.user)
    run, error = None, None
    if request.method == "POST" and form.is_valid():
        save = bool(form.cleaned_data.get("title")) and "save" in request.POST
        try:
            run = services.pairing_create(
                actor=request.user, group_a=form.group("a", request.user), group_b=form.group("b", request.user),
                preset=form.cleaned_data["preset"], capacity=form.cleaned_data["capacity"],
                method=form.cleaned_data["method"], title=form.cleaned_data.get("title", ""), save=save)
        except NotAllowed as exc:
            error = exc.message
        except ApplicationError as exc:
            error = exc.message
            for field, msgs in exc.errors.items():
                target = {"group_a": "a_country", "group_b": "b_country"}.get(field)
                if target:
                    form.add_error(target, msgs[0])
        else:
            if run.pk:
                messages.success(request, _("The pairing was saved."))
    lang_ja = request.LANGUAGE_CODE.startswith("ja")
    rows = [{**p, "lines": p["explanation_ja"] if lang_ja else p["explanation"], **scored(p["score"])}
            for p in (run.results if run else [])]
    may_save = services.can_save_pairing(request.user)
    if not may_save:
        form.fields.pop("title", None)  # only those who may save a run name it
    return render(request, "matching/pair.html", {"form": form, "run": run, "rows": rows, "error": error,
                                                  "may_save": may_save})


def run_list(request):
    runs = selectors.match_run_list(viewer=request.user)[:100]
    return render(request, "matching/runs.html", {"runs": runs})


def run_detail(request, pk):
    run = selectors.match_run_list(viewer=request.user).filter(pk=pk).first()
    if run is None:
        raise Http404
    lang_ja = request.LANGUAGE_CODE.startswith("ja")
    rows = [{**p, "lines": p.get("explanation_ja") if lang_ja else p.get("explanation"),
             **scored(p["score"])} for p in run.results]
    return render(request, "matching/run.html", {"run": run, "rows": rows})


def find_start(request):
    """"Find partners" as its own page: choose the place first."""
    slug = request.GET.get("place")
    if slug:
        return redirect("matching:find", slug=slug)
    places = place_list(viewer=request.user, filters=PlaceFilters(level="city"))
    return render(request, "matching/start.html", {"places": places})


def index_status(request):
    from renkei.accounts.models import Role
    from renkei.accounts.permissions import has_role

    if not has_role(request.user, Role.ADMINISTRATOR, Role.PROGRAMME_OFFICER):
        raise PermissionDenied
    if request.method == "POST":
        services.embeddings_rebuild_enqueue(actor=request.user)
        messages.success(request, _("The rebuild is queued; this page shows its progress."))
        return redirect("matching:index")
    context = {"status": selectors.index_status()}
    if request.htmx:
        return render(request, "matching/_index_status.html", context)
    return render(request, "matching/index.html", context)


# -- a programme's weights tuned on its decisions ------------------------------------------------
def _tunable(request, slug):
    from renkei.programmes.selectors import programme_for

    programme = programme_for(request.user, slug)
    if not services.can_tune(request.user, programme):
        raise NotAllowed(_("Only administrators and this programme's officers may tune its weights."))
    return programme


def _outcome(t) -> str:
    """A tuning's outcome in the reader's language (the stored reason is the engine's, in English)."""
    if t.status == "failed":
        return _("Failed")
    if t.status != "done":
        return t.get_status_display()
    if t.applied:
        return _("Applied: the tuned weights rank the held-back decisions at least as well as the preset")
    from renkei.engine.tuning import MIN_DECISIONS, MIN_PER_LABEL

    if t.decisions < MIN_DECISIONS or min(t.positives, t.negatives) < MIN_PER_LABEL:
        return _("Not applied: too few decisions (at least %(n)d decided pairs, %(k)d yes and %(k)d no)") % {
            "n": MIN_DECISIONS, "k": MIN_PER_LABEL}
    if t.held_back_before is None or t.held_back_after is None:
        return _("Not applied: the held-back decisions cannot be compared")
    if t.held_back_after < t.held_back_before:
        return _("Not applied: the tuned weights rank the held-back decisions worse than the preset")
    return _("Not applied: no weights rank the decisions better than the preset")


def _tuning_rows(tunings) -> list[dict]:
    rows = []
    for t in tunings:
        changes = [{"name": COMPONENT_LABELS.get(k, k), "before": round(t.preset_weights.get(k, 0) * 100),
                    "after": round(v * 100)} for k, v in t.weights.items() if v or t.preset_weights.get(k)]
        rows.append({"tuning": t, "preset_label": PRESET_LABELS.get(t.preset, t.preset), "changes": changes,
                     "outcome": _outcome(t)})
    return rows


def programme_tuning(request, slug):
    """A programme's matching page: its decisions, the weights tuned on them, and the tuning itself."""
    programme = _tunable(request, slug)
    tunings = list(selectors.tuning_list(viewer=request.user, programme=programme)[:20])
    busy = any(t.status in ("queued", "running") for t in tunings)
    context = {"programme": programme, "rows": _tuning_rows(tunings), "busy": busy,
               "in_use": _tuning_rows([t for t in tunings if t.in_use]),
               "summary": selectors.decision_summary(programme),
               "presets": [(k, PRESET_LABELS[k]) for k in PRESETS], "default_preset": DEFAULT_PRESET}
    if request.htmx and not request.htmx.boosted:
        return render(request, "matching/_tunings.html", context)
    return render(request, "matching/tuning.html", context)


@signed_in_post
def programme_tuning_start(request, slug):
    programme = _tunable(request, slug)
    return perform(request, lambda: services.tuning_start(actor=request.user, programme=programme,
                                                          preset=request.POST.get("preset", DEFAULT_PRESET)),
                   done=_("The tuning is queued; this page shows its progress."),
                   to=("matching:tuning", programme.slug))


@signed_in_post
def programme_tuning_reset(request, slug):
    programme = _tunable(request, slug)
    return perform(request, lambda: services.tuning_reset(actor=request.user, programme=programme,
                                                          preset=request.POST.get("preset") or None),
                   done=_("Matching in this programme uses the preset's own weights again."),
                   to=("matching:tuning", programme.slug))
