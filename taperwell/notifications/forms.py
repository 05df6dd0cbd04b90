from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from taperwell.notifications.models import CalendarAlarm, Kind, Preference
from taperwell.notifications.schedule import parse_times


class PreferenceForm(forms.ModelForm):
    kinds = forms.MultipleChoiceField(
        label=_("Remind me about"),
        choices=Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Preference
        fields = [
            "time_zone",
            "checkin_time",
            "practice_time",
            "dose_times",
            "quiet_start",
            "quiet_end",
            "email",
        ]
        widgets = {
            name: forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
            for name in ("checkin_time", "practice_time", "quiet_start", "quiet_end")
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kinds"].initial = [k for k in Kind.values if self.instance.wants(k)]

    def clean_dose_times(self) -> str:
        text = self.cleaned_data.get("dose_times", "").strip()
        if text and not parse_times(text):
            raise forms.ValidationError(_("Write times like 08:00, 20:00."))
        return ", ".join(t.strftime("%H:%M") for t in parse_times(text))

    def save(self, commit: bool = True) -> Preference:
        chosen = set(self.cleaned_data.get("kinds") or [])
        self.instance.switched_off = [k for k in Kind.values if k not in chosen]
        return super().save(commit=commit)


class CalendarNamesForm(forms.Form):
    show_drug_names = forms.BooleanField(
        label=_("Show medicine names in my calendar"), required=False
    )
    alarm_minutes = forms.TypedChoiceField(
        label=_("Should your calendar remind you before each event?"),
        choices=CalendarAlarm.choices,
        coerce=int,
        initial=CalendarAlarm.TEN_MINUTES,
        widget=forms.RadioSelect,
        required=False,  # "Stop this calendar" sends no choice; a new address then takes 10 minutes
        empty_value=None,
    )
