from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from taperwell.clinical.taper_catalogue import load_paces
from taperwell.tapering.models import RevisionKind


def pace_choices() -> list[tuple[str, str]]:
    return [(p.id, f"{p.label} ({p.source})") for p in load_paces()]


class DraftForm(forms.Form):
    pace = forms.ChoiceField(label=_("Pace"), choices=pace_choices, initial="standard")
    percent = forms.DecimalField(
        label=_("Percent per step (optional)"), required=False, min_value=1, max_value=50
    )
    interval_days = forms.IntegerField(
        label=_("Days between steps (optional)"), required=False, min_value=1, max_value=120
    )
    start_date = forms.DateField(
        label=_("Start date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    order = forms.MultipleChoiceField(
        label=_("Taper first (in this order)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty to let the engine choose (short-acting first)."),
    )
    patient_preference = forms.CharField(
        label=_("The patient's preference and reasons"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    rapid_reason = forms.CharField(
        label=_("Safety reason (only for a rapid taper)"), required=False, max_length=500
    )

    def __init__(self, *args, drugs: list[str] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["order"].choices = [(d, d) for d in drugs]


class ApproveForm(forms.Form):
    agreement = forms.CharField(
        label=_("What was agreed with the patient"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    # The start date the clinician was shown: a draft whose date has passed is re-dated to the
    # approval day, and approved only once those new dates have been seen.
    shown_start = forms.DateField(required=False, widget=forms.HiddenInput)
    confirm_increase = forms.BooleanField(
        label=_(
            "I confirm this dose increase. I have told the patient about the overdose risk "
            "and checked naloxone."
        ),
        required=False,
    )


class DiscardForm(forms.Form):
    reason = forms.CharField(
        label=_("Why discard this draft? (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


COMPLETE = "complete"  # not a revision: the plan is finished (`plan_complete`)
KIND_CHOICES = [
    *RevisionKind.choices,
    (COMPLETE, _("Finish the plan (its last step has begun)")),
]


class ReviseForm(forms.Form):
    kind = forms.ChoiceField(label=_("Decision"), choices=KIND_CHOICES)
    on = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(
        label=_("Reason (the patient sees it)"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    percent = forms.DecimalField(
        label=_("New percent per step (slow down)"), required=False, min_value=1, max_value=50
    )
    interval_days = forms.IntegerField(
        label=_("New days between steps (slow down)"), required=False, min_value=7, max_value=120
    )
    to_index = forms.IntegerField(
        label=_("Back to step (step back; 0 = the starting dose)"), required=False, min_value=0
    )
    # Set when the decision answers a care flag's suggested action; the flag is resolved with it.
    flag = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if data.get("kind") == RevisionKind.SLOW_DOWN and not (
            data.get("percent") and data.get("interval_days")
        ):
            self.add_error("percent", _("Give the slower percent and days between steps."))
        return data


class TreatmentDecisionForm(forms.Form):
    """Concern for opioid use disorder and medication treatment (CDC-2022 Rec 12)."""

    oud_concern = forms.BooleanField(
        label=_("Concern for opioid use disorder (assessed by the prescriber)"), required=False
    )
    step = forms.ChoiceField(label=_("What was decided"), choices=())
    medicine = forms.ChoiceField(label=_("Medicine"), choices=())
    on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(
        label=_("What was seen and agreed (the care team reads it; the patient gets plain words)"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        from taperwell.tapering.treatment import TreatmentMedicine, TreatmentStep

        super().__init__(*args, **kwargs)
        self.fields["step"].choices = TreatmentStep.choices
        self.fields["medicine"].choices = TreatmentMedicine.choices
