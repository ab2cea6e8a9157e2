"""The staff "today" page (今日の仕事): what needs the signed-in person now, as counts.

Each app lists what it contributes in ``<app>/today.py`` as ``TODAY: list[TodaySource]``,
gathered in INSTALLED_APPS order like the navigation (``accounts/nav.py``), so no app edits
another's and nothing here imports an app (``consultations`` stays a leaf).

A source names the capability that opens it and a function that counts, through the app's
own ``*_scope`` policies, what the user may reach. It returns a ``TodayLine``: a title and
one or more counts, each linking to the list that shows exactly those items. Counting is one
query per line at most, so the page's query count does not grow with the data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from importlib import import_module
from typing import Any

from django.apps import apps
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.capabilities import can


@dataclass(frozen=True)
class TodayCount:
    """One count on a line, with the list that holds exactly those items."""

    label: Any
    count: int
    url: str
    # A short remark after the count: the time left to the most urgent deadline.
    note: Any = ""
    # "danger" for things already late: the count is shown in red when it is not zero.
    tone: str = ""
    testid: str = ""


@dataclass(frozen=True)
class TodayLine:
    key: str
    title: Any
    counts: list[TodayCount]
    # Said in place of the counts when every count is zero.
    empty: Any
    # The list the title links to.
    url: str = ""
    order: int = 100

    @property
    def total(self) -> int:
        return sum(c.count for c in self.counts)


@dataclass(frozen=True)
class TodaySource:
    key: str
    # The capability (``accounts.capabilities``) that opens these lines.
    capability: str
    # The user's lines (none when the user has no organization for them).
    lines: Callable[[Any], list[TodayLine]] = field(compare=False)
    order: int = 100


@cache
def all_sources() -> tuple[TodaySource, ...]:
    sources: list[TodaySource] = []
    for config in apps.get_app_configs():
        try:
            module = import_module(f"{config.name}.today")
        except ModuleNotFoundError as exc:
            if exc.name == f"{config.name}.today":
                continue
            raise
        sources.extend(getattr(module, "TODAY", []))
    return tuple(sorted(sources, key=lambda s: (s.order, s.key)))


def has_today_page(user: Any) -> bool:
    """Whether ``/`` is the today page for this person: staff, or anyone holding a
    capability that opens one of the lines. Residents and visitors keep the portal's home."""
    if not getattr(user, "is_authenticated", False):
        return False
    return can(user, "portal.staff") or any(can(user, s.capability) for s in all_sources())


def today_lines(user: Any) -> list[TodayLine]:
    """The lines this person's capabilities reach, in order; each app counts its own."""
    lines: list[TodayLine] = []
    for source in all_sources():
        if can(user, source.capability):
            lines.extend(source.lines(user))
    return sorted(lines, key=lambda line: line.order)


def time_left(deadline: datetime | None, *, now: datetime | None = None) -> str:
    """「あと3時間」「あと2日」「期限切れ」: the time to a deadline as staff say it."""
    if deadline is None:
        return ""
    now = now or timezone.now()
    seconds = (deadline - now).total_seconds()
    if seconds < 0:
        return _("期限切れ")
    minutes = int(seconds // 60)
    if minutes < 60:
        return ngettext("あと%(n)d分", "あと%(n)d分", max(minutes, 1)) % {"n": max(minutes, 1)}
    hours = minutes // 60
    if hours < 24:
        return ngettext("あと%(n)d時間", "あと%(n)d時間", hours) % {"n": hours}
    days = hours // 24
    return ngettext("あと%(n)d日", "あと%(n)d日", days) % {"n": days}
