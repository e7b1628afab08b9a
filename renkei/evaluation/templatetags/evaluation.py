"""Template helpers of the results pages: a progress status as a badge, and the results section of
a partnership's page (``{% results_section p %}``)."""

from django import template
from django.utils.html import format_html

from renkei.evaluation.progress import STATUS_LABELS

register = template.Library()

BADGES = {"on_track": "badge-open", "at_risk": "badge-warn", "off_track": "badge-delete", "no_data": "badge-draft"}


@register.simple_tag
def status_badge(status: str):
    return format_html('<span class="badge {}" data-status="{}">{}</span>', BADGES.get(status, "badge"), status,
                       STATUS_LABELS.get(status, status))


@register.inclusion_tag("evaluation/_partnership_section.html", takes_context=True)
def results_section(context, partnership):
    """What the partnership page shows of its results: counts, mutual learning, evaluations the reader
    may see, and a link to the results page."""
    from renkei.evaluation.models import Result
    from renkei.evaluation.selectors import evaluation_list, partnership_learning

    request = context.get("request")
    viewer = getattr(request, "user", None)
    return {"p": partnership, "results": Result.objects.filter(partnership=partnership).count(),
            "learning": partnership_learning(partnership),
            "evaluations": list(evaluation_list(viewer=viewer, partnership=partnership)[:5]) if viewer else []}
