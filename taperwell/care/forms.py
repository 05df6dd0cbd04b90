from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from taperwell.care.models import RULE_LABELS, ClinicalNote, Resolution

SCOPE_CHOICES = [("mine", _("My patients")), ("all", _("Whole clinic"))]


class TriageFilterForm(forms.Form):
    q = forms.CharField(label=_("Search by name"), required=False, max_length=80)
    scope = forms.ChoiceField(label=_("Show"), choices=SCOPE_CHOICES, required=False)
    rule = forms.ChoiceField(
        label=_("Flag type"),
        required=False,
        choices=[("", _("Any flag or none")), *sorted(RULE_LABELS.items(), key=lambda x: x[1])],
    )
    paused = forms.BooleanField(label=_("Paused tapers only"), required=False)
    quiet = forms.IntegerField(
        label=_("No check-in for at least (days)"), required=False, min_value=1, max_value=365
    )

    def __init__(self, *args: Any, clinical: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not clinical:
            # Filtering by flag type would tell front desk the reason.
            del self.fields["rule"]


class AcknowledgeForm(forms.Form):
    note = forms.CharField(
        label=_("Note (what you did or will do)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ResolveForm(forms.Form):
    resolution = forms.ChoiceField(label=_("What was done"), choices=Resolution.choices)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, taper_paused: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not taper_paused:
            # "Paused the taper" only once it is paused: the flag's "Pause the taper" does it.
            self.fields["resolution"].choices = [
                c for c in Resolution.choices if c[0] != Resolution.PAUSED
            ]


class NoteForm(forms.ModelForm):
    class Meta:
        model = ClinicalNote
        fields = ["body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 3})}


class EnteredInErrorForm(forms.Form):
    reason = forms.CharField(label=_("Why is this entry in error?"), max_length=500)
    confirm = forms.BooleanField(
        label=_("Yes, mark this entry as entered in error. It stays on the record, struck through.")
    )


class EncouragementForm(forms.Form):
    body = forms.CharField(
        label=_("Message of encouragement"),
        max_length=280,
        # Never pre-filled: a stock "well done" can land next to a self-harm flag. The clinician
        # writes to this person, about what they see today.
        help_text=_("Write it for this person, after reading their flags and check-ins."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
