"""The clinic admin's settings form: crisis numbers, where the clinic is, guideline, cadences."""

from __future__ import annotations

import zoneinfo
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from taperwell.checkins.models import Instrument, QuestionnaireSchedule
from taperwell.checkins.selectors import DEFAULT_SCHEDULE, QUESTIONNAIRE_ORDER, schedule_for
from taperwell.clinical.guidelines import DEFAULT_PACK, available_packs, available_states, load_pack
from taperwell.clinics.models import Clinic, validate_time_zone

# The settings on the Clinic row that this form changes, in the order they are audited.
CLINIC_SETTINGS = (
    "crisis_line_number",
    "crisis_line_text",
    "crisis_line_text_es",
    "emergency_number",
    "phone",
    "time_zone",
    "jurisdiction",
    "guideline_pack",
    "maintenance_checkin_every_days",
    "staff_can_read_clinical_notes",
)
SCHEDULE_PREFIX = "every_"
MOST_DAYS_BETWEEN_QUESTIONNAIRES = 366  # what QuestionnaireSchedule.every_days allows


class TelInput(forms.TextInput):
    input_type = "tel"


class StateField(forms.ChoiceField):
    """A two-letter state code, upper-cased before it is checked against the choices."""

    def to_python(self, value: Any) -> str:
        return str(super().to_python(value)).strip().upper()


def state_choices(current: str = "") -> list[tuple[str, str]]:
    """ "None" plus every state that has a guideline overlay pack (and the clinic's own state,
    should it have none, so saving other settings never changes it)."""
    choices = [("", str(_("None: the federal guideline only")))]
    for code in available_states():
        overlay = load_pack(DEFAULT_PACK, state=code).state
        name = overlay.title.split(":")[0] if overlay is not None else code
        choices.append((code, f"{code} ({name})"))
    if current and current not in {code for code, _label in choices}:
        choices.append((current, str(_("%(code)s (no state pack yet)") % {"code": current})))
    return choices


def pack_choices(current: str = "") -> list[tuple[str, str]]:
    """The federal base packs (cdc-2022, cdc-2016), never the state overlays."""
    # The id first: on a phone the select shows only the start of the label.
    choices = [(name, f"{name}: {load_pack(name).title}") for name in available_packs()]
    if current and current not in available_packs():
        choices.append((current, str(_("%(name)s (not installed)") % {"name": current})))
    return choices


def time_zone_like(value: str) -> str | None:
    """The time zone someone meant when they typed a space or the wrong capitals, if any."""
    wanted = value.strip().replace(" ", "_").lower()
    return next((zone for zone in zoneinfo.available_timezones() if zone.lower() == wanted), None)


def schedule_help(instrument: str) -> str:
    days, only_tapering = DEFAULT_SCHEDULE[instrument]
    if only_tapering:
        return str(
            _("Leave empty for the default: every %(days)s days, only while tapering.")
            % {"days": days}
        )
    return str(_("Leave empty for the default: every %(days)s days.") % {"days": days})


