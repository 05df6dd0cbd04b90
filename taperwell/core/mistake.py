"""Marking one's own entry as a mistake (entered in error), for check-ins, goal steps done and
practices: a reason and a tick to confirm, as care notes and medicines ask of clinicians. The
entry is kept, struck through, and no longer counted."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class MistakeForm(forms.Form):
    reason = forms.CharField(label=_("What was wrong with it?"), max_length=500)
    confirm = forms.BooleanField(
        label=_("Yes, mark it as a mistake. It stays in my record, but it no longer counts.")
    )


MISTAKE_NOT_SAVED = _(
    "Nothing was changed. To mark it as a mistake, say what was wrong and tick the box."
)
