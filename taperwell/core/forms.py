"""How every form field renders: one block per field, its label above the input and its hint
under it, so a grid of fields never pairs a label or a hint with the wrong input."""

from __future__ import annotations

from django.forms.renderers import DjangoTemplates


class FieldBlockRenderer(DjangoTemplates):
    field_template_name = "core/field.html"