class ClinicSettingsForm(forms.Form):
    crisis_line_number = forms.CharField(
        label=_("Crisis line number"),
        max_length=32,
        widget=TelInput,
        help_text=_(
            "Shows in the red crisis bar at the top of every patient page, and on the "
            "help-now screen. 988 is the national Suicide & Crisis Lifeline."
        ),
    )
    crisis_line_text = forms.CharField(
        label=_("Crisis line wording"),
        max_length=240,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "The words patients read on the crisis help page, which the crisis bar links to. "
            "Short and plain; up to 240 characters."
        ),
    )
    crisis_line_text_es = forms.CharField(
        label=_("Crisis line wording in Spanish"),
        max_length=240,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "lang": "es"}),
        help_text=_(
            "What patients who read Spanish see instead. 988 answers in Spanish: callers press 2, "
            "or text AYUDA to 988. Left empty, they see the English wording."
        ),
    )
    emergency_number = forms.CharField(
        label=_("Emergency number"),
        max_length=16,
        widget=TelInput,
        help_text=_("For danger right now. Shown at the foot of every page and on crisis help."),
    )
    phone = forms.CharField(
        label=_("Clinic phone"),
        max_length=32,
        required=False,
        widget=TelInput,
        help_text=_("Shown at the foot of every page so patients can call you. Empty hides it."),
    )
    time_zone = forms.CharField(
        label=_("Time zone"),
        max_length=64,
        widget=forms.TextInput(attrs={"autocapitalize": "off", "spellcheck": "false"}),
        help_text=_(
            "Decides which day a check-in belongs to and when reminders go out. For example "
            "America/New_York, America/Chicago, America/Denver or America/Los_Angeles."
        ),
    )
    jurisdiction = StateField(
        label=_("State"),
        required=False,
        help_text=_(
            "Adds your state's prescribing rules (dose thresholds, naloxone) to taper plans "
            "and reviews. Only states that have a rules pack are listed."
        ),
    )
    guideline_pack = forms.ChoiceField(
        label=_("Federal guideline"),
        help_text=_(
            "The guideline used for morphine-equivalent doses and their thresholds in taper "
            "plans and medicine reviews."
        ),
    )
    maintenance_checkin_every_days = forms.IntegerField(
        label=_("Check-ins after the taper, every how many days"),
        min_value=1,
        max_value=28,
        error_messages={
            "min_value": _("Choose a number from 1 to 28."),
            "max_value": _("Choose a number from 1 to 28."),
        },
        help_text=_(
            "Once a taper is finished, patients are asked to check in this often (daily while "
            "tapering). From 1 to 28 days."
        ),
    )
    staff_can_read_clinical_notes = forms.BooleanField(
        label=_("Front-desk staff may read clinical notes"),
        required=False,
        help_text=_(
            "When ticked, front-desk staff and admins can read clinicians' notes on a patient's "
            "care page. Clinicians always can. Leave it off unless they need them."
        ),
    )

    def __init__(self, data: Any = None, *, clinic: Clinic) -> None:
        super().__init__(
            data, initial={name: getattr(clinic, name) for name in CLINIC_SETTINGS}, label_suffix=""
        )
        self.fields["jurisdiction"].choices = state_choices(clinic.jurisdiction)
        self.fields["guideline_pack"].choices = pack_choices(clinic.guideline_pack)
        stored = {
            row.instrument: row.every_days
            for row in QuestionnaireSchedule.objects.filter(clinic=clinic, active=True)
        }
        labels = dict(Instrument.choices)
        self.instruments = [i for i in QUESTIONNAIRE_ORDER if i in schedule_for(clinic)]
        for instrument in self.instruments:
            self.fields[SCHEDULE_PREFIX + instrument] = forms.IntegerField(
                label=_("%(name)s: every how many days") % {"name": labels[instrument]},
                required=False,
                min_value=1,
                max_value=MOST_DAYS_BETWEEN_QUESTIONNAIRES,
                initial=stored.get(instrument),
                error_messages={
                    "min_value": _("Choose a number from 1 to 366, or leave it empty."),
                    "max_value": _("Choose a number from 1 to 366, or leave it empty."),
                },
                help_text=schedule_help(instrument),
            )

    def clean_time_zone(self) -> str:
        value: str = self.cleaned_data["time_zone"]
        try:
            validate_time_zone(value)
        except forms.ValidationError:
            guess = time_zone_like(value)
            if guess is None:
                raise
            raise forms.ValidationError(
                _("%(value)s is not a time zone we know. Did you mean %(guess)s?"),
                params={"value": value, "guess": guess},
            ) from None
        return value

    def clean_crisis_line_text(self) -> str:
        return " ".join(self.cleaned_data["crisis_line_text"].split())

    def clean_crisis_line_text_es(self) -> str:
        return " ".join(self.cleaned_data["crisis_line_text_es"].split())

    def fields_with_errors(self) -> list[forms.BoundField]:
        return [field for field in self if field.errors]

    def schedule_fields(self) -> list[forms.BoundField]:
        return [self[SCHEDULE_PREFIX + instrument] for instrument in self.instruments]

    def clinic_values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in CLINIC_SETTINGS}

    def schedule_values(self) -> dict[str, int | None]:
        return {i: self.cleaned_data[SCHEDULE_PREFIX + i] for i in self.instruments}
