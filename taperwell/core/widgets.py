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
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe


def attributes(attrs: dict[str, Any]) -> SafeString:
    """Django's `attrs.html`: `False` leaves the attribute out, `True` writes it bare."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        parts.append(
            format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value)
        )
    return mark_safe("".join(parts))  # noqa: S308 (each part escaped by format_html)


def _option(option: dict[str, Any]) -> SafeString:
    """Django's `radio_option.html` > `input_option.html` > `input.html`, newlines and all (each
    included template ends with one)."""
    value = "" if option["value"] is None else format_html(' value="{}"', option["value"])
    tag = format_html(
        '<input type="{}" name="{}"{}{}>\n',
        option["type"],
        option["name"],
        value,
        attributes(option["attrs"]),
    )
    if not option["wrap_label"]:
        return format_html("{}\n\n", tag)
    label_for = format_html(' for="{}"', option["attrs"]["id"]) if option["attrs"].get("id") else ""
    return format_html("<label{}>{} {}</label>\n\n", label_for, tag, option["label"])


class PythonDrawnChoicesMixin:
    """`multiple_input.html` in Python, for RadioSelect and CheckboxSelectMultiple."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]  # type: ignore[attr-defined]
        own = widget["attrs"]
        groups = []
        for group, options, _index in widget["optgroups"]:
            items = format_html_join("", "<div>\n    {}</div>", ((_option(o),) for o in options))
            if group:
                items = format_html("\n  <div><label>{}</label>{}\n  </div>", group, items)
            groups.append(items)
        return format_html(
            "<div{}{}>{}\n</div>",
            format_html(' id="{}"', own["id"]) if own.get("id") else "",
            format_html(' class="{}"', own["class"]) if own.get("class") else "",
            mark_safe("".join(groups)),  # noqa: S308 (each part escaped by format_html)
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
        return format_html(
            '<textarea name="{}"{}>\n{}</textarea>',
            widget["name"],
            attributes(widget["attrs"]),
            widget["value"] or "",
        )
