"""Form helpers every app's pages share. Forms collect strings; the services validate (one
validator for forms, API and imports), and ApplicationError.errors is put back onto the fields."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext, gettext_lazy

from renkei.core.errors import ApplicationError, Conflict, NotAllowed, NotFound
from renkei.core.timezones import COMMON_ZONES, offered_zones
from renkei.ui.widgets import QuickSelect


def add_service_errors(form: forms.Form, errors: dict[str, list[str]], message: str = "",
                       field_map: dict[str, str] | None = None) -> None:
    """Attach a service's field errors to the form fields; errors for fields the form does not
    show go to the top of the form, named, so nothing is lost."""
    field_map = field_map or {}
    placed = False
    for field, texts in errors.items():
        target = field_map.get(field, field)
        for text in texts:
            text = gettext(text)
            if target in form.fields:
                form.add_error(target, text)
            else:
                form.add_error(None, f"{field}: {text}")
            placed = True
    if not placed and message:
        form.add_error(None, gettext(message))


class FieldsetForm(forms.Form):
    """Laid out by web/_form_fields.html: ``groups`` of field names, ``wide`` ones across the grid.
    ``field_map`` names the form field that shows a service field's errors (``title`` → ``title_en``)."""

    groups: list[tuple[str | None, list[str]]] = []
    wide: set[str] = set()
    field_map: dict[str, str] = {}

    def fieldsets(self):
        for legend, names in self.groups:
            fields = [self[name] for name in names if name in self.fields]
            if fields:
                yield legend, fields

    def add_service_errors(self, errors: dict[str, list[str]], message: str = "") -> None:
        add_service_errors(self, errors, message, self.field_map)


def submit(request, form: forms.Form, write: Callable[[], Any], *, done: str | Callable[[Any], str],
           to: tuple | Callable[[Any], tuple], field_map: dict[str, str] | None = None) -> HttpResponse | None:
    """A form's POST. When the form is valid, ``write()`` calls the service. If it worked, ``done`` (or
    ``done(result)``) is said and the answer is a redirect to ``to`` (or ``to(result)``): a URL name and
    its arguments. If the service refused, its errors go onto the form's fields (``form.conflict`` is set
    when someone else saved first) and the answer is None: the view shows the form again. Not found and
    not allowed rise to the 404 and 403 pages."""
    form.conflict = False
    if not form.is_valid():
        return None
    try:
        result = write()
    except (NotFound, NotAllowed):
        raise
    except ApplicationError as exc:
        form.conflict = isinstance(exc, Conflict)
        mapping = field_map if field_map is not None else getattr(form, "field_map", None)
        add_service_errors(form, exc.errors, exc.message, mapping)
        return None
    messages.success(request, done(result) if callable(done) else done)
    return redirect(*(to(result) if callable(to) else to))


def form_page(request, form_class: type[forms.Form], write: Callable[[Any], Any], *, template: str,
              done: str | Callable[[Any], str], to: tuple | Callable[[Any], tuple], initial: dict | None = None,
              context: dict | None = None, **form_kwargs: Any) -> HttpResponse:
    """The page of one form: a GET shows it (with ``initial``); a POST submits it (``write(form)`` calls
    the service, see ``submit``) and, when refused, shows it again with the errors on its fields."""
    if request.method == "POST":
        form = form_class(request.POST, request.FILES, **form_kwargs)
        saved = submit(request, form, lambda: write(form), done=done, to=to)
        if saved:
            return saved
    else:
        form = form_class(initial=initial, **form_kwargs)
    return render(request, template, {**(context or {}), "form": form, "conflict": getattr(form, "conflict", False)})


def zone_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """The IANA time zones: the common ones first, then all of them in alphabetical order."""
    return [(gettext_lazy("Most used"), [(zone, zone) for zone in COMMON_ZONES]),
            (gettext_lazy("All time zones"), [(zone, zone) for zone in offered_zones()])]


class TimeZoneField(forms.ChoiceField):
    """A time zone chosen from a list one can type into (Asia/Tokyo first)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("initial", "Asia/Tokyo")
        kwargs.setdefault("widget", QuickSelect)
        kwargs.setdefault("error_messages", {
            "invalid_choice": gettext_lazy("%(value)s is not a time zone; choose one from the list.")})
        super().__init__(choices=zone_choices, **kwargs)
