"""The library in the Django admin. Products are saved, deleted and given files through the
services, so an edit here is checked, audited and reindexed like one on the site or the API."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied

from renkei.core.admin_mixins import AuditedAdmin
from renkei.core.errors import ApplicationError, NotAllowed
from renkei.core.uploads import Upload
from renkei.knowledge import services
from renkei.knowledge.models import IndexJob, KnowledgeRequest, Product, ProductFile, RequestAnswer, SearchDocument

# product fields the admin edits, as the service takes them
EDITED = ["kind", "title", "summary", "body", "video_url", "themes", "places", "organisations", "partnership",
          "activity", "pilot", "published_on", "authors", "licence", "suits_min_population", "suits_max_population",
          "preconditions", "cost_min_eur", "cost_max_eur", "visibility", "editors"]


def service_data(form: forms.ModelForm, *, adding: bool) -> dict[str, Any]:
    """The admin form's values in the shape of the service's input (links by code, URL name or
    user name); when editing, only the fields that changed."""
    cleaned = form.cleaned_data
    names = [n for n in EDITED if n in cleaned and (adding or n in form.changed_data)]
    if adding:
        names += [n for n in ("status", "slug") if n in cleaned]
    out: dict[str, Any] = {}
    for name in names:
        value = cleaned[name]
        if name == "themes":
            value = [t.code for t in value]
        elif name in ("places", "organisations"):
            value = [x.slug for x in value]
        elif name == "editors":
            value = [u.username for u in value]
        elif name in ("partnership", "activity"):
            value = value.slug if value is not None else None
        elif name == "pilot":
            value = value.pk if value is not None else None
        out[name] = value
    return out


def _field_errors(form: forms.Form, exc: ApplicationError) -> None:
    for field, messages in (exc.errors or {None: [exc.message]}).items():
        for message in messages:
            form.add_error(field if field in form.fields else None, message)


class ProductAdminForm(forms.ModelForm):
    """Checked by the service's own rules before anything is saved."""

    class Meta:
        model = Product
        fields = ["slug", "status", *EDITED]

    def clean(self):
        cleaned = super().clean()
        adding = self.instance.pk is None
        if not self.errors:
            try:
                services.clean_product(service_data(self, adding=adding), instance=None if adding else self.instance)
            except ApplicationError as exc:
                _field_errors(self, exc)
        return cleaned


class ProductFileForm(forms.ModelForm):
    """Files added in the admin pass the same checks as everywhere (type, size, readable PDF)."""

    class Meta:
        model = ProductFile
        fields = ["file"]

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload is None or not hasattr(upload, "read") or getattr(upload, "_committed", False):
            return upload
        read = Upload.read(upload, services.MAX_LIBRARY_FILE_BYTES)
        upload.seek(0)
        try:
            services.prepare_file(read, "file")
        except ApplicationError as exc:
            raise forms.ValidationError(exc.message) from exc
        return upload


class ProductFileInline(admin.TabularInline):
    model = ProductFile
    form = ProductFileForm
    extra = 0
    fields = ["file", "name", "kind", "size", "pages", "text_status"]
    readonly_fields = ["name", "kind", "size", "pages", "text_status"]


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    form = ProductAdminForm
    list_display = ["__str__", "kind", "status", "visibility", "languages", "published_on"]
    list_filter = ["kind", "status", "visibility", "licence"]
    search_fields = ["slug", "title", "summary"]
    filter_horizontal = ["themes", "places", "organisations", "editors"]
    autocomplete_fields = ["partnership", "activity"]
    readonly_fields = ["languages", "suggested_themes", "created_by", "version", "created_at", "updated_at"]
    inlines = [ProductFileInline]
    fieldsets = [
        (None, {"fields": ["slug", "kind", "status", "visibility", "title", "summary", "body", "video_url"]}),
        ("Links", {"fields": ["themes", "suggested_themes", "places", "organisations", "partnership", "activity",
                              "pilot"]}),
        ("Publication", {"fields": ["published_on", "authors", "licence", "created_by", "editors"]}),
        ("Transferability", {"fields": ["suits_min_population", "suits_max_population", "cost_min_eur",
                                        "cost_max_eur", "preconditions"]}),
        ("Record", {"fields": ["languages", "version", "created_at", "updated_at"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        # the URL name is chosen once; the product keeps it
        return [*self.readonly_fields, "slug"] if obj is not None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        try:
            if change:
                data = service_data(form, adding=False)
                saved = services.product_update(actor=request.user, product=obj, data=data)
                if "status" in form.changed_data:
                    services.product_set_status(actor=request.user, product=saved, status=form.cleaned_data["status"])
            else:
                saved = services.product_create(actor=request.user, data=service_data(form, adding=True))
        except NotAllowed as exc:
            raise PermissionDenied(exc.message) from exc
        obj.pk = saved.pk
        obj._state.adding = False
        obj.refresh_from_db()

    def save_related(self, request, form, formsets, change):
        # the links were saved by the service with the product; the files go through it too
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request, form, formset, change):
        if formset.model is not ProductFile:
            return super().save_formset(request, form, formset, change)
        removed, uploads = [], []
        for item_form in formset.forms:
            item = item_form.instance
            if item_form in formset.deleted_forms:
                if item.pk:
                    removed.append(item)
                continue
            upload = item_form.cleaned_data.get("file") if item_form.has_changed() else None
            if upload is None or getattr(upload, "_committed", False):
                continue
            if item.pk:  # a new file in place of the old one
                removed.append(ProductFile.objects.get(pk=item.pk))
            uploads.append(Upload.read(upload, services.MAX_LIBRARY_FILE_BYTES))
        try:
            for item in removed:
                services.file_remove(actor=request.user, item=item)
            added = services.files_add(actor=request.user, product=form.instance, files=uploads) if uploads else []
        except NotAllowed as exc:
            raise PermissionDenied(exc.message) from exc
        formset.new_objects, formset.changed_objects, formset.deleted_objects = added, [], removed
        return added

    def delete_model(self, request, obj):
        try:
            services.product_delete(actor=request.user, product=obj)
        except NotAllowed as exc:
            raise PermissionDenied(exc.message) from exc

    def delete_queryset(self, request, queryset):
        for product in queryset:
            self.delete_model(request, product)


class RequestAnswerInline(admin.StackedInline):
    model = RequestAnswer
    extra = 0
    autocomplete_fields = ["place"]
    filter_horizontal = ["products"]


@admin.register(KnowledgeRequest)
class KnowledgeRequestAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["__str__", "place", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["title", "place__name_en"]
    autocomplete_fields = ["place", "activity", "partnership"]
    filter_horizontal = ["themes"]
    inlines = [RequestAnswerInline]


@admin.register(IndexJob)
class IndexJobAdmin(admin.ModelAdmin):
    list_display = ["created_at", "status", "done", "total", "requested_by", "finished_at"]
    readonly_fields = ["status", "total", "done", "error", "requested_by", "created_at", "started_at", "finished_at"]

    def has_add_permission(self, request):
        return False


@admin.register(SearchDocument)
class SearchDocumentAdmin(admin.ModelAdmin):
    """Read-only: what the index holds for a product (rebuilt by `renkei reindex`)."""

    list_display = ["product", "model", "indexed_at"]
    search_fields = ["title"]
    readonly_fields = ["product", "title", "summary", "body", "files", "grams_head", "grams_body", "text_key", "model",
                       "indexed_at"]
    exclude = ["vector"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
