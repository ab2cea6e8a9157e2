"""An idea corrected by its author after sending (issue 13, decision 0022): only the author,
only while it is being worked on; the timeline says 「内容が編集されました」; coordinators see
old → new; other readers never see old versions."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from projects import services
from projects.models import Idea, IdeaEvent, Offer
from tests.factories import IdeaFactory, UserFactory

pytestmark = pytest.mark.django_db

HI = Idea.history.model  # type: ignore[attr-defined]


def _form(idea: Idea, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": idea.title,
        "description": idea.description,
        "district": idea.district_id or "",
        "help_types": idea.help_types,
        "contact_method": idea.contact_method,
        "contact_detail": idea.contact_detail,
    }
    if idea.is_public:
        data["is_public"] = "on"
    data.update(changes)
    return data


def _edit_url(idea: Idea) -> str:
    return reverse("projects:idea_edit", kwargs={"pk": idea.pk})


def _detail_url(idea: Idea) -> str:
    return reverse("projects:idea_detail", kwargs={"pk": idea.pk})


# --- who may ---------------------------------------------------------------------------------


def test_another_resident_cannot_edit_a_public_idea(client: Any, role_users: Any) -> None:
    idea = IdeaFactory()
    client.force_login(UserFactory())
    assert client.get(_edit_url(idea)).status_code == 403
    assert client.post(_edit_url(idea), _form(idea, title="乗っ取り")).status_code == 403
    idea.refresh_from_db()
    assert idea.title == "公園でラジオ体操をしたい"
    assert not IdeaEvent.objects.filter(idea=idea, edited=True).exists()


def test_another_resident_gets_404_on_a_private_idea(client: Any, role_users: Any) -> None:
    idea = IdeaFactory(is_public=False)
    client.force_login(UserFactory())
    assert client.post(_edit_url(idea), _form(idea, title="乗っ取り")).status_code == 404
    idea.refresh_from_db()
    assert idea.title == "公園でラジオ体操をしたい"


@pytest.mark.parametrize("who", ["coordinator", "cwc", "admin"])
def test_a_coordinator_cannot_edit_a_residents_words(
    client: Any, role_users: Any, who: str
) -> None:
    idea = IdeaFactory()
    client.force_login(role_users[who])
    assert client.post(_edit_url(idea), _form(idea, title="書き換え")).status_code == 403
    with pytest.raises(PermissionDenied):
        services.idea_edit_sent(idea=idea, by=role_users[who], title="書き換え")
    idea.refresh_from_db()
    assert idea.title == "公園でラジオ体操をしたい"
    assert not HI.objects.filter(id=idea.pk).exists()


@pytest.mark.parametrize("status", [Idea.Status.PROJECT, Idea.Status.CONNECTED, Idea.Status.CLOSED])
def test_not_after_it_became_a_project_connected_or_closed(
    client: Any, role_users: Any, status: str
) -> None:
    idea = IdeaFactory()
    services.idea_transition(idea=idea, to=status, by=role_users["coordinator"])
    client.force_login(role_users["resident"])
    assert client.post(_edit_url(idea), _form(idea, title="あとから")).status_code == 403
    idea.refresh_from_db()
    assert idea.title == "公園でラジオ体操をしたい"
    page = client.get(_detail_url(idea)).content.decode()
    assert "内容を直す" not in page


# --- the author edits ------------------------------------------------------------------------


def test_author_edits_a_sent_idea_and_the_timeline_says_so(client: Any, role_users: Any) -> None:
    idea = IdeaFactory()
    services.idea_transition(idea=idea, to=Idea.Status.COORDINATING, by=role_users["coordinator"])
    client.force_login(role_users["resident"])
    page = client.get(_detail_url(idea)).content.decode()
    assert "内容を直す" in page
    r = client.post(
        _edit_url(idea),
        _form(idea, title="公園でラジオ体操と体力測定をしたい", help_types=["people"]),
    )
    assert r.status_code == 302
    idea.refresh_from_db()
    assert idea.title == "公園でラジオ体操と体力測定をしたい"
    assert idea.status == Idea.Status.COORDINATING
    event = IdeaEvent.objects.get(idea=idea, edited=True)
    assert event.by == role_users["resident"]

    page = client.get(_detail_url(idea)).content.decode()
    assert "内容が編集されました" in page
    # The author sees that it changed, not a diff of old versions.
    assert 'data-testid="idea-changes"' not in page

    client.force_login(role_users["coordinator"])
    page = client.get(_detail_url(idea)).content.decode()
    assert "内容が編集されました" in page
    assert 'data-testid="idea-changes"' in page
    assert "公園でラジオ体操をしたい" in page  # the old title, in the diff
    assert "公園でラジオ体操と体力測定をしたい" in page


def test_other_residents_never_see_old_versions(client: Any, role_users: Any) -> None:
    idea = IdeaFactory()
    services.idea_edit_sent(
        idea=idea, by=role_users["resident"], description="内容を書き直しました。"
    )
    client.force_login(UserFactory())
    page = client.get(_detail_url(idea)).content.decode()
    assert "朝の公園で多世代のラジオ体操をしたいです。" not in page
    assert "内容を書き直しました。" in page
    client.logout()
    page = client.get(_detail_url(idea)).content.decode()
    assert "朝の公園で多世代のラジオ体操をしたいです。" not in page


def test_bad_input_changes_nothing(client: Any, role_users: Any) -> None:
    idea = IdeaFactory()
    client.force_login(role_users["resident"])
    r = client.post(_edit_url(idea), _form(idea, title="", description="x" * 5000))
    assert r.status_code == 200
    idea.refresh_from_db()
    assert idea.title == "公園でラジオ体操をしたい"
    assert not HI.objects.filter(id=idea.pk).exists()
    assert not IdeaEvent.objects.filter(idea=idea, edited=True).exists()
    with pytest.raises(ValidationError):
        services.idea_edit_sent(idea=idea, by=role_users["resident"], help_types=["nonsense"])
    assert not HI.objects.filter(id=idea.pk).exists()


def test_an_edit_that_changes_nothing_writes_nothing(role_users: Any) -> None:
    idea = IdeaFactory()
    services.idea_edit_sent(idea=idea, by=role_users["resident"], title=idea.title)
    assert not HI.objects.filter(id=idea.pk).exists()
    assert not IdeaEvent.objects.filter(idea=idea, edited=True).exists()


def test_a_trouble_stays_private_after_an_edit(role_users: Any) -> None:
    idea = IdeaFactory(kind=Idea.Kind.TROUBLE, is_public=False)
    services.idea_edit_sent(
        idea=idea, by=role_users["resident"], is_public=True, title="困っています"
    )
    idea.refresh_from_db()
    assert idea.is_public is False


def test_other_saves_keep_no_history(role_users: Any) -> None:
    idea = IdeaFactory()
    services.idea_transition(idea=idea, to=Idea.Status.COORDINATING, by=role_users["coordinator"])
    assert not HI.objects.filter(id=idea.pk).exists()


def test_coordinator_page_queries_do_not_grow_with_edits(client: Any, role_users: Any) -> None:
    idea = IdeaFactory()
    client.force_login(role_users["coordinator"])

    def count() -> int:
        client.get(_detail_url(idea))
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(_detail_url(idea)).status_code == 200
        return len(ctx.captured_queries)

    for i in range(2):
        services.idea_edit_sent(idea=idea, by=role_users["resident"], title=f"題 {i}")
    few = count()
    for i in range(6):
        services.idea_edit_sent(idea=idea, by=role_users["resident"], title=f"別の題 {i}")
    assert count() == few


# --- offers ----------------------------------------------------------------------------------


def _offer(owner: Any) -> Any:
    from projects.services import offer_create

    return offer_create(
        owner=owner,
        title="送迎できます",
        description="平日の午前に車で送迎できます。",
        offer_types=["vehicle"],
        availability=["weekday_day"],
        contact="member@example.jp",
    )


def _offer_form(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "送迎できます",
        "description": "平日の午前に車で送迎できます。",
        "offer_types": ["vehicle"],
        "availability": ["weekday_day"],
        "contact": "member@example.jp",
    }
    data.update(changes)
    return data


def test_the_owner_edits_an_offer_and_coordinators_see_what_changed(
    client: Any, role_users: Any
) -> None:
    offer = _offer(role_users["member"])
    edit = reverse("projects:offer_edit", kwargs={"pk": offer.pk})
    detail = reverse("projects:offer_detail", kwargs={"pk": offer.pk})
    client.force_login(role_users["member"])
    r = client.post(edit, _offer_form(availability=["weekday_day", "weekend"]))
    assert r.status_code == 302
    offer.refresh_from_db()
    assert offer.availability == ",weekday_day,weekend,"
    assert 'data-testid="offer-changes"' not in client.get(detail).content.decode()

    client.force_login(role_users["coordinator"])
    page = client.get(detail).content.decode()
    assert 'data-testid="offer-changes"' in page
    assert "平日の昼、土日・祝日" in page

    client.force_login(UserFactory())
    assert 'data-testid="offer-changes"' not in client.get(detail).content.decode()


@pytest.mark.parametrize("who", ["resident", "coordinator"])
def test_only_the_owner_edits_an_offer(client: Any, role_users: Any, who: str) -> None:
    offer = _offer(role_users["member"])
    client.force_login(role_users[who])
    edit = reverse("projects:offer_edit", kwargs={"pk": offer.pk})
    assert client.post(edit, _offer_form(title="書き換え")).status_code == 403
    offer.refresh_from_db()
    assert offer.title == "送迎できます"
    assert not Offer.history.filter(id=offer.pk).exists()  # type: ignore[attr-defined]


def test_a_bad_offer_edit_changes_nothing(client: Any, role_users: Any) -> None:
    offer = _offer(role_users["member"])
    client.force_login(role_users["member"])
    edit = reverse("projects:offer_edit", kwargs={"pk": offer.pk})
    assert client.post(edit, _offer_form(title="", offer_types=[])).status_code == 200
    with pytest.raises(ValidationError):
        services.offer_update(
            offer=offer,
            by=role_users["member"],
            title="x",
            description="y",
            offer_types=["nonsense"],
            contact="c",
        )
    offer.refresh_from_db()
    assert offer.title == "送迎できます"
    assert not Offer.history.filter(id=offer.pk).exists()  # type: ignore[attr-defined]


def test_offer_page_queries_do_not_grow_with_edits(client: Any, role_users: Any) -> None:
    offer = _offer(role_users["member"])
    url = reverse("projects:offer_detail", kwargs={"pk": offer.pk})
    client.force_login(role_users["coordinator"])

    def count() -> int:
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    def edit(n: int) -> None:
        for i in range(n):
            services.offer_update(
                offer=offer,
                by=role_users["member"],
                title=f"送迎できます {i}",
                description="d",
                offer_types=["vehicle"],
                contact="c",
            )

    edit(2)
    few = count()
    edit(6)
    assert count() == few


def test_the_coordinator_in_charge_hears_of_an_edit(role_users: Any) -> None:
    from reminders.models import Reminder

    idea = IdeaFactory()
    services.idea_assign(idea=idea, to=role_users["coordinator"], by=role_users["coordinator"])
    services.idea_edit_sent(idea=idea, by=role_users["resident"], title="公園で体操と散歩")
    told = Reminder.objects.filter(
        recipient=role_users["coordinator"], idempotency_key__startswith=f"idea:{idea.pk}:edited:"
    )
    assert told.count() == 1
    assert "内容が編集されました" in told.get().subject
