"""Pagination helpers for the work lists."""

from __future__ import annotations

from django.core.paginator import Paginator


def known_count(paginator: Paginator, count: int) -> Paginator:
    """Give ``paginator`` a total the page has already counted (state counts shown above the
    list, say), so it does not run its own ``COUNT(*)`` over the same rows. The caller vouches
    that ``count`` is the number of rows of the paginator's list."""
    paginator.__dict__["count"] = count  # Paginator.count is a cached_property
    return paginator
