"""HTML forms of the activity pages. They parse strings; the services check the rules, and their
ApplicationError.errors go back onto the fields (``title`` onto the English and Japanese boxes)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from renkei.activities.models import Activity
from renkei.core.text import compact
from renkei.ui.forms import FieldsetForm, TimeZoneField

LOCAL_MINUTE = "%Y-%m-%dT%H:%M"
DATE_TIME_HINT = _("use a date and time like 2026-03-31T09:00")

# where a service's error on a field of the input shows in a form with one box per language
FORM_FIELDS = {"title": "title_en", "title.en": "title_en", "title.ja": "title_ja",
               "description": "description_en", "description.en": "description_en"}


class TitleFields(forms.Form):
    field_map = FORM_FIELDS
    title_en = forms.CharField(max_length=255, required=False, label=_("Title (English)"))
    title_ja = forms.CharField(max_length=255, required=False, label=_("Title (Japanese)"))

    def clean(self):
        data = super().clean()
        if not (data.get("title_en") or data.get("title_ja")) and "title_en" not in self.errors:
            self.add_error("title_en", gettext("is required (in at least one language)"))
        return data

    def title(self) -> dict[str, str]:
        return {"en": self.cleaned_data.get("title_en", ""), "ja": self.cleaned_data.get("title_ja", "")}


class SessionForm(TitleFields, FieldsetForm):
    starts_at = forms.DateTimeField(label=_("Starts"), input_formats=[LOCAL_MINUTE, "%Y-%m-%d %H:%M"],
                                    error_messages={"invalid": DATE_TIME_HINT},
                                    widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_MINUTE))
    ends_at = forms.DateTimeField(label=_("Ends"), input_formats=[LOCAL_MINUTE, "%Y-%m-%d %H:%M"],
                                  error_messages={"invalid": DATE_TIME_HINT},
                                  widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_MINUTE))
    room = forms.CharField(max_length=100, required=False, label=_("Room"))
    speakers = forms.CharField(
        required=False, label=_("Speakers, one per line"), widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Name | role (moderator or speaker; speaker when left out). Each must be a known contact."))

    wide = {"speakers"}

    def __init__(self, *args, activity, **kwargs):
        self.zone = ZoneInfo(activity.timezone)
        starts, ends = activity.starts_at.astimezone(self.zone), activity.ends_at.astimezone(self.zone)
        kwargs.setdefault("initial", {"starts_at": starts.strftime(LOCAL_MINUTE),
                                      "ends_at": min(starts + timedelta(hours=1), ends).strftime(LOCAL_MINUTE)})
        super().__init__(*args, **kwargs)
        self.groups = [(gettext("Add a session"), ["title_en", "title_ja", "starts_at", "ends_at", "room", "speakers"])]
        hint = gettext("in the activity's time zone, %(tz)s") % {"tz": activity.timezone}
        for name in ("starts_at", "ends_at"):
            self.fields[name].help_text = hint
            self.fields[name].widget.attrs.update(min=starts.strftime(LOCAL_MINUTE), max=ends.strftime(LOCAL_MINUTE))

    def full_clean(self):
        # the times are typed in the activity's time zone, whatever the reader's
        with timezone.override(self.zone):
            super().full_clean()

    def session_input(self) -> dict:
        data = self.cleaned_data
        return {"title": self.title(), "starts_at": data["starts_at"], "ends_at": data["ends_at"],
                "room": data["room"]}


class ActivityForm(TitleFields, FieldsetForm):
    """A new learning activity; its times are typed in the time zone given beside them."""

    kind = forms.ChoiceField(choices=Activity.Kind.choices, label=_("Type"))
    partnership = forms.ChoiceField(required=False, label=_("Partnership"))
    starts_at = forms.CharField(label=_("Starts"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    ends_at = forms.CharField(label=_("Ends"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    timezone = TimeZoneField(label=_("Time zone"))
    venue = forms.CharField(max_length=255, required=False, label=_("Venue"))
    room = forms.CharField(max_length=100, required=False, label=_("Room"))
    online_url = forms.CharField(max_length=200, required=False, label=_("Online link"),
                                 widget=forms.URLInput())
    description_en = forms.CharField(required=False, label=_("Description (English)"),
                                     widget=forms.Textarea(attrs={"rows": 3}))
    description_ja = forms.CharField(required=False, label=_("Description (Japanese)"),
                                     widget=forms.Textarea(attrs={"rows": 3}))

    wide = {"description_en", "description_ja"}

    def __init__(self, *args, partnerships=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partnership"].choices = [("", "—"), *[(p.slug, p.title_text) for p in partnerships]]
        self.groups = [(gettext("New learning activity"), [
            "kind", "partnership", "title_en", "title_ja", "starts_at", "ends_at", "timezone", "venue", "room",
            "online_url", "description_en", "description_ja"])]

    def clean(self):
        data = super().clean()
        zone = ZoneInfo(data["timezone"]) if data.get("timezone") else None
        for name in ("starts_at", "ends_at"):
            if name not in data:
                continue
            try:
                data[name] = datetime.fromisoformat(data[name]).replace(tzinfo=zone)
            except ValueError:
                self.add_error(name, DATE_TIME_HINT)
        return data

    def activity_input(self) -> dict:
        data = self.cleaned_data
        return {"kind": data["kind"], "title": self.title(), "starts_at": data["starts_at"],
                "ends_at": data["ends_at"], "timezone": data["timezone"], "venue": data["venue"],
                "room": data["room"], "online_url": data["online_url"], "partnership": data["partnership"] or None,
                "description": compact({"en": data["description_en"], "ja": data["description_ja"]})}
