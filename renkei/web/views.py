"""The shell's pages: the home page and the error pages. Each domain's pages live in its app."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, F, Q
from django.http import HttpResponse
from django.shortcuts import render
from django.template import loader
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from renkei.places import selectors
from renkei.places.maps import markers
from renkei.places.models import Level, Theme
from renkei.places.validation import country_label
from renkei.ui import worldmap
from renkei.ui.pagecache import for_visitors, page_part
from renkei.web.work import my_work

MAP_MARKER_LIMIT = 1500  # the home map stays light with a national-scale data set: the largest places


def _world_viewbox() -> str:
    """The whole world without Antarctica: the land people live on fills the frame."""
    _x, top = worldmap.project(0, 84)
    _x, bottom = worldmap.project(0, -57)
    width = float(worldmap.VIEWBOX.split()[2])
    return f"0 {top - 4:.1f} {width:g} {bottom - top + 8:.1f}"


# --- home -------------------------------------------------------------------------------------

@for_visitors
def home(request):
    """The numbers, the map, the countries, the latest places and the busiest themes. All but the
    viewer's own numbers are the same for everyone: made once per language while the data stays the
    same (see ``core/cache.py``), and made again when a place, need, expertise or theme changes."""
    shared = page_part("home", selectors.data_signature, lambda: _home_shared(request))
    counts = shared["counts"] if not request.user.is_authenticated else selectors.dashboard_counts(viewer=request.user)
    # Signed in with a role, the page opens on what needs the user ("my work"); the rest follows.
    sections = my_work(request.user) if request.user.is_authenticated else []
    return render(request, "web/home.html", {"counts": counts, "data": shared["html"], "sections": sections})


def _home_shared(request) -> dict:
    published = selectors.visible_places(AnonymousUser()).exclude(level=Level.COUNTRY)
    on_map = published.filter(latitude__isnull=False, longitude__isnull=False)
    on_map_count = on_map.count()
    on_map = (on_map.order_by(F("population").desc(nulls_last=True), "name_en")
              .only("slug", "name_en", "name_ja", "level", "latitude", "longitude")[:MAP_MARKER_LIMIT])
    in_use = Q(needs__place__is_published=True)
    offered = Q(expertise__place__is_published=True)
    top_themes = (
        Theme.objects.annotate(need_n=Count("needs", filter=in_use, distinct=True),
                               expertise_n=Count("expertise", filter=offered, distinct=True))
        .filter(Q(need_n__gt=0) | Q(expertise_n__gt=0))
    )
    top_themes = sorted(top_themes, key=lambda t: (-(t.need_n + t.expertise_n), t.position))[:10]
    by_country = list(published.values("country").annotate(n=Count("id")).order_by("-n", "country")[:8])
    most = max((row["n"] for row in by_country), default=1)
    for row in by_country:
        row["name"] = country_label(row["country"])
        row["share"] = round(100 * row["n"] / most)
    html = render_to_string("web/_home_data.html", {
        "countries": worldmap.countries_svg(),
        "viewbox": _world_viewbox(),
        "markers": markers(on_map),
        "on_map_count": on_map_count,
        "map_limited": on_map_count > MAP_MARKER_LIMIT,
        "recent": published.select_related("parent").order_by("-updated_at", "name_en")[:6],
        "top_themes": top_themes,
        "by_country": by_country,
    }, request=request)
    return {"html": mark_safe(html), "counts": selectors.dashboard_counts(viewer=AnonymousUser())}  # noqa: S308


# --- errors -----------------------------------------------------------------------------------

def error_403(request, exception=None):
    return render(request, "403.html", status=403)


def error_404(request, exception=None):
    return render(request, "404.html", status=404)


def error_500(request):
    # No request context: the page must render even when the database or the session is the problem.
    html = loader.get_template("500.html").render({"LANGUAGE_CODE": get_language() or "en"})
    return HttpResponse(html, status=500)
