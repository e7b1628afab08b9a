from django import forms
from django.contrib import admin
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from renkei.activities.models import Activity, Participant, Session, Speaker
from renkei.activities.services import session_time_errors
from renkei.core.admin_mixins import AuditedAdmin
from renkei.core.text import compact, pick_language
from renkei.ui.admin import inline


class TitleAdminForm(forms.ModelForm):
    """The title as one box per language, stored as ``{"en": …, "ja": …}``."""

    title_en = forms.CharField(max_length=255, required=False, label=_("Title (English)"))
    title_ja = forms.CharField(max_length=255, required=False, label=_("Title (Japanese)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        title = self.instance.title or {}
        self.initial.setdefault("title_en", title.get("en", ""))
        self.initial.setdefault("title_ja", title.get("ja", ""))

    def clean(self):
        data = super().clean()
        title = compact({"en": data.get("title_en", ""), "ja": data.get("title_ja", "")})
        if not title and not self.errors.get("title_en"):
            self.add_error("title_en", gettext("is required (in at least one language)"))
        data["title"] = title
        if {"title_en", "title_ja"} & set(self.changed_data):
            self.changed_data.append("title")  # so that the audit log records the new title
        return data

    def save(self, commit=True):
        self.instance.title = self.cleaned_data["title"]
        return super().save(commit)


class ActivityAdminForm(TitleAdminForm):
    class Meta:
        model = Activity
        fields = ["slug", "kind", "description", "partnership", "programme", "organiser", "starts_at", "ends_at",
                  "timezone", "venue", "room", "online_url", "follow_up", "is_published"]


class SessionAdminForm(TitleAdminForm):
    class Meta:
        model = Session
        fields = ["starts_at", "ends_at", "room"]


class SessionFormSet(BaseInlineFormSet):
    """The same rules as the session service: inside the activity, ending after it starts."""

    def clean(self):
        super().clean()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or not form.has_changed() and not form.instance.pk:
                continue
            for field, messages in session_time_errors(self.instance, data.get("starts_at"),
                                                       data.get("ends_at")).items():
                if field in form.fields and field not in form.errors:
                    form.add_error(field, messages)  # makes the formset invalid too


class SessionInline(admin.TabularInline):
    model = Session
    form = SessionAdminForm
    formset = SessionFormSet
    extra = 0
    fields = ["title_en", "title_ja", "starts_at", "ends_at", "room"]


class SpeakerInline(admin.TabularInline):
    model = Speaker
    extra = 0
    autocomplete_fields = ["contact"]
    fields = ["contact", "role", "session", "position"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "session":  # only this activity's sessions
            activity_id = request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
            kwargs["queryset"] = Session.objects.filter(activity_id=activity_id) if activity_id else \
                Session.objects.none()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


ParticipantInline = inline(Participant)


@admin.register(Activity)
class ActivityAdmin(AuditedAdmin, admin.ModelAdmin):
    form = ActivityAdminForm
    list_display = ["title_display", "kind", "starts_at", "timezone", "venue", "partnership"]
    list_filter = ["kind"]
    search_fields = ["slug", "title", "venue"]
    inlines = [SessionInline, SpeakerInline, ParticipantInline]

    @admin.display(description=_("title"))
    def title_display(self, obj):
        return pick_language(obj.title)
    fields = ["slug", "kind", "title_en", "title_ja", "description", "partnership", "programme", "organiser",
              "starts_at", "ends_at", "timezone", "venue", "room", "online_url", "follow_up", "is_published"]
