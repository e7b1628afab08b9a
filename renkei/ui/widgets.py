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
