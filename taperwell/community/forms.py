from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from taperwell.community.models import ReactionKind


class JoinForm(forms.Form):
    display_name = forms.CharField(
        label=_("The name others see"),
        max_length=40,
        help_text=_("It does not have to be your real name. You can change it later."),
    )


class TopicForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    body = forms.CharField(
        label=_("Your post"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5})
    )


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your reply"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReactionForm(forms.Form):
    kind = forms.ChoiceField(choices=ReactionKind.choices)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=240, required=False)


class MuteForm(forms.Form):
    days = forms.IntegerField(label=_("For how many days?"), min_value=1, max_value=90, initial=7)
    reason = forms.CharField(label=_("Reason"), max_length=240)
