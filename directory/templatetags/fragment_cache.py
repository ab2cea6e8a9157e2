"""Fragment caches for templates.

``{% scope_version "directory" as v %}``: a cache generation for ``{% cache %}`` keys. A
fragment cached with the generation in its key goes stale the moment a service (or an admin
save, see ``directory.apps``) calls ``public_cache_bump`` for that scope.

``{% memo "name" value … %}…{% endmemo %}``: markup rendered once per process for each
language, script prefix and the values given — the page's frame (links to the static files,
the brand, the footer) that is the same on every page. Only for markup that depends on
nothing else: no user, no request, no data (decision 0027). Kept in process memory, never
in Redis; a deploy restarts the process and with it the memo.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.base import FilterExpression, NodeList, Parser, Token
from django.urls import get_script_prefix
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from machida_portal.public_cache import scope_versions

register = template.Library()

MEMO_MAX = 512
_MEMO: dict[tuple[Any, ...], SafeString] = {}


@register.simple_tag
def scope_version(*scopes: str) -> str:
    return scope_versions(*scopes)


class MemoNode(template.Node):
    def __init__(self, nodelist: NodeList, name: str, vary: list[FilterExpression]) -> None:
        self.nodelist = nodelist
        self.name = name
        self.vary = vary

    def render(self, context: template.Context) -> SafeString:
        key = (
            self.name,
            get_language(),
            get_script_prefix(),
            *(str(v.resolve(context)) for v in self.vary),
        )
        html = _MEMO.get(key)
        if html is None:
            html = mark_safe(self.nodelist.render(context))  # noqa: S308  # nosec B308 B703 — the template's own output
            if len(_MEMO) >= MEMO_MAX:
                _MEMO.clear()
            _MEMO[key] = html
        return html


@register.tag
def memo(parser: Parser, token: Token) -> MemoNode:
    bits = token.split_contents()
    if len(bits) < 2 or not (bits[1][0] == bits[1][-1] and bits[1][0] in "\"'"):
        raise template.TemplateSyntaxError("{% memo %} needs a quoted name")
    nodelist = parser.parse(("endmemo",))
    parser.delete_first_token()
    return MemoNode(nodelist, bits[1][1:-1], [parser.compile_filter(b) for b in bits[2:]])
