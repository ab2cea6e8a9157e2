"""A Redis cache that fails open: when Redis is down the portal keeps serving.

Django's RedisCache raises on every call when the server is gone, which would turn the
session read (cached_db), allauth's rate limits and every cached fragment into a 500. Here a
failed read is a miss and a failed write is skipped; the database stays the source of truth.
The price, while Redis is down: no caching, and allauth's rate limits cannot count.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)
_last_warning = 0.0


def _warn(exc: Exception) -> None:
    global _last_warning
    now = time.monotonic()
    if now - _last_warning > 30:  # one line per 30 s, not one per request
        logger.warning("cache unavailable, serving without it: %s", exc)
        _last_warning = now


class _ReusedClients(RedisCacheClient):
    """Django builds a new ``redis.Redis`` on every cache call (about 50 µs each, with its
    table of response callbacks); a signed-in page makes five to ten calls. One client per
    connection pool is enough: it holds no connection of its own and is thread-safe."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)  # type: ignore[attr-defined]
        return client


class ResilientRedisCache(RedisCache):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._class = _ReusedClients  # RedisCache sets its client class per instance

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        try:
            return super().get(key, default, version)
        except RedisError as exc:
            _warn(exc)
            return default

    def get_many(self, keys: Any, version: Any = None) -> dict[Any, Any]:
        try:
            return super().get_many(keys, version)
        except RedisError as exc:
            _warn(exc)
            return {}

    def set(self, *args: Any, **kwargs: Any) -> None:
        try:
            super().set(*args, **kwargs)
        except RedisError as exc:
            _warn(exc)

    def set_many(self, *args: Any, **kwargs: Any) -> list[Any]:
        try:
            return super().set_many(*args, **kwargs)
        except RedisError as exc:
            _warn(exc)
            return []

    def add(self, *args: Any, **kwargs: Any) -> bool:
        try:
            return super().add(*args, **kwargs)
        except RedisError as exc:
            _warn(exc)
            # Report success: callers use add() as a lock (allauth's rate limiter does), and a
            # lock that can never be taken would refuse every sign-in while Redis is down.
            # Nothing in the portal relies on the cache for exactly-once; the database does.
            return True

    def touch(self, *args: Any, **kwargs: Any) -> bool:
        try:
            return super().touch(*args, **kwargs)
        except RedisError as exc:
            _warn(exc)
            return False

    def delete(self, *args: Any, **kwargs: Any) -> bool:
        try:
            return super().delete(*args, **kwargs)
        except RedisError as exc:
            _warn(exc)
            return False

    def delete_many(self, *args: Any, **kwargs: Any) -> None:
        try:
            super().delete_many(*args, **kwargs)
        except RedisError as exc:
            _warn(exc)

    def incr(self, *args: Any, **kwargs: Any) -> int:
        try:
            return super().incr(*args, **kwargs)
        except RedisError as exc:
            _warn(exc)
            raise ValueError("cache unavailable") from exc

    def has_key(self, *args: Any, **kwargs: Any) -> bool:
        try:
            return super().has_key(*args, **kwargs)
        except RedisError as exc:
            _warn(exc)
            return False

    def clear(self) -> None:
        try:
            super().clear()
        except RedisError as exc:
            _warn(exc)
