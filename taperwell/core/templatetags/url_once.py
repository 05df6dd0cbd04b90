"""`{% url %}`, with a named page and no arguments worked out once per process.

Loaded as a builtin (settings.TEMPLATES), so it stands in for Django's own tag in every template.
A page asks for a dozen such links ("Today", "Check in now", "Sign out"); with the same name,
URLconf, script prefix and current app, `reverse()` gives the same path for the life of the
process. A tag with arguments, a variable for the name, or `as` is Django's, unchanged.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape

register = template.Library()

_PATHS: dict[tuple[Any, ...], str] = {}


class NamedURLNode(URLNode):
    def render(self, context: template.Context) -> str:
        if self.args or self.kwargs or self.asvar or self.view_name.is_var:
            return str(super().render(context))
        request = getattr(context, "request", None)
        current_app = getattr(request, "current_app", None)
        if current_app is None:
            current_app = getattr(getattr(request, "resolver_match", None), "namespace", None)
        name = self.view_name.var
        key = (name, get_urlconf(), get_script_prefix(), current_app)
        path = _PATHS.get(key)
        if path is None:
            path = _PATHS[key] = reverse(name, current_app=current_app)
        return str(conditional_escape(path)) if context.autoescape else path


@register.tag
def url(parser: template.base.Parser, token: template.base.Token) -> URLNode:
    node = django_url(parser, token)
    return NamedURLNode(node.view_name, node.args, node.kwargs, node.asvar)
