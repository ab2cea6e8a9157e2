"""Navigation entries. Each app lists its own in ``<app>/nav.py`` as ``NAV: list[NavItem]``;
they are gathered in INSTALLED_APPS order, so no app edits another's menu."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import import_module
from typing import Any

from django.apps import apps
from django.urls import NoReverseMatch, get_script_prefix, reverse


@dataclass(frozen=True)
class NavItem:
    label: Any
    url_name: str
    # Who sees it: empty means everyone, signed in or not; "authenticated" any signed-in user;
    # otherwise any of the directory.Role values.
    roles: frozenset[str] = frozenset()
    # A sentence for the role cards on the home page.
    description: Any = ""
    order: int = 100

    def url(self) -> str | None:
        try:
            return reverse(self.url_name)
        except NoReverseMatch:
            return None


@cache
def all_nav_items() -> tuple[NavItem, ...]:
    items: list[NavItem] = []
    for config in apps.get_app_configs():
        try:
            module = import_module(f"{config.name}.nav")
        except ModuleNotFoundError as exc:
            if exc.name == f"{config.name}.nav":
                continue
            raise
        items.extend(getattr(module, "NAV", []))
    return tuple(sorted(items, key=lambda i: i.order))


def visible_items(roles: frozenset[str], authenticated: bool) -> list[dict[str, Any]]:
    return list(_visible_items(roles, authenticated, get_script_prefix()))


@lru_cache(maxsize=128)
def _visible_items(
    roles: frozenset[str], authenticated: bool, script_prefix: str
) -> tuple[dict[str, Any], ...]:
    """Computed once per set of roles (and URL prefix) in each process: the items and their
    URLs are fixed at start-up; labels stay lazy, so each request gets its language."""
    result = []
    for item in all_nav_items():
        if item.roles:
            wanted = set(item.roles)
            if not (("authenticated" in wanted and authenticated) or wanted & roles):
                continue
        url = item.url()
        if url is not None:
            result.append(
                {
                    "label": item.label,
                    "url": url,
                    "name": item.url_name,
                    "roles": item.roles,
                    "description": item.description,
                }
            )
    return tuple(result)


NAV: list[NavItem] = []
