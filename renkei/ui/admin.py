"""Admin base classes: a model admin whose saves and deletes go through the app's services.

The form is checked by running the service in a savepoint that is rolled back, so the service's
errors land on the admin's fields before anything is saved; the save then calls the service for
real (one audit entry, the version bumped, the permission checked, the after-commit effects).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction

from renkei.core.errors import ApplicationError, NotAllowed


class _DryRun(Exception):
    """Rolls back a service call made only to check a form."""


def put_errors(form: forms.BaseForm, exc: ApplicationError, field_names: dict[str, str]) -> None:
    """A service's field errors onto the admin form's fields (the rest at the top, named)."""
    if not exc.errors:
        form.add_error(None, exc.message)
    for name, texts in exc.errors.items():
        target = field_names.get(name, name).split(".")[0]
        for text in texts:
            if target in form.fields and target not in form.errors:
                form.add_error(target, text)
            else:
                form.add_error(None, f"{name}: {text}")


def inline(model, *, form=None, stacked: bool = False, **options) -> type[admin.options.InlineModelAdmin]:
    """An inline of ``model`` rows with no empty extra row (tabular, or ``stacked``)."""
    base = admin.StackedInline if stacked else admin.TabularInline
    attrs = {"model": model, "extra": 0, **({"form": form} if form else {}), **options}
    return type(f"{model.__name__}Inline", (base,), attrs)


class Writes(NamedTuple):
    """The services an admin writes through: ``create(actor=, data=)``,
    ``update(actor=, <name>=obj, data=)`` and ``delete(actor=, <name>=obj)``."""

    name: str
    create: Callable[..., Any]
    update: Callable[..., Any]
    delete: Callable[..., Any]


class ServiceAdmin(admin.ModelAdmin):
    """A model admin whose writes are the app's services'.

    Subclasses name their services (``writes``) or override ``create``, ``update`` and ``remove``;
    say how a form's values become the service's input (``service_data``) and how the service's
    field names map back to the form's (``field_names``)."""

    writes: Writes
    field_names: dict[str, str] = {}

    def service_data(self, values: dict[str, Any]) -> dict[str, Any]:
        return values

    def create(self, request, obj, data: dict[str, Any]):
        return self.writes.create(actor=request.user, data=data)

    def update(self, request, obj, data: dict[str, Any]):
        return self.writes.update(actor=request.user, data=data, **{self.writes.name: obj})

    def remove(self, request, obj) -> None:
        self.writes.delete(actor=request.user, **{self.writes.name: obj})

    def _data(self, form: forms.ModelForm, obj) -> dict[str, Any]:
        names = form.changed_data if obj is not None and obj.pk else list(form.fields)
        return self.service_data({name: form.cleaned_data.get(name) for name in names if name in form.cleaned_data})

    def _write(self, request, obj, form: forms.ModelForm):
        data = self._data(form, obj)
        if obj is not None and obj.pk:
            return self.update(request, obj, data) if data else obj
        return self.create(request, obj, data)

    def get_form(self, request, obj=None, change=False, **kwargs):
        base = super().get_form(request, obj, change=change, **kwargs)
        model_admin = self

        class ServiceForm(base):
            def clean(self):
                cleaned = super().clean()
                if self.errors:
                    return cleaned
                try:
                    with transaction.atomic():
                        model_admin._write(request, obj, self)
                        raise _DryRun
                except _DryRun:
                    pass
                except NotAllowed as exc:
                    raise ValidationError(exc.message) from exc
                except ApplicationError as exc:
                    put_errors(self, exc, model_admin.field_names)
                return cleaned

        return ServiceForm

    def save_model(self, request, obj, form, change):
        saved = self._write(request, obj, form)
        if saved is not obj:  # the admin goes on with its own object (inlines, messages, redirect)
            for field in type(obj)._meta.concrete_fields:
                setattr(obj, field.attname, getattr(saved, field.attname))
            obj._state.adding = False

    def save_related(self, request, form, formsets, change):
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def delete_model(self, request, obj):
        try:
            self.remove(request, obj)
        except NotAllowed:
            raise
        except ApplicationError as exc:  # e.g. still in use: said on the page, nothing deleted
            self.message_user(request, exc.message, messages.ERROR)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            try:
                self.remove(request, obj)
            except ApplicationError as exc:
                self.message_user(request, f"{obj}: {exc.message}", messages.ERROR)
