"""Forms for logging a practice and writing the flare plan."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from taperwell.skills.models import FLARE_PLAN_FIELDS, MAX_SESSION_MINUTES, FlarePlan


def _rating(label: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=10,
        widget=forms.NumberInput(attrs={"min": 0, "max": 10, "inputmode": "numeric"}),
        help_text=_("0 = none, 10 = the worst you can imagine. You can leave it empty."),
    )


class BeforeForm(forms.Form):
    pain_before = _rating(_("Pain now, before you start"))
    distress_before = _rating(_("Distress or upset now, before you start"))


class AfterForm(forms.Form):
    pain_after = _rating(_("Pain now, after the practice"))
    distress_after = _rating(_("Distress or upset now, after the practice"))
    minutes = forms.IntegerField(
        label=_("Minutes you practiced"),
        min_value=1,
        max_value=MAX_SESSION_MINUTES,
        widget=forms.NumberInput(
            attrs={"min": 1, "max": MAX_SESSION_MINUTES, "inputmode": "numeric"}
        ),
        error_messages={"required": _("Please say how many minutes, even a rough guess.")},
    )


class PracticeLogForm(BeforeForm, AfterForm):
    """Both halves, posted together; the page shows the first half before the practice."""


PROMPTS = {
    "warning_signs": _("For example: I stop moving, I tense my shoulders, I can't sleep."),
    "first_steps": _(
        "A few small steps, in order. For example: sit down, slow my breathing "
        "for 5 minutes, heat pack on my back."
    ),
    "skills": _("For example: breathing pacer, body scan, urge surfing."),
    "people": _("Names and numbers of people who can help or just keep you company."),
    "comforts": _("For example: a warm shower, gentle stretching, a walk, music, my dog."),
    "call_clinic_when": _(
        "For example: the pain is new or different, I have a fever, or the "
        "flare lasts more than 2 days."
    ),
}


class FlarePlanForm(forms.ModelForm):
    class Meta:
        model = FlarePlan
        fields = FLARE_PLAN_FIELDS
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in FLARE_PLAN_FIELDS}
        help_texts = PROMPTS
