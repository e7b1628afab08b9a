from django.contrib import admin

from renkei.matching.models import MatchFeedback, MatchRun


@admin.register(MatchRun)
class MatchRunAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "place", "preset", "created_by", "created_at", "total"]
    list_filter = ["kind", "preset"]
    search_fields = ["title", "place__name_en"]
    readonly_fields = ["kind", "place", "preset", "weights", "parameters", "results", "total", "created_by",
                       "created_at"]


@admin.register(MatchFeedback)
class MatchFeedbackAdmin(admin.ModelAdmin):
    list_display = ["place", "candidate", "decision", "created_by", "updated_at"]
    list_filter = ["decision"]
    search_fields = ["place__name_en", "candidate__name_en", "reason"]
    autocomplete_fields = ["place", "candidate"]
