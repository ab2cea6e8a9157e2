"""The sign-in backends: Django's and allauth's, each reading the signed-in user of a
request with SQL compiled once per process (decision 0031).

Every signed-in request loads its user by primary key (``django.contrib.auth.get_user``);
Django compiles that one-row query anew each time, a fifth of a millisecond of every page.
Signing in (``authenticate``) and permissions are the parents' own.
"""

from __future__ import annotations

from typing import Any

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth.backends import ModelBackend
from django.db.models import QuerySet

from machida_portal.statements import Compiled

from .models import User


def _user(pk: int) -> QuerySet[User]:
    return User._default_manager.filter(pk=pk)


_USER: Compiled[User] = Compiled(_user, "pk")


def _get_user(backend: ModelBackend, user_id: Any) -> User | None:
    try:
        pk = int(user_id)
    except (TypeError, ValueError):
        return None
    user = _USER.one(pk=pk)
    return user if user is not None and backend.user_can_authenticate(user) else None


class PortalModelBackend(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        return _get_user(self, user_id)


class PortalAuthenticationBackend(AuthenticationBackend):
    def get_user(self, user_id: Any) -> User | None:
        return _get_user(self, user_id)
