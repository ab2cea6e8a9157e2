"""``{% scope_version "directory" as v %}``: a cache generation for ``{% cache %}`` keys.

A fragment cached with the generation in its key goes stale the moment a service (or an
admin save, see ``directory.apps``) calls ``public_cache_bump`` for that scope.
"""

from __future__ import annotations

from django import template

from machida_portal.public_cache import scope_versions

register = template.Library()


@register.simple_tag
def scope_version(*scopes: str) -> str:
    return scope_versions(*scopes)
