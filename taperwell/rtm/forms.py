from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from taperwell.rtm.models import ActivityKind


class CareTimeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ActivityKind.choices)
    on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    minutes = forms.IntegerField(label=_("Minutes"), min_value=1, max_value=240)
    what = forms.CharField(
        label=_("What was done"),
        max_length=500,
        help_text=_("For example: reviewed two weeks of check-ins, adjusted the flare plan."),
    )
    timed = forms.BooleanField(required=False, widget=forms.HiddenInput)


class EnteredInErrorForm(forms.Form):
    reason = forms.CharField(label=_("Why is this entry in error?"), max_length=500)
    confirm = forms.BooleanField(
        label=_("Yes, mark it entered in error. It is kept, struck through, and no longer counted.")
    )
