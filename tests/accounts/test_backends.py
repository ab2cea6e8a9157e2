"""The sign-in backends read a request's user with SQL compiled once (decision 0031), and
answer as Django's own ``get_user`` does."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user
from django.contrib.auth.backends import ModelBackend
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.backends import PortalAuthenticationBackend, PortalModelBackend
from accounts.models import User
from tests.factories import UserFactory
from tests.factories.accounts import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("backend", [PortalModelBackend(), PortalAuthenticationBackend()])
def test_get_user_is_djangos_answer(backend: ModelBackend) -> None:
    active, inactive = UserFactory(), UserFactory(is_active=False)
    django = ModelBackend()
    for user_id in (active.pk, str(active.pk), inactive.pk, 10**9, "x", None):
        ours = backend.get_user(user_id)
        try:
            theirs = django.get_user(user_id)
        except (TypeError, ValueError):
            theirs = None
        assert ours == theirs
        if ours is not None:
            assert theirs is not None
            assert ours.__dict__.keys() == theirs.__dict__.keys()  # a whole user, no deferral
            assert (ours.email, ours.password, ours.is_active) == (
                theirs.email,
                theirs.password,
                theirs.is_active,
            )


def test_the_portal_signs_in_with_its_backends_and_reads_the_user_in_one_query(
    client: Any,
) -> None:
    user = UserFactory()
    assert client.login(email=user.email, password=PASSWORD)
    assert client.session["_auth_user_backend"] in settings.AUTHENTICATION_BACKENDS
    request = type("R", (), {"session": client.session})()
    with CaptureQueriesContext(connection) as queries:
        found = get_user(request)  # type: ignore[arg-type]
    assert found == user
    assert len([q for q in queries if '"accounts_user"' in q["sql"]]) == 1
    # A deactivated account is signed out on its next request.
    User.objects.filter(pk=user.pk).update(is_active=False)
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
