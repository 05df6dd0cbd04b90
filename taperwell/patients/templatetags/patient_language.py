"""`{% language_form as form %}`: the patient's language choice, for the account page."""

from __future__ import annotations

from typing import Any

from django import template

from taperwell.patients.language import LanguageForm, language_form_for

register = template.Library()


@register.simple_tag(takes_context=True)
def language_form(context: dict[str, Any]) -> LanguageForm | None:
    return language_form_for(context["request"])
