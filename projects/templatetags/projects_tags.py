from typing import Any

from django import template

register = template.Library()


@register.simple_tag
def reacted(mine: Any, idea_pk: int, kind: str) -> bool:
    """Whether the viewer pressed this button; ``mine`` holds (idea id, kind) pairs or, on a
    detail page, just kinds."""
    if not mine:
        return False
    return (idea_pk, kind) in mine or kind in mine
