"""Merging two ideas tells each author only what they may see (issue #11, finding 4): a
private idea's or a 困りごと's title never reaches the other author's timeline, notification
or email, whichever way the merge goes."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.urls import reverse

from projects.models import Idea
from reminders.models import Notification
from reminders.services import reminders_send_due
from tests.factories import IdeaFactory

pytestmark = pytest.mark.django_db

SECRET = "夫の借金と家賃滞納"
PUBLIC = "公園でラジオ体操をしたい"

PRIVATE_KINDS = [
    pytest.param({"kind": Idea.Kind.TROUBLE, "is_public": True}, id="trouble"),
    pytest.param({"kind": Idea.Kind.WANT, "is_public": False}, id="private-want"),
]


def _merge(client: Any, coordinator: Any, source: Idea, target: Idea) -> None:
    client.force_login(coordinator)
    response = client.post(
        reverse("projects:idea_merge", kwargs={"pk": source.pk}), {"target": target.pk}
    )
    assert response.status_code == 302
    source.refresh_from_db()
    assert source.merged_into_id == target.pk
    reminders_send_due()


def _what_reaches(client: Any, user: Any, idea: Idea) -> str:
    """Everything the user is shown about the merge: the idea's page (timeline and banner),
    their notifications page and rows, and the emails sent to them."""
    client.force_login(user)
    page = client.get(reverse("projects:idea_detail", kwargs={"pk": idea.pk}))
    assert page.status_code == 200
    notices = client.get(reverse("reminders:notification_list")).content.decode()
    rows = [f"{n.subject} {n.body}" for n in Notification.objects.filter(recipient=user)]
    emails = [f"{m.subject} {m.body}" for m in mail.outbox if user.email in m.to]
    return "\n".join([page.content.decode(), notices, *rows, *emails])


@pytest.mark.parametrize("private", PRIVATE_KINDS)
def test_private_source_title_never_reaches_the_targets_author(
    client: Any, role_users: Any, private: dict[str, Any]
) -> None:
    target = IdeaFactory(title=PUBLIC, by=role_users["resident"])
    source = IdeaFactory(title=SECRET, by=role_users["member"], **private)
    _merge(client, role_users["coordinator"], source, target)
    assert SECRET not in _what_reaches(client, role_users["resident"], target)
    # The merge is still on the target's timeline, dated, for its author and the coordinator.
    assert "まとめました" in _what_reaches(client, role_users["resident"], target)
    client.force_login(role_users["coordinator"])
    source_page = client.get(reverse("projects:idea_detail", kwargs={"pk": source.pk}))
    assert SECRET in source_page.content.decode()


@pytest.mark.parametrize("private", PRIVATE_KINDS)
def test_private_target_title_never_reaches_the_sources_author(
    client: Any, role_users: Any, private: dict[str, Any]
) -> None:
    target = IdeaFactory(title=SECRET, by=role_users["resident"], **private)
    source = IdeaFactory(title=PUBLIC, by=role_users["member"])
    _merge(client, role_users["coordinator"], source, target)
    seen = _what_reaches(client, role_users["member"], source)
    assert SECRET not in seen
    assert "まとめて進めています" in seen  # told that it was merged, not into what
    assert reverse("projects:idea_detail", kwargs={"pk": target.pk}) not in seen.replace(
        reverse("projects:idea_detail", kwargs={"pk": source.pk}), ""
    )


def test_public_titles_still_cross_both_ways(client: Any, role_users: Any) -> None:
    target = IdeaFactory(title="朝の体操", by=role_users["resident"])
    source = IdeaFactory(title="朝の体操会", by=role_users["member"])
    _merge(client, role_users["coordinator"], source, target)
    assert "朝の体操会" in _what_reaches(client, role_users["resident"], target)
    seen = _what_reaches(client, role_users["member"], source)
    assert "「朝の体操」" in seen
    assert reverse("projects:idea_detail", kwargs={"pk": target.pk}) in seen


def test_an_author_merging_their_own_private_ideas_keeps_both_titles(
    client: Any, role_users: Any
) -> None:
    target = IdeaFactory(title="自分の困りごと", kind=Idea.Kind.TROUBLE, by=role_users["resident"])
    source = IdeaFactory(title=SECRET, kind=Idea.Kind.TROUBLE, by=role_users["resident"])
    _merge(client, role_users["coordinator"], source, target)
    assert SECRET in _what_reaches(client, role_users["resident"], target)
    assert "自分の困りごと" in _what_reaches(client, role_users["resident"], source)


def test_a_resident_without_an_account_is_emailed_no_private_title(
    client: Any, role_users: Any
) -> None:
    target = IdeaFactory(title=SECRET, kind=Idea.Kind.TROUBLE, by=role_users["resident"])
    source = IdeaFactory(
        title=PUBLIC,
        by=role_users["coordinator"],
        on_behalf=True,
        on_behalf_name="電話の方",
        on_behalf_contact="phone.caller@example.jp",
    )
    _merge(client, role_users["coordinator"], source, target)
    sent = [m for m in mail.outbox if "phone.caller@example.jp" in m.to]
    assert sent, "the resident who called is still told about the merge"
    assert all(SECRET not in f"{m.subject} {m.body}" for m in sent)
