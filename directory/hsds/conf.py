"""Tunables of the HSDS API. Read from the settings each time they are used (``conf.NAME``
goes through the module's ``__getattr__``), so ``override_settings`` and a changed setting
take effect."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.conf import settings

from machida_portal.tunables import read_when_used


def _setting(name: str, default: Any) -> Any:
    return getattr(settings, name, default)


_TUNABLES: dict[str, Callable[[], Any]] = {
    # Items on a page when the request gives no ``per_page``.
    "PAGE_SIZE": lambda: int(_setting("HSDS_PAGE_SIZE", 50)),
    # The most items a page holds, whatever ``per_page`` asks for.
    "MAX_PAGE_SIZE": lambda: int(_setting("HSDS_MAX_PAGE_SIZE", 200)),
    # The root document's ``profile``: where the HSDS profile this API follows is described
    # (the base HSDS 3.0 documentation: the portal uses no profile of its own).
    "PROFILE_URL": lambda: str(
        _setting("HSDS_PROFILE_URL", "https://docs.openreferral.org/en/v3.0/")
    ),
}

if TYPE_CHECKING:
    PAGE_SIZE: int
    MAX_PAGE_SIZE: int
    PROFILE_URL: str


__getattr__ = read_when_used(_TUNABLES, __name__)
