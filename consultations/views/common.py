"""What the case pages share: reaching the reader's agency, reporting a service's errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest

from accounts.http import AuthenticatedHttpRequest

from .. import selectors


def _messages_of(exc: ValidationError) -> list[str]:
    return [str(m) for m in exc.messages]


def _apply(request: HttpRequest, action: Callable[[], Any], success: str) -> bool:
    """Run one service call for a POST: its success message, or each of its validation
    errors in the user's language (the service changed nothing then)."""
    try:
        action()
    except ValidationError as exc:
        for message in _messages_of(exc):
            messages.error(request, message)
        return False
    messages.success(request, success)
    return True


def _flash_form_errors(request: HttpRequest, form: Any) -> None:
    """A form posted from another page: each of its errors as a message naming its field."""
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else None
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else str(error))


def _agency_or_404(request: AuthenticatedHttpRequest) -> Any:
    agency = selectors.agency_of(request.user)
    if agency is None:
        raise Http404
    return agency
