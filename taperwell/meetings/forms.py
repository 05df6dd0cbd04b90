from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from taperwell.meetings.models import GroupSession


class SessionForm(forms.ModelForm):
    video_url = forms.URLField(label=_("video link"), required=False, assume_scheme="https")
    weeks = forms.IntegerField(
        label=_("Repeat weekly for how many weeks?"), min_value=1, max_value=26, initial=1
    )

    class Meta:
        model = GroupSession
        fields = [
            "title",
            "kind",
            "description",
            "starts_at",
            "duration_minutes",
            "place",
            "location",
            "video_url",
            "capacity",
        ]
        widgets = {"starts_at": forms.DateTimeInput(attrs={"type": "datetime-local"})}
        help_texts = {"starts_at": _("In the clinic's time zone.")}

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("place") == "video" and not data.get("video_url"):
            self.add_error("video_url", _("Add the video link for a video session."))
        return data
