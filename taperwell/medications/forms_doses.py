"""The dose card's two small forms: "Taken" and "Undo"."""

from __future__ import annotations

from django import forms

RETURN_TO = (("today", "today"), ("medicines", "medicines"))


class DoseTakenForm(forms.Form):
    key = forms.UUIDField(widget=forms.HiddenInput)
    time = forms.RegexField(regex=r"^\d{2}:\d{2}$", required=False, widget=forms.HiddenInput)
    line = forms.CharField(max_length=120, required=False, widget=forms.HiddenInput)
    next = forms.ChoiceField(choices=RETURN_TO, required=False, widget=forms.HiddenInput)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if bool(data.get("time")) == bool(data.get("line")):
            raise forms.ValidationError("Choose one dose card.")
        return data


class DoseUndoForm(forms.Form):
    key = forms.UUIDField(widget=forms.HiddenInput)
    next = forms.ChoiceField(choices=RETURN_TO, required=False, widget=forms.HiddenInput)
