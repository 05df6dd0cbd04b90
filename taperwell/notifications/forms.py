from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from taperwell.core.clock import clock
from taperwell.notifications.models import CalendarAlarm, Kind, Preference
from taperwell.notifications.schedule import parse_times

# "8 AM", "8:30 pm", "8:30 p.m.": how a US patient writes a time. "20:30" is understood too.
_TWELVE_HOUR = re.compile(r"^(\d{1,2})(?::([0-5]\d))?\s*([ap])\.?\s*m?\.?$", re.IGNORECASE)


def parse_dose_times(text: str) -> list[dt.time] | None:
    """The times in "8:00 AM, 8:00 PM" (or "08:00, 20:00"), sorted; None if a part is no time."""
    times: list[dt.time] = []
    for part in (p.strip() for p in re.split(r"[,;]+", text)):
        if not part:
            continue
        match = _TWELVE_HOUR.match(part)
        if match:
            hour, minute = int(match.group(1)), int(match.group(2) or 0)
            if not 1 <= hour <= 12:
                return None
            times.append(dt.time(hour % 12 + (12 if match.group(3).lower() == "p" else 0), minute))
            continue
        found = parse_times(part)
        if not found or len(found) != len(part.split()):
            return None
        times.extend(found)
    return sorted(set(times))


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
        # Kept as "08:00, 20:00" for the reminders; shown and typed as "8:00 AM, 8:00 PM".
        self.fields["dose_times"].help_text = _(
            "For example 8:00 AM, 8:00 PM. Used when your plan does not set times. "
            "Dose reminders are not held back by quiet hours."
        )
        if self.instance.dose_times:
            self.initial["dose_times"] = ", ".join(
                clock(t) for t in parse_times(self.instance.dose_times)
            )

    def clean_dose_times(self) -> str:
        text = self.cleaned_data.get("dose_times", "").strip()
        times = parse_dose_times(text)
        if text and not times:
            raise forms.ValidationError(_("Write times like 8:00 AM, 8:00 PM."))
        return ", ".join(t.strftime("%H:%M") for t in times or [])

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
