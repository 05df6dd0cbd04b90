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
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from taperwell.core.markup import escape
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
        described = f' aria-describedby="{escape(described)}"' if described else ""
        legend = escape(field.legend_tag()) if field.label else ""
        opening = f"<fieldset{described}>{legend}"
    else:
        opening = escape(field.label_tag()) if field.label else ""
    # No errors: the error list's template writes nothing, so it is not rendered at all.
    errors = escape(field.errors) if field.errors else ""
    hint = ""
    if field.help_text:
        hint_id = f' id="{escape(field.auto_id)}_helptext"' if field.auto_id else ""
        # The template's `|safe`: our own words.
        hint = f'<div class="helptext"{hint_id}>{field.help_text!s}</div>'
    closing = "</fieldset>" if field.use_fieldset else ""
    return mark_safe(  # noqa: S308 (each value escaped, the hint our own words)
        f'<div class="field">{opening}\n{errors}\n{escape(field)}\n{hint}{closing}</div>'
    )


def label(context: dict[str, Any]) -> SafeString:
    """`django/forms/label.html` (with `attrs.html`)."""
    if not context["use_tag"]:
        return conditional_escape(context["label"])
    tag = escape(context["tag"])
    return mark_safe(  # noqa: S308 (each value escaped)
        f"<{tag}{attributes(context['attrs'] or {})}>{escape(context['label'])}</{tag}>"
    )
