from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from renkei.matching.models import MatchFeedback, MatchRun, ProgrammeTuning


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


@admin.register(ProgrammeTuning)
class ProgrammeTuningAdmin(admin.ModelAdmin):
    """Tunings are made by the officers' page, the API or `renkei match tune`; here they are read, and
    a programme can be returned to the preset's own weights."""

    list_display = ["__str__", "programme", "preset", "status", "applied", "in_use", "decisions", "held_back_before",
                    "held_back_after", "created_by", "created_at"]
    list_filter = ["status", "applied", "in_use", "preset"]
    search_fields = ["programme__slug", "reason"]
    readonly_fields = [f.name for f in ProgrammeTuning._meta.fields]
    actions = ["return_to_preset"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=gettext_lazy("Return to the preset's own weights"))
    def return_to_preset(self, request, queryset):
        from renkei.core.errors import ApplicationError
        from renkei.matching.services import tuning_reset

        returned = 0
        for tuning in queryset.filter(in_use=True).select_related("programme"):
            try:
                returned += tuning_reset(actor=request.user, programme=tuning.programme, preset=tuning.preset)
            except ApplicationError as exc:
                self.message_user(request, exc.message, messages.ERROR)
        self.message_user(request, _("%(n)d tuned weight set(s) no longer in use.") % {"n": returned})
