"""The per-person entries every signed-in page reads from the cache, read together.

A staff page needs three small per-person values kept in Redis — the roles (``roles_of``),
whether an authenticator app is set up (``has_totp``), the unread notifications (the menu's
badge) — each kept and dropped by its own module. Read one by one they are three round trips
on every page; ``cached`` reads every registered entry in one ``get_many`` the first time one
of them is needed in a request, and keeps the answers on the user object for the rest of it.

Each owner registers its key (``register``) and still decides what a miss means and when to
drop its entry; this module only reads. A value is the one of the request's first read, as
``roles_of`` always was: a view that changes an entry redirects before it is shown again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.cache import cache

_KEYS: dict[str, Callable[[Any], str]] = {}


def register(name: str, key: Callable[[Any], str]) -> None:
    """``key(user_id)`` is the cache key of the entry ``name``."""
    _KEYS[name] = key


def cached(user: Any, name: str) -> Any:
    """The cached value of ``name`` for ``user`` (``None`` when the cache holds none), read
    with every other registered entry on the first call of the request."""
    found: dict[str, Any] | None = getattr(user, "_portal_cached", None)
    if found is None:
        keys = {entry: key(user.pk) for entry, key in _KEYS.items()}
        values = cache.get_many(list(keys.values()))
        found = {entry: values.get(k) for entry, k in keys.items()}
        user._portal_cached = found
    if name not in found:  # registered after this request's read
        found[name] = cache.get(_KEYS[name](user.pk))
    return found[name]
