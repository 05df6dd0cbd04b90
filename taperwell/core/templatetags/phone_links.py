"""Phone numbers on patient pages as `tel:` links, so one tap on a phone places the call."""

from __future__ import annotations

import re

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# Seven or more digits, with the spaces, dots, dashes and brackets people type between them
# ("(555) 010-2233", "555.010.2233", "+1 555 010 2233"); short numbers such as 988 and 911 are
# linked where the template names them, never guessed from free text (a dose of "20 mg" or a date
# must not become a link).
_PHONE = re.compile(r"(?<![\w+])\+?\(?\d[\d\s().-]{5,}\d(?!\w)")
_DATE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[.-]\d{1,2}[.-]\d{2,4}")


def tel_href(number: object) -> str:
    """The dialable form: digits, and a leading + when the number has one."""
    text = str(number).strip()
    digits = re.sub(r"\D", "", text)
    return f"tel:+{digits}" if text.startswith("+") else f"tel:{digits}"


@register.filter
def tel(number: object) -> SafeString:
    """One number as a link: `{{ clinic.phone|tel }}`."""
    if not str(number).strip():
        return mark_safe("")
    return format_html('<a href="{}">{}</a>', tel_href(number), number)


@register.filter
def phone_links(text: object) -> SafeString:
    """Free text (a flare plan's "People I can call") with its line breaks and its phone numbers
    linked; everything else escaped."""

    def link(match: re.Match[str]) -> str:
        number = match.group(0)
        if len(re.sub(r"\D", "", number)) < 7 or _DATE.fullmatch(number.strip()):
            return number
        return f'<a href="{tel_href(number)}">{number}</a>'

    lines = escape(str(text)).replace("\r\n", "\n").split("\n")
    return mark_safe("<br>".join(_PHONE.sub(link, line) for line in lines))  # noqa: S308 - escaped
