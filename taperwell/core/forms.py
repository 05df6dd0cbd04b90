"""How every form field renders: one block per field, its label above the input and its hint
under it, so a grid of fields never pairs a label or a hint with the wrong input.

The block (`core/field.html`) and its label (`django/forms/label.html`) are written in Python
with the very markup those templates write: a form of a dozen questions, such as the daily
check-in, rendered two templates per field and spent a third of its time there.
`tests/patient/test_page_speed.py` compares both ways on the patient's forms.
"""

from __future__ import annotations

from typing import Any

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

from taperwell.core.widgets import attributes

FIELD_TEMPLATE = "core/field.html"
LABEL_TEMPLATE = "django/forms/label.html"


class FieldTemplatesRenderer(DjangoTemplates):
    """Every field through the templates (what `FieldBlockRenderer` writes in Python)."""

    field_template_name = FIELD_TEMPLATE


class FieldBlockRenderer(FieldTemplatesRenderer):
    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        if template_name == FIELD_TEMPLATE and "field" in context:
            return field_block(context["field"])
        if template_name == LABEL_TEMPLATE:
            return label(context)
        return super().render(template_name, context, request=request)


# (A renderer strips what a template writes, so neither block ends with the file's newline.)
def field_block(field: Any) -> SafeString:
    """`core/field.html`: the label (or a fieldset's legend), errors, input and hint."""
    if field.use_fieldset:
        described = field.aria_describedby
        opening = format_html(
            "<fieldset{}>{}",
            format_html(' aria-describedby="{}"', described) if described else "",
            field.legend_tag() if field.label else "",
        )
    else:
        opening = field.label_tag() if field.label else ""
    hint = ""
    if field.help_text:
        hint = format_html(
            '<div class="helptext"{}>{}</div>',
            format_html(' id="{}_helptext"', field.auto_id) if field.auto_id else "",
            mark_safe(field.help_text),  # noqa: S308 (the template's `|safe`: our own words)
        )
    errors = field.errors
    return format_html(
        '<div class="field">{}\n{}\n{}\n{}{}</div>',
        opening,
        # No errors write nothing: not drawn through the error list's two templates.
        errors if errors else "",
        field,
        hint,
        mark_safe("</fieldset>") if field.use_fieldset else "",
    )


def label(context: dict[str, Any]) -> SafeString:
    """`django/forms/label.html` (with `attrs.html`)."""
    if not context["use_tag"]:
        return conditional_escape(context["label"])
    tag = conditional_escape(context["tag"])
    return format_html(
        "<{}{}>{}</{}>", tag, attributes(context["attrs"] or {}), context["label"], tag
    )
