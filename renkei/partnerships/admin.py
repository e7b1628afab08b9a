from django.contrib import admin

from renkei.core.admin_mixins import AuditedAdmin
from renkei.partnerships.models import (
    Action,
    Activity,
    Agreement,
    Member,
    Objective,
    Participant,
    Partnership,
    Pilot,
    Speaker,
    StatusChange,
)


class MemberInline(admin.TabularInline):
    model = Member
    extra = 0
    autocomplete_fields = ["place", "organisation"]
    filter_horizontal = ["focal_points"]


class AgreementInline(admin.StackedInline):
    model = Agreement
    extra = 0


class PilotInline(admin.StackedInline):
    model = Pilot
    extra = 0


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    extra = 0
    readonly_fields = ["from_status", "to_status", "reason", "changed_by", "changed_at"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # status changes go through the lifecycle service, which checks legal steps


@admin.register(Partnership)
class PartnershipAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["title_en", "kind", "status", "programme", "last_activity_on"]
    list_filter = ["kind", "status", "programme"]
    search_fields = ["title_en", "title_ja", "slug"]
    readonly_fields = ["status"]
    inlines = [MemberInline, AgreementInline, PilotInline, StatusChangeInline]


class ActionInline(admin.TabularInline):
    model = Action
    extra = 0


@admin.register(Objective)
class ObjectiveAdmin(admin.ModelAdmin):
    list_display = ["__str__", "partnership"]
    inlines = [ActionInline]


class SpeakerInline(admin.TabularInline):
    model = Speaker
    extra = 0
    autocomplete_fields = ["contact"]


class ParticipantInline(admin.TabularInline):
    model = Participant
    extra = 0


@admin.register(Activity)
class ActivityAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["title_en", "kind", "starts_at", "timezone", "venue", "partnership"]
    list_filter = ["kind"]
    search_fields = ["title_en", "title_ja", "venue"]
    inlines = [SpeakerInline, ParticipantInline]
