"""The care team's edit of a patient's identity: what matches them to the clinic's EHR record."""

from __future__ import annotations

import zoneinfo
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from taperwell.patients.models import Patient

if TYPE_CHECKING:
    from taperwell.clinics.models import Clinic

IDENTITY_FIELDS = ("date_of_birth", "record_number", "phone", "preferred_language")


def identity_widgets() -> dict[str, Any]:
    return {
        "date_of_birth": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    }


def clean_identity(form: forms.Form, *, clinic: Clinic, patient: Patient | None) -> None:
    """A birth date not in the future, and a record number not already used at this clinic."""
    from taperwell.patients.selectors import record_number_taken

    data = form.cleaned_data
    born = data.get("date_of_birth")
    today = timezone.now().astimezone(zoneinfo.ZoneInfo(clinic.time_zone)).date()
    if born and born > today:
        form.add_error("date_of_birth", _("The date of birth cannot be in the future."))
    number = (data.get("record_number") or "").strip()
    data["record_number"] = number
    if number and record_number_taken(clinic, number, patient=patient):
        form.add_error("record_number", _("Another patient at this clinic has this record number."))


class IdentityForm(forms.ModelForm):
    class Meta:
        model = Patient
        fields = IDENTITY_FIELDS
        widgets = identity_widgets()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        clean_identity(self, clinic=self.instance.clinic, patient=self.instance)
        return data

    def validate_unique(self) -> None:
        """The clinic's record-number check above says it in words; skip the generic one."""
