from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class GoalForm(forms.Form):
    title = forms.CharField(
        label=_("What would you like to do again, or do more of?"),
        max_length=160,
        help_text=_("For example: play on the floor with my grandson; walk to the mailbox."),
        error_messages={"required": _("Please write a few words about your goal.")},
    )
    why = forms.CharField(
        label=_("Why does it matter to you? (optional)"), max_length=300, required=False
    )


class ActivityForm(forms.Form):
    title = forms.CharField(
        label=_("One small step this week"),
        max_length=160,
        help_text=_("Something small enough to do even on a harder day."),
        error_messages={"required": _("Please write a small step.")},
    )
    times_per_week = forms.TypedChoiceField(
        label=_("How many times this week?"),
        choices=[(n, str(n)) for n in range(1, 8)],
        coerce=int,
        initial=3,
    )
