from django.contrib import admin

from renkei.core.admin_mixins import AuditedAdmin
from renkei.programmes.models import Answer, Application, Call, Criterion, Programme, Question, ReviewAssignment


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["title_en", "starts_on", "ends_on", "is_published"]
    search_fields = ["title_en", "title_ja", "slug"]
    filter_horizontal = ["owners", "officers", "themes", "required_themes"]


@admin.register(Call)
class CallAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["title_en", "programme", "status", "opens_at", "closes_at", "places_to_select"]
    list_filter = ["status", "programme"]
    search_fields = ["title_en", "title_ja", "slug"]
    inlines = [QuestionInline, CriterionInline]


class AnswerInline(admin.TabularInline):
    model = Answer
    extra = 0


class AssignmentInline(admin.TabularInline):
    model = ReviewAssignment
    extra = 0
    readonly_fields = ["submitted_at"]


@admin.register(Application)
class ApplicationAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["place", "call", "status", "submitted_at", "decided_at"]
    list_filter = ["status", "call"]
    search_fields = ["place__name_en"]
    inlines = [AnswerInline, AssignmentInline]
