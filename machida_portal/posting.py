"""One way to run a POST through a service and report what went wrong (decision 0012).

Services refuse bad input with ``ValidationError`` and change nothing when they do. A view
calls the service through ``run_service``:

* with a ``form``, each error goes onto the form (on its field when the service named one
  the form has, otherwise above the form), so the page is shown again with the input kept;
* without one, each error becomes a flash message (a button posted from a page that is
  redirected back to).

On success the ``success`` message is flashed and ``Outcome.value`` holds what the service
returned. ``Outcome`` is true only on success.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest

T = TypeVar("T")


@dataclass
class Outcome(Generic[T]):
    ok: bool
    value: T | None = None
    errors: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return self.ok


def error_messages(exc: ValidationError) -> list[str]:
    """Every message of a validation error, in the active language."""
    return [str(m) for m in exc.messages]


def add_to_form(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def run_service(
    request: HttpRequest,
    action: Callable[[], T],
    *,
    success: Any = None,
    form: Any = None,
) -> Outcome[T]:
    try:
        value = action()
    except ValidationError as exc:
        if form is not None:
            add_to_form(form, exc)
        else:
            for message in error_messages(exc):
                messages.error(request, message)
        return Outcome(False, None, tuple(error_messages(exc)))
    if success:
        messages.success(request, success)
    return Outcome(True, value)
