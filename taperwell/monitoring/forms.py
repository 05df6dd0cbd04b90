from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from taperwell.monitoring.models import Finding, Kind


class RecordForm(forms.Form):
    kind = forms.ChoiceField(label=_("What you are recording"), choices=Kind.choices)
    done_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    finding = forms.ChoiceField(
        label=_("Result (PDMP check or urine test)"),
        required=False,
        choices=[("", _("Choose…")), *Finding.choices],
    )
    summary = forms.CharField(
        label=_("Result summary"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: one prescriber, one pharmacy; or what the test found."),
    )
    action = forms.CharField(
        label=_("What was done about it"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed when the result was unexpected."),
    )
    renew_by = forms.DateField(
        label=_("Agreement: renew by"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty for the clinic's usual renewal."),
    )


class EnteredInErrorForm(forms.Form):
    reason = forms.CharField(label=_("Why is this entry in error?"), max_length=500)
    confirm = forms.BooleanField(
        label=_("Yes, mark this entry as entered in error. It stays on the record, struck through.")
    )
