"""History tables for edits (decision 0022), from django-simple-history.

``HistoricalRecords`` writes a row on every save of a model: right for a case record, where
every change is a change of the case. For a model that many services save for their own
reasons (an idea's status, its assignee), ``StampedHistoricalRecords`` writes a row only for
a save a service stamped with a reason (``obj._change_reason``), so the history holds the
edits and nothing else, and other saves cost no extra insert.
"""

from __future__ import annotations

from typing import Any

from simple_history.models import HistoricalRecords


class StampedHistoricalRecords(HistoricalRecords):
    def post_save(self, instance: Any, created: bool, using: Any = None, **kwargs: Any) -> None:
        if getattr(instance, "_change_reason", None) is None:
            return
        super().post_save(instance, created, using=using, **kwargs)

    def post_delete(self, instance: Any, using: Any = None, **kwargs: Any) -> None:
        # A deleted row's history stays unless its deleter removes it (the demo does).
        if getattr(instance, "_change_reason", None) is None:
            return
        super().post_delete(instance, using=using, **kwargs)


def stamp(obj: Any, *, by: Any, at: Any, reason: str) -> None:
    """Who, when and why for the history row ``obj``'s next save or delete writes."""
    obj._history_user = by
    obj._history_date = at
    obj._change_reason = reason
