"""Settings read when used, for an app's ``conf`` module (PEP 562).

``__getattr__ = read_when_used(_TUNABLES, __name__)`` in ``<app>/conf.py`` makes
``conf.PAGE_SIZE`` call its reader each time, so ``override_settings`` in a test and a changed
setting take effect without a restart (issue 12: conf modules that read at import silently
ignored ``override_settings``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any


def read_when_used(tunables: Mapping[str, Callable[[], Any]], module: str) -> Callable[[str], Any]:
    def module_getattr(name: str) -> Any:
        try:
            read = tunables[name]
        except KeyError:
            raise AttributeError(f"module {module!r} has no attribute {name!r}") from None
        return read()

    return module_getattr
