"""The base layout's pieces between the blocks of base.html (see taperwell/core/layout.py):
`{% layout_top %}`, `{% layout_head %}`, `{% layout_body %}` and `{% layout_foot %}`."""

from __future__ import annotations

from collections.abc import Callable

from django import template
from django.utils.safestring import SafeString

from taperwell.core import layout

register = template.Library()


class LayoutNode(template.Node):
    def __init__(self, draw: Callable[[template.Context], str]) -> None:
        self.draw = draw

    def render(self, context: template.Context) -> SafeString:
        return SafeString(self.draw(context))


def _tag(draw: Callable[[template.Context], str]) -> Callable[..., LayoutNode]:
    def compile_tag(parser: template.base.Parser, token: template.base.Token) -> LayoutNode:
        if len(token.split_contents()) != 1:
            raise template.TemplateSyntaxError(f"{token.contents.split()[0]} takes no arguments")
        return LayoutNode(draw)

    return compile_tag


register.tag("layout_top", _tag(layout.top))
register.tag("layout_head", _tag(layout.head))
register.tag("layout_body", _tag(layout.body))
register.tag("layout_foot", _tag(layout.foot))
