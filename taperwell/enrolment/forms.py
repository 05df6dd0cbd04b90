from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from taperwell.clinics.models import Clinic, Membership, Role
from taperwell.enrolment.models import InvitationMethod
from taperwell.patients.forms import clean_identity, identity_widgets
from taperwell.patients.models import Patient


class InvitationForm(forms.Form):
    full_name = forms.CharField(label=_("Patient's full name"), max_length=150)
    method = forms.ChoiceField(
        label=_("How should we invite them?"),
        choices=InvitationMethod.choices,
        widget=forms.RadioSelect,
        initial=InvitationMethod.EMAIL,
    )
    email = forms.EmailField(
        label=_("Patient's email"),
        required=False,
        help_text=_("Needed for an email invitation. Leave empty to print a code instead."),
    )
    primary_clinician = forms.ModelChoiceField(
        label=_("Primary clinician"), queryset=Membership.objects.none(), required=False
    )
    date_of_birth = Patient._meta.get_field("date_of_birth").formfield(
        widget=identity_widgets()["date_of_birth"]
    )
    record_number = Patient._meta.get_field("record_number").formfield()
    phone = Patient._meta.get_field("phone").formfield(widget=identity_widgets()["phone"])
    preferred_language = Patient._meta.get_field("preferred_language").formfield(required=False)

    def __init__(self, *args: object, clinic: Clinic, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.clinic = clinic
        self.fields["primary_clinician"].queryset = (  # type: ignore[attr-defined]
            Membership.objects.filter(
                clinic=clinic, role=Role.CLINICIAN, is_active=True
            ).select_related("user")
        )
        self.fields["primary_clinician"].label_from_instance = lambda m: m.user.full_name  # type: ignore[attr-defined]

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("method") == InvitationMethod.EMAIL and not data.get("email"):
            self.add_error("email", _("Add the patient's email, or choose a printed code."))
        clean_identity(self, clinic=self.clinic, patient=None)
        return data


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Your invitation code"),
        max_length=20,
        help_text=_(
            "Eight letters and numbers, as printed on the paper from the clinic. "
            "For example: K7QF-3M9P."
        ),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "characters",
                "spellcheck": "false",
            }
        ),
    )


class AccountForm(forms.Form):
    preferred_name = forms.CharField(
        label=_("What should we call you?"), max_length=60, required=False
    )
    email = forms.EmailField(
        label=_("Your email"),
        help_text=_("You will use this to sign in."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password = forms.CharField(
        label=_("Choose a password"),
        strip=False,
        help_text=_("At least 10 characters. A short sentence you will remember works well."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}, render_value=True),
    )
    password_again = forms.CharField(
        label=_("Type the password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}, render_value=True),
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error(
                "password_again", _("The two passwords are not the same. Please try again.")
            )
        return data


class ConsentForm(forms.Form):
    TAPER_CHOICES = [
        ("yes", _("I would like to talk with my clinician about lowering my dose slowly.")),
        ("no", _("For now, I want the skills and the check-ins, without a taper.")),
        ("unsure", _("I am not sure yet.")),
    ]
    agree = forms.BooleanField(
        label=_("I have read this, and I agree to take part in the program."),
        error_messages={
            "required": _("Please tick the box to agree, or talk to the clinic first.")
        },
    )
    tapering = forms.ChoiceField(
        label=_("About tapering"), choices=TAPER_CHOICES, widget=forms.RadioSelect, initial="unsure"
    )

    def wants_to_taper(self) -> bool | None:
        return {"yes": True, "no": False}.get(self.cleaned_data["tapering"])
