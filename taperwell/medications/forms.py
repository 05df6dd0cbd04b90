from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from taperwell.clinical.formulary import load_formulary
from taperwell.medications.models import MedicationStatus, PatientMedication, RiskProfile


def drug_choices() -> list[tuple[str, str]]:
    return [
        ("", _("Choose a medicine")),
        *sorted(((d.name, d.name) for d in load_formulary()), key=lambda c: c[1]),
    ]


def _times(value: str) -> list[str]:
    times = []
    for part in value.replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        hours, _sep, minutes = part.partition(":")
        if not (hours.isdigit() and minutes.isdigit() and len(minutes) == 2):
            raise forms.ValidationError(_("Write times like 08:00, 20:00."))
        if int(hours) > 23 or int(minutes) > 59:
            raise forms.ValidationError(_("Write times like 08:00, 20:00."))
        times.append(f"{int(hours):02d}:{minutes}")
    return times


class MedicationForm(forms.ModelForm):
    drug = forms.ChoiceField(label=_("Medicine (from the formulary)"), choices=drug_choices)
    times_text = forms.CharField(
        label=_("Scheduled times"),
        required=False,
        help_text=_("For example 08:00, 20:00. Leave empty for as-needed only."),
    )
    reason = forms.CharField(label=_("Reason for the change"), required=False, max_length=500)

    class Meta:
        model = PatientMedication
        fields = [
            "drug",
            "form",
            "release",
            "strength",
            "unit",
            "as_needed",
            "max_prn_per_day",
            "directions",
            "started_on",
        ]
        widgets = {
            "started_on": forms.DateInput(attrs={"type": "date"}),
            "directions": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["times_text"].initial = ", ".join(self.instance.times or [])
        self.fields["strength"].required = True
        self.fields["unit"].required = True
        self.fields["unit"].help_text = _("mg, or mcg/h for a patch")

    def clean_times_text(self) -> list[str]:
        return _times(self.cleaned_data.get("times_text", ""))

    def clean(self):
        data = super().clean()
        if not data.get("times_text") and not data.get("as_needed"):
            self.add_error("times_text", _("Give the times, or tick 'as needed'."))
        drug = load_formulary().find(data.get("drug") or "")
        products = list(drug.products) if drug is not None else []
        form = (data.get("form") or "").strip().casefold()
        if form and any(p.form.casefold() == form for p in products):
            # The form can settle it: a fentanyl patch is only ever one release.
            products = [p for p in products if p.form.casefold() == form]
        releases = {p.release for p in products}
        if {"IR", "ER"} <= releases and not data.get("release"):
            # The same milligrams are a very different medicine as IR or ER: never guess.
            self.add_error(
                "release",
                _("%(drug)s comes as immediate or extended release: choose which one.")
                % {"drug": drug.name},  # type: ignore[union-attr]
            )
        return data

    def service_fields(self) -> dict:
        data = {k: self.cleaned_data[k] for k in self.Meta.fields}
        data["times"] = self.cleaned_data["times_text"]
        return data


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Change"),
        choices=[
            (MedicationStatus.STOPPED, _("Stopped")),
            (MedicationStatus.ENTERED_IN_ERROR, _("Entered in error")),
        ],
    )
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)
    confirm = forms.BooleanField(
        label=_("Yes, mark it entered in error. It stays in the history, struck through."),
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("status") == MedicationStatus.ENTERED_IN_ERROR:
            # One click must never take a medicine off the record: say why, and confirm.
            if not (data.get("reason") or "").strip():
                self.add_error("reason", _("Say why this entry is in error."))
            if not data.get("confirm"):
                self.add_error("confirm", _("Tick the box to confirm."))
        return data


class RiskProfileForm(forms.ModelForm):
    ort_text = forms.CharField(
        label=_("ORT answers (10 items, 0 or 1, comma separated)"), required=False
    )

    class Meta:
        model = RiskProfile
        # Naloxone is not asked here: its one status comes from the patient's naloxone plan and
        # the medicine list (`selectors.naloxone_status`), the same on every page.
        fields = ["overdose", "substance_use_disorder", "sleep_apnea", "sex"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.ort_answers:
            self.fields["ort_text"].initial = ", ".join(str(a) for a in self.instance.ort_answers)

    def clean_ort_text(self):
        text = self.cleaned_data.get("ort_text", "").strip()
        if not text:
            return None
        try:
            answers = [int(a) for a in text.replace(" ", "").split(",") if a]
        except ValueError as error:
            raise forms.ValidationError(_("Use whole numbers separated by commas.")) from error
        if len(answers) != 10:
            raise forms.ValidationError(_("The ORT has 10 items."))
        return answers

    def clean(self):
        data = super().clean()
        if data.get("ort_text") and not data.get("sex"):
            self.add_error("sex", _("The ORT is scored by sex; choose one."))
        return data
