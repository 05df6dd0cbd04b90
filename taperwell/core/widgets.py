"""Radio buttons, check boxes and text areas drawn in Python, with the same markup as Django's
templates.

Django draws each option of a choice widget through four nested templates (the list, the option,
the input, its attributes). On the daily check-in, with a dozen such questions, that was most of
the page's time. These widgets write the very same HTML (`tests/patient/test_page_speed.py`
compares them with Django's own) without the template loops.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.safestring import SafeString, mark_safe

from taperwell.core.markup import escape


def attributes(attrs: dict[str, Any]) -> SafeString:
    """Django's `attrs.html`: `False` leaves the attribute out, `True` writes it bare."""
    return mark_safe(  # noqa: S308 (each name and value escaped)
        "".join(
            f" {escape(name)}" if value is True else f' {escape(name)}="{escape(value)}"'
            for name, value in attrs.items()
            if value is not False
        )
    )


def _option(option: dict[str, Any]) -> str:
    """Django's `radio_option.html` > `input_option.html` > `input.html`, newlines and all (each
    included template ends with one)."""
    value = "" if option["value"] is None else f' value="{escape(option["value"])}"'
    tag = (
        f'<input type="{escape(option["type"])}" name="{escape(option["name"])}"{value}'
        f"{attributes(option['attrs'])}>\n"
    )
    if not option["wrap_label"]:
        return f"{tag}\n\n"
    option_id = option["attrs"].get("id")
    label_for = f' for="{escape(option_id)}"' if option_id else ""
    return f"<label{label_for}>{tag} {escape(option['label'])}</label>\n\n"


class PythonDrawnChoicesMixin:
    """`multiple_input.html` in Python, for RadioSelect and CheckboxSelectMultiple."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]  # type: ignore[attr-defined]
        own = widget["attrs"]
        groups = []
        for group, options, _index in widget["optgroups"]:
            items = "".join([f"<div>\n    {_option(o)}</div>" for o in options])
            if group:
                items = f"\n  <div><label>{escape(group)}</label>{items}\n  </div>"
            groups.append(items)
        own_id = f' id="{escape(own["id"])}"' if own.get("id") else ""
        own_class = f' class="{escape(own["class"])}"' if own.get("class") else ""
        return mark_safe(  # noqa: S308 (each value escaped)
            f"<div{own_id}{own_class}>{''.join(groups)}\n</div>"
        )


class RadioSelect(PythonDrawnChoicesMixin, forms.RadioSelect):
    pass


class CheckboxSelectMultiple(PythonDrawnChoicesMixin, forms.CheckboxSelectMultiple):
    pass


class Textarea(forms.Textarea):
    """Django's `textarea.html` (and its `attrs.html`) in Python: the same markup."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        return mark_safe(  # noqa: S308 (each value escaped)
            f'<textarea name="{escape(widget["name"])}"{attributes(widget["attrs"])}>\n'
            f"{escape(widget['value'] or '')}</textarea>"
        )


class PythonDrawnInputMixin:
    """Django's `input.html` (with `attrs.html`) in Python, for the one-line inputs."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]  # type: ignore[attr-defined]
        shown = widget["value"]
        shown = "" if shown is None else f' value="{escape(shown)}"'
        return mark_safe(  # noqa: S308 (each value escaped)
            f'<input type="{escape(widget["type"])}" name="{escape(widget["name"])}"{shown}'
            f"{attributes(widget['attrs'])}>"
        )


class TextInput(PythonDrawnInputMixin, forms.TextInput):
    pass


class NumberInput(PythonDrawnInputMixin, forms.NumberInput):
    pass


class HiddenInput(PythonDrawnInputMixin, forms.HiddenInput):
    pass
