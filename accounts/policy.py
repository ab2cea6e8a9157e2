"""The shared half of the policy layer (decision 0012).

Each app's ``policies.py`` answers two questions about its things:

* ``<thing>_scope(user, action) -> QuerySet`` — which rows the user may reach for an action.
  Anything outside is a 404: the portal does not say that a case it will not show exists.
* ``<thing>_can(user, action, obj) -> bool`` — whether the user may do the action to a row
  they can already reach. Otherwise a 403.

This module holds what every app uses to act on those answers: reaching an object through a
scope, refusing, and the view decorator for a capability. It is, with ``accounts/`` and the
apps' ``policies.py``, the only code that refuses anything (the architecture test keeps it
so).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse

from .capabilities import can

M = TypeVar("M", bound=Model)
ViewFunc = TypeVar("ViewFunc", bound=Callable[..., HttpResponse])


def object_in_scope(scope: QuerySet[M], pk: Any = None, **lookup: Any) -> M:
    """The one row of ``scope`` (a policy's ``*_scope``) with this key, or a 404. The key is
    checked for shape first, so a key out of range is a 404 too, never a database error."""
    from machida_portal.input_guard import parse_id

    if pk is not None:
        parsed = parse_id(str(pk))  # a URL converter gives an int, a form a str
        if parsed is None:
            raise Http404
        lookup["pk"] = parsed
    from django.core.exceptions import ObjectDoesNotExist

    try:
        return scope.get(**lookup)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc


def require(allowed: bool, message: Any = "") -> None:
    """Refuse (403) unless ``allowed``: the user may reach the thing but not do this to it."""
    if not allowed:
        raise PermissionDenied(message)


Refused = PermissionDenied  # what ``require`` raises, for code that must tell it apart


def capability_required(name: str) -> Callable[[ViewFunc], ViewFunc]:
    """A view for holders of a capability: anonymous visitors are sent to sign in, signed-in
    people without it get a 403."""

    def decorator(view: ViewFunc) -> ViewFunc:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            require(can(request.user, name))
            return view(request, *args, **kwargs)

        wrapped.capability = name  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorator
