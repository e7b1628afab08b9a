from django import forms
from django.contrib import admin
from django.db import transaction

from renkei.core.admin_mixins import AuditedAdmin
from renkei.core.errors import ApplicationError
from renkei.core.uploads import Upload
from renkei.knowledge.models import IndexJob, KnowledgeRequest, Product, ProductFile, RequestAnswer, SearchDocument
from renkei.knowledge.services import _prepare_file, languages_of


def _reindex(product_id: int) -> None:
    from renkei.knowledge.tasks import index_product

    transaction.on_commit(lambda: index_product.enqueue(product_id))


class ProductFileForm(forms.ModelForm):
    """Files added in the admin pass the same checks as everywhere (type, size, readable PDF)."""

    class Meta:
        model = ProductFile
        fields = ["file"]

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload is None or not hasattr(upload, "read") or getattr(upload, "_committed", False):
            return upload
        content = upload.read()
        upload.seek(0)
        try:
            self.prepared = _prepare_file(Upload(upload.name, content), "file")
        except ApplicationError as exc:
            raise forms.ValidationError(exc.message) from exc
        return upload

    def save(self, commit=True):
        item = super().save(commit=False)
        prepared = getattr(self, "prepared", None)
        if prepared:
            for key, value in prepared.items():
                setattr(item, key, value)
        if commit:
            item.save()
        return item


class ProductFileInline(admin.TabularInline):
    model = ProductFile
    form = ProductFileForm
    extra = 0
    fields = ["file", "name", "kind", "size", "pages", "text_status"]
    readonly_fields = ["name", "kind", "size", "pages", "text_status"]


@admin.register(Product)
class ProductAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["__str__", "kind", "status", "visibility", "languages", "published_on"]
    list_filter = ["kind", "status", "visibility", "licence"]
    search_fields = ["slug", "title", "summary"]
    filter_horizontal = ["themes", "places", "organisations", "editors"]
    autocomplete_fields = ["partnership", "activity", "created_by"]
    readonly_fields = ["languages", "suggested_themes", "version", "created_at", "updated_at"]
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

    def save_model(self, request, obj, form, change):
        obj.languages = languages_of(obj)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        _reindex(form.instance.pk)


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
