"""Widgets drawn in Python rather than through a template per option.

Django draws each ``<option>`` of a select through its own template, which costs a millisecond or
more for a list of countries or the theme tree on every request of a filtered list. These draw
the same HTML (the same attributes, ``selected``, ``<optgroup>``) with ``format_html``.
"""

from __future__ import annotations

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe


class QuickSelect(forms.Select):
    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = []
        for group, options, _index in widget["optgroups"]:
            rows = format_html_join("", '<option value="{}"{}>{}</option>', (
                (option["value"], flatatt(option["attrs"]), option["label"]) for option in options))
            parts.append(format_html('<optgroup label="{}">{}</optgroup>', group, rows) if group else rows)
        return format_html('<select name="{}"{}>{}</select>', widget["name"], flatatt(widget["attrs"]),
                           mark_safe("".join(parts)))  # noqa: S308 - every part made by format_html


class QuickSelectMultiple(QuickSelect, forms.SelectMultiple):
    pass


class ChipPicker(QuickSelectMultiple):
    """A ``<select multiple>`` that ``renkei/picker.js`` turns into a text box that filters the
    options as one types, with a chip (and its remove button) per chosen option. The select stays
    in the form, hidden, and carries the choices: without JavaScript it is the plain select.

    The picker's words travel in data attributes, in the page's language (no inline script)."""

    def get_context(self, name, value, attrs):
        from django.utils.translation import gettext

        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].update({
            "data-picker": "",
            "data-picker-placeholder": gettext("Type to search, then press Enter"),
            "data-picker-chosen": gettext("Chosen:"),
            "data-picker-none": gettext("None chosen"),
            "data-picker-remove": gettext("Remove %s"),
            "data-picker-added": gettext("%s added."),
            "data-picker-removed": gettext("%s removed."),
            "data-picker-no-match": gettext("No match"),
            "data-picker-count": gettext("%s matches; use the arrow keys to choose."),
        })
        return context

    def render(self, name, value, attrs=None, renderer=None):
        from django.utils.translation import gettext

        select = super().render(name, value, attrs, renderer)
        return format_html('{}<p class="help" data-picker-hint>{}</p>', select,
                           gettext("Hold Ctrl (⌘ on a Mac) to choose more than one."))
