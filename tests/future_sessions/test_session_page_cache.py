"""The session page's shared parts are cached fragments: each class of viewer gets its own,
and every change shows on the next view."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from directory.models import Mode
from projects.models import Idea
from projects.services import idea_create
from sessions.services import registration_create, session_update
from tests.factories import SessionFactory, UserFactory

pytestmark = pytest.mark.django_db


def _page(client: Any, session: Any, user: Any = None) -> str:
    if user is None:
        client.logout()
    else:
        client.force_login(user)
    url = reverse("future_sessions:session_detail", kwargs={"pk": session.pk})
    return client.get(url).content.decode()


def test_coordinators_and_everyone_else_never_share_the_agenda_fragment(
    client: Any, coordinator: Any, resident: Any
) -> None:
    private = idea_create(
        by=resident, kind=Idea.Kind.WANT, title="まだ内緒の計画", description="d", is_public=False
    )
    public = idea_create(
        by=resident, kind=Idea.Kind.WANT, title="みんなの計画", description="d", is_public=True
    )
    session = SessionFactory(by=coordinator, agenda_ideas=[private, public])
    # The coordinator's view is cached first; a resident and a member must not get it.
    assert "まだ内緒の計画" in _page(client, session, coordinator)
    member = UserFactory(email="someone@example.jp")
    for viewer in (member, resident, None):
        body = _page(client, session, viewer)
        assert "みんなの計画" in body and "まだ内緒の計画" not in body


def test_the_online_link_is_only_for_registered_people_though_the_page_is_cached(
    client: Any, coordinator: Any, resident: Any
) -> None:
    session = SessionFactory(
        by=coordinator, mode=Mode.ONLINE, venue=None, online_url="https://meet.example.jp/room-42"
    )
    other = UserFactory(email="other@example.jp")
    assert "room-42" not in _page(client, session, other)
    registration_create(session=session, user=resident)
    assert "room-42" in _page(client, session, resident)
    assert "room-42" not in _page(client, session, other)
    assert "room-42" in _page(client, session, coordinator)


def test_seats_and_edits_show_on_the_next_view(
    client: Any, coordinator: Any, resident: Any, django_capture_on_commit_callbacks: Any
) -> None:
    session = SessionFactory(by=coordinator, capacity=5)
    assert "残り 5 席" in _page(client, session, resident)
    with django_capture_on_commit_callbacks(execute=True):  # pages go stale on commit
        registration_create(session=session, user=UserFactory(email="first@example.jp"))
    assert "残り 4 席" in _page(client, session, resident)
    with django_capture_on_commit_callbacks(execute=True):
        session_update(session=session, by=coordinator, title="名前を変えた会")
    assert "名前を変えた会" in _page(client, session, resident)
