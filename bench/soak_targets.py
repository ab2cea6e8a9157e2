"""What the reliability suite submits and races on, feature by feature. A target whose
feature is not built yet returns None from ``prepare`` and is reported as skipped."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass
class Submission:
    name: str
    prepare: Callable[[Any], dict[str, Any] | None]
    data: Callable[[str, int, int], dict[str, str]]
    verify: Callable[[Any, list[str], dict[str, Any]], list[tuple[bool, str]]]


@dataclass
class Race:
    name: str
    key: str


SUBMISSIONS: list[Submission] = []
RACES: list[Race] = []
