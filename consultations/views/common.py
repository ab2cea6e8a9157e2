"""What the case pages share. Refusals come from ``consultations.policies``; a service's
errors are reported through ``machida_portal.posting.run_service``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest


def flash_form_errors(request: HttpRequest, form: Any) -> None:
    """A form posted from another page: each of its errors as a message naming its field."""
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else None
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else str(error))
