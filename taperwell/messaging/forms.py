from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from taperwell.messaging.files import attachment_type
from taperwell.messaging.models import ClinicMessaging
from taperwell.patients.models import Patient


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    attachment = forms.FileField(
        label=_("Add a photo or PDF (optional)"),
        required=False,
        help_text=_("Photos (JPEG, PNG, GIF, WebP) or PDF, up to 5 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*,application/pdf"}),
    )

    def clean_attachment(self) -> Any:
        upload = self.cleaned_data.get("attachment")
        if upload:
            try:
                attachment_type(upload)
            except ValidationError as problem:
                raise forms.ValidationError(problem.messages) from problem
        return upload


class ThreadForm(MessageForm):
    field_order = ["patient", "subject", "body", "attachment"]
    subject = forms.CharField(label=_("What is it about?"), max_length=120)

    def __init__(
        self, *args: Any, patients: QuerySet[Patient] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if patients is not None:
            self.fields["patient"] = forms.ModelChoiceField(
                label=_("Patient"), queryset=patients, to_field_name="public_id"
            )
            self.order_fields(self.field_order)


class ReplyTimeForm(forms.ModelForm):
    class Meta:
        model = ClinicMessaging
        fields = ["reply_expectation"]


__all__ = ["MessageForm", "Patient", "ReplyTimeForm", "ThreadForm"]
