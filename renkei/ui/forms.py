"""Form helpers every app's pages share. Forms collect strings; the services validate (one
validator for forms, API and imports), and ApplicationError.errors is put back onto the fields."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext


def add_service_errors(form: forms.Form, errors: dict[str, list[str]], message: str = "",
                       field_map: dict[str, str] | None = None) -> None:
    """Attach a service's field errors to the form fields; errors for fields the form does not
    show go to the top of the form, named, so nothing is lost."""
    field_map = field_map or {}
    placed = False
    for field, messages in errors.items():
        target = field_map.get(field, field)
        for text in messages:
            text = gettext(text)
            if target in form.fields:
                form.add_error(target, text)
            else:
                form.add_error(None, f"{field}: {text}")
            placed = True
    if not placed and message:
        form.add_error(None, gettext(message))
