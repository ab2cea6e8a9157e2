"""One state-machine helper for every status field (decision 0013).

A machine is a table ``(from, to) -> action``: the moves that exist and, for each, the action
an app's policy is asked about ("coordinate", "receive", "system" …). Moving is one call::

    IDEA_STATES.move(idea, "closed", may=lambda action: idea_can(user, action, idea),
                     by=user, note=message)

which refuses a move the table does not have (a ``ValidationError`` in the user's language,
nothing changed), refuses a move the policy does not allow (403, through
``accounts.policy.require``), sets and saves the field, and writes the history row through
the machine's one ``history`` function. Services lock the row first (``select_for_update``),
then call ``move``; the helper does not open transactions of its own.

Moves made by the portal itself (a waiting-list promotion, an expiry) use the action
``SYSTEM`` and ``may=system_may``: they are in the table like any other, so the table is the
whole picture of how a status can change.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.policy import require

SYSTEM = "system"


def system_may(action: str) -> bool:
    """For moves the portal makes on its own: only ``SYSTEM`` moves are allowed."""
    return action == SYSTEM


History = Callable[..., Any]


@dataclass(frozen=True)
class StateMachine:
    name: str
    moves: Mapping[tuple[str, str], str]
    field: str = "status"
    history: History | None = None
    refused: Any = None  # the refusal's text; a general one when None

    def action_for(self, frm: str, to: str) -> str | None:
        return self.moves.get((str(frm), str(to)))

    def targets(self, current: str) -> list[str]:
        """Every status reachable from ``current`` in one move, whoever makes it."""
        return [to for (frm, to) in self.moves if frm == current]

    def allowed(self, current: str, may: Callable[[str], bool]) -> list[str]:
        """The statuses this actor may move to from ``current`` (table order)."""
        return [to for (frm, to), action in self.moves.items() if frm == current and may(action)]

    def actions(self) -> frozenset[str]:
        return frozenset(self.moves.values())

    def states(self) -> frozenset[str]:
        return frozenset(s for pair in self.moves for s in pair)

    def check(self, obj: Any, to: str, *, may: Callable[[str], bool]) -> str:
        """The action for moving ``obj`` to ``to``; refuses as ``move`` would, changes
        nothing."""
        frm = str(getattr(obj, self.field))
        action = self.action_for(frm, to)
        if action is None:
            raise ValidationError(
                self.refused or _("この状態には変更できません。"), code="invalid_move"
            )
        require(may(action))
        return action

    def move(
        self,
        obj: Any,
        to: str,
        *,
        may: Callable[[str], bool],
        by: Any = None,
        save: bool = True,
        update_fields: Iterable[str] = (),
        **history: Any,
    ) -> str:
        """Move ``obj`` (a row the caller has locked) to ``to``; returns the old status."""
        self.check(obj, to, may=may)
        frm = str(getattr(obj, self.field))
        setattr(obj, self.field, to)
        if save:
            obj.save(update_fields=[self.field, *update_fields])
        if self.history is not None:
            self.history(obj, frm, to, by=by, **history)
        return frm

    def move_all(
        self, objs: Iterable[Any], to: str, *, may: Callable[[Any, str], bool]
    ) -> list[str]:
        """Check and set ``to`` on many locked rows at once, for a bulk write: returns each
        row's old status. Nothing is set unless every row may move (refusals as in ``move``).
        The caller saves them together (``bulk_update``) and writes their history together;
        ``may(obj, action)`` is asked per row."""
        rows = list(objs)
        for obj in rows:
            self.check(obj, to, may=functools.partial(may, obj))
        old = [str(getattr(obj, self.field)) for obj in rows]
        for obj in rows:
            setattr(obj, self.field, to)
        return old
