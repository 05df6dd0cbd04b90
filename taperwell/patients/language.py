"""The patient's own choice of language, on their account page (`/account/language/`).

The care team sets it on the invitation or the record page; the patient can change it here.
The change is audited like any identity field (`patient_identity_update`).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from taperwell.access import own_patient_record
from taperwell.patients.decorators import patient_page
from taperwell.patients.models import Language
from taperwell.patients.services import patient_identity_update

# Each language in its own words, so someone who reads only one of them can find it.
OWN_NAMES = {Language.ENGLISH: "English", Language.SPANISH: "Español"}


class LanguageForm(forms.Form):
    preferred_language = forms.ChoiceField(
        label=gettext_lazy("Language for taperwell"),
        choices=[(code, OWN_NAMES.get(code, str(name))) for code, name in Language.choices],
        widget=forms.RadioSelect,
    )


@require_POST
@patient_page
def language_change(request: HttpRequest) -> HttpResponse:
    patient = own_patient_record(request, what="language", write=True)
    form = LanguageForm(request.POST)
    if form.is_valid():
        code = form.cleaned_data["preferred_language"]
        patient_identity_update(patient=patient, by=request.user, preferred_language=code)
        translation.activate(code)
        messages.success(request, _("Saved. taperwell now speaks your language."))
    return redirect("account_change_password")


def language_form_for(request: HttpRequest) -> LanguageForm | None:
    """The form, filled in with the patient's language; None for anyone who is not a patient."""
    from taperwell.access import own_patient

    patient = own_patient(request)
    if patient is None:
        return None
    return LanguageForm(initial={"preferred_language": patient.preferred_language})
