"""``machida_portal.states``: the one state-machine helper (decision 0013)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from machida_portal.states import SYSTEM, StateMachine, system_may


class Thing:
    def __init__(self, status: str) -> None:
        self.status = status
        self.saved: list[list[str]] = []

    def save(self, update_fields: list[str]) -> None:
        self.saved.append(update_fields)


HISTORY: list[tuple[Any, ...]] = []


def record(obj: Any, frm: str, to: str, *, by: Any = None, note: str = "") -> None:
    HISTORY.append((frm, to, by, note))


MACHINE = StateMachine(
    "thing",
    {("new", "open"): "open", ("open", "done"): "finish", ("open", "expired"): SYSTEM},
    history=record,
)


def test_a_move_in_the_table_by_an_allowed_actor_saves_and_writes_history() -> None:
    HISTORY.clear()
    thing = Thing("new")
    old = MACHINE.move(thing, "open", may=lambda action: action == "open", by="u", note="hi")
    assert old == "new" and thing.status == "open"
    assert thing.saved == [["status"]]
    assert HISTORY == [("new", "open", "u", "hi")]


def test_a_move_not_in_the_table_is_a_validation_error_and_changes_nothing() -> None:
    HISTORY.clear()
    thing = Thing("new")
    with pytest.raises(ValidationError):
        MACHINE.move(thing, "done", may=lambda action: True)
    assert thing.status == "new" and thing.saved == [] and HISTORY == []


def test_a_move_the_actor_may_not_make_is_refused_and_changes_nothing() -> None:
    thing = Thing("open")
    with pytest.raises(PermissionDenied):
        MACHINE.move(thing, "done", may=lambda action: action == "open")
    assert thing.status == "open" and thing.saved == []


def test_system_moves_are_only_the_system_rows() -> None:
    thing = Thing("open")
    with pytest.raises(PermissionDenied):
        MACHINE.move(thing, "done", may=system_may)
    MACHINE.move(thing, "expired", may=system_may)
    assert thing.status == "expired"


def test_allowed_lists_the_actors_moves_in_table_order() -> None:
    assert MACHINE.allowed("open", lambda action: True) == ["done", "expired"]
    assert MACHINE.allowed("open", lambda action: action == "finish") == ["done"]
    assert MACHINE.targets("open") == ["done", "expired"]
    assert MACHINE.actions() == {"open", "finish", SYSTEM}
