from __future__ import annotations

import io
import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from projects.models import Idea, IdeaEvent, IdeaNote, IdeaReaction
from projects.services import (
    idea_create,
    idea_merge,
    idea_react,
    idea_reply,
    idea_transition,
)
from reminders.models import Reminder
from tests.factories import IdeaFactory

pytestmark = pytest.mark.django_db


def _form(**kw: Any) -> dict[str, Any]:
    data = {
        "submission_token": str(uuid.uuid4()),
        "kind": "want",
        "title": "空き店舗で子ども食堂",
        "description": "商店街の空き店舗で子ども食堂を開きたいです。",
        "contact_method": "portal",
        "is_public": "on",
    }
    data.update(kw)
    return data


def _png() -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", (20, 20), "red").save(buf, format="PNG")
    return SimpleUploadedFile("photo.png", buf.getvalue(), content_type="image/png")


def test_resident_submits_an_idea_and_sees_it_received(client: Any, role_users: Any) -> None:
    client.force_login(role_users["resident"])
    response = client.post(reverse("projects:idea_create"), _form())
    idea = Idea.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("projects:idea_detail", kwargs={"pk": idea.pk})
    assert idea.author == role_users["resident"]
    assert idea.status == Idea.Status.RECEIVED
    page = client.get(reverse("projects:idea_detail", kwargs={"pk": idea.pk}))
    assert "受け付けました" in page.content.decode()
    assert Reminder.objects.filter(
        recipient=role_users["resident"], kind="projects.idea_event"
    ).exists()
    mine = client.get(reverse("projects:idea_mine"))
    assert "空き店舗で子ども食堂" in mine.content.decode()


def test_double_click_creates_one_idea(client: Any, role_users: Any) -> None:
    client.force_login(role_users["resident"])
    data = _form()
    first = client.post(reverse("projects:idea_create"), data)
    second = client.post(reverse("projects:idea_create"), data)
    assert Idea.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_script_and_overlong_title_are_refused_and_nothing_is_stored(
    client: Any, role_users: Any
) -> None:
    client.force_login(role_users["resident"])
    r1 = client.post(reverse("projects:idea_create"), _form(title="<script>alert(1)</script>"))
    r2 = client.post(reverse("projects:idea_create"), _form(title="あ" * 101))
    r3 = client.post(reverse("projects:idea_create"), _form(title=""))
    assert Idea.objects.count() == 0
    assert "スクリプトを含む文章" in r1.content.decode()
    assert r2.status_code == 200 and r3.status_code == 200


def test_text_is_escaped_on_the_page(client: Any, role_users: Any) -> None:
    idea = IdeaFactory(description="<b>太字</b> & <img src=x>")
    page = client.get(reverse("projects:idea_detail", kwargs={"pk": idea.pk})).content.decode()
    assert "&lt;b&gt;太字&lt;/b&gt;" in page
    assert "<img src=x>" not in page


def test_a_text_file_named_jpg_is_refused(client: Any, role_users: Any) -> None:
    client.force_login(role_users["resident"])
    fake = SimpleUploadedFile("photo.jpg", b"not really a photo", content_type="image/jpeg")
    response = client.post(reverse("projects:idea_create"), {**_form(), "photo1": fake})
    assert Idea.objects.count() == 0
    assert "写真として読み込めませんでした" in response.content.decode()


def test_a_real_photo_is_stored_with_the_idea(
    client: Any, role_users: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    client.force_login(role_users["resident"])
    client.post(reverse("projects:idea_create"), {**_form(), "photo1": _png()})
    idea = Idea.objects.get()
    assert idea.photos.count() == 1


def test_trouble_is_never_public_even_when_ticked(client: Any, role_users: Any) -> None:
    idea = IdeaFactory(kind=Idea.Kind.TROUBLE, is_public=True, title="ごみ出しが心配")
    assert idea.is_public is False
    assert client.get(reverse("projects:idea_detail", kwargs={"pk": idea.pk})).status_code == 404
    assert "ごみ出しが心配" not in client.get(reverse("projects:idea_board")).content.decode()


def test_private_idea_is_404_for_other_residents_and_visible_to_coordinators(
    client: Any, role_users: Any
) -> None:
    idea = IdeaFactory(is_public=False, contact_method="phone", contact_detail="042-000-0000")
    url = reverse("projects:idea_detail", kwargs={"pk": idea.pk})
    client.force_login(role_users["member"])
    assert client.get(url).status_code == 404
    client.force_login(role_users["coordinator"])
    assert "042-000-0000" in client.get(url).content.decode()


def test_contact_details_of_a_public_idea_are_hidden_from_the_public(
    client: Any, role_users: Any
) -> None:
    idea = IdeaFactory(contact_method="phone", contact_detail="042-999-9999")
    page = client.get(reverse("projects:idea_detail", kwargs={"pk": idea.pk})).content.decode()
    assert "042-999-9999" not in page


def test_staff_entering_for_a_resident_is_recorded(client: Any, role_users: Any) -> None:
    client.force_login(role_users["coordinator"])
    client.post(
        reverse("projects:idea_create"),
        _form(on_behalf="on", on_behalf_name="町田 花子", on_behalf_contact="hanako@example.jp"),
    )
    idea = Idea.objects.get()
    assert idea.author is None
    assert idea.entered_by == role_users["coordinator"]
    assert idea.on_behalf_name == "町田 花子"
    # The resident has no account: the receipt goes to the email they gave on the phone.
    assert Reminder.objects.filter(recipient_email="hanako@example.jp").exists()


def test_residents_cannot_enter_on_someone_elses_behalf(role_users: Any) -> None:
    with pytest.raises(ValidationError):
        idea_create(
            by=role_users["resident"],
            kind="want",
            title="t",
            description="d",
            on_behalf=True,
            on_behalf_name="x",
        )


def test_transition_writes_dated_history_and_notifies_the_author(role_users: Any) -> None:
    idea = IdeaFactory()
    idea_transition(
        idea=idea, to=Idea.Status.SESSION, by=role_users["coordinator"], message="次回で話します"
    )
    idea.refresh_from_db()
    assert idea.status == Idea.Status.SESSION
    event = IdeaEvent.objects.filter(idea=idea).last()
    assert event is not None and event.to_status == Idea.Status.SESSION
    assert event.message == "次回で話します"
    assert idea.first_response_at is not None
    assert Reminder.objects.filter(
        recipient=role_users["resident"], subject__contains="フューチャーセッションで取り上げ"
    ).exists()


def test_transition_outside_the_table_is_refused(role_users: Any) -> None:
    idea = IdeaFactory()
    idea_transition(idea=idea, to=Idea.Status.CLOSED, by=role_users["coordinator"])
    with pytest.raises(ValidationError):
        idea_transition(idea=idea, to=Idea.Status.PROJECT, by=role_users["coordinator"])


def test_internal_notes_are_never_shown_to_the_author(client: Any, role_users: Any) -> None:
    idea = IdeaFactory()
    client.force_login(role_users["coordinator"])
    client.post(reverse("projects:idea_note", kwargs={"pk": idea.pk}), {"text": "内緒のメモ"})
    assert IdeaNote.objects.filter(idea=idea).count() == 1
    url = reverse("projects:idea_detail", kwargs={"pk": idea.pk})
    assert "内緒のメモ" in client.get(url).content.decode()
    client.force_login(role_users["resident"])
    assert "内緒のメモ" not in client.get(url).content.decode()


def test_new_idea_schedules_acknowledgement_reminders_that_a_reply_cancels(role_users: Any) -> None:
    idea = IdeaFactory()
    ack = Reminder.objects.filter(idempotency_key__startswith=f"idea:{idea.pk}:ack:")
    assert ack.count() >= 1
    first = ack.first()
    assert first is not None
    assert abs(first.due_at - (idea.created_at + timedelta(days=4))) < timedelta(seconds=5)
    idea_reply(idea=idea, by=role_users["coordinator"], message="お電話します")
    assert not ack.filter(status=Reminder.Status.PENDING).exists()


def test_acknowledgement_days_are_configurable(settings: Any, role_users: Any) -> None:
    settings.IDEA_ACK_DAYS = 10
    idea = IdeaFactory()
    r = Reminder.objects.filter(idempotency_key__startswith=f"idea:{idea.pk}:ack:").first()
    assert r is not None
    assert r.due_at - idea.created_at > timedelta(days=8)


def test_overdue_list_shows_unacknowledged_old_ideas(client: Any, role_users: Any) -> None:
    old = IdeaFactory(title="古いアイデア")
    Idea.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=6))
    IdeaFactory(title="新しいアイデア")
    client.force_login(role_users["coordinator"])
    page = client.get(reverse("projects:inbox") + "?overdue=on").content.decode()
    assert "古いアイデア" in page
    assert "新しいアイデア" not in page


def test_inbox_filters_by_status_and_district(client: Any, role_users: Any, district: Any) -> None:
    IdeaFactory(title="鶴川のアイデア", district=district)
    other = IdeaFactory(title="市全域のアイデア")
    idea_transition(idea=other, to=Idea.Status.COORDINATING, by=role_users["coordinator"])
    client.force_login(role_users["coordinator"])
    by_district = client.get(reverse("projects:inbox"), {"district": district.pk}).content.decode()
    assert "鶴川のアイデア" in by_district and "市全域のアイデア" not in by_district
    by_status = client.get(reverse("projects:inbox"), {"status": "coordinating"}).content.decode()
    assert "市全域のアイデア" in by_status and "鶴川のアイデア" not in by_status


def test_assign_to_a_coordinator(client: Any, role_users: Any) -> None:
    idea = IdeaFactory()
    client.force_login(role_users["coordinator"])
    client.post(
        reverse("projects:idea_assign", kwargs={"pk": idea.pk}),
        {"assigned_to": role_users["coordinator"].pk},
    )
    idea.refresh_from_db()
    assert idea.assigned_to == role_users["coordinator"]


def test_board_search_finds_two_character_words(client: Any, role_users: Any) -> None:
    IdeaFactory(title="介護の家族会をつくりたい", description="家族の集まり")
    IdeaFactory(title="防災訓練", description="まちの訓練")
    page = client.get(reverse("projects:idea_board"), {"q": "介護"}).content.decode()
    assert "介護の家族会" in page and "防災訓練" not in page


def test_board_filters_by_kind(client: Any, role_users: Any) -> None:
    IdeaFactory(title="送迎できます", kind=Idea.Kind.CAN)
    IdeaFactory(title="体操したい")
    page = client.get(reverse("projects:idea_board"), {"kind": "can"}).content.decode()
    assert "送迎できます" in page and "体操したい" not in page


def test_a_user_counts_once_per_button(client: Any, role_users: Any) -> None:
    idea = IdeaFactory()
    assert idea_react(idea=idea, user=role_users["member"], kind="join") is True
    IdeaReaction.objects.get_or_create(idea=idea, user=role_users["member"], kind="join")
    assert idea.reactions.filter(kind="join").count() == 1
    idea_react(idea=idea, user=role_users["member"], kind="support")
    idea_react(idea=idea, user=role_users["city"], kind="support")
    page = client.get(reverse("projects:idea_board")).content.decode()
    assert idea.reactions.filter(kind="support").count() == 2
    assert "応援する" in page


def test_react_button_posts_toggle(client: Any, role_users: Any) -> None:
    idea = IdeaFactory()
    client.force_login(role_users["member"])
    url = reverse("projects:idea_react", kwargs={"pk": idea.pk})
    client.post(url, {"kind": "join"})
    assert idea.reactions.count() == 1
    client.post(url, {"kind": "join"})
    assert idea.reactions.count() == 0


def test_similar_ideas_are_suggested_but_not_others_private_ones(
    client: Any, role_users: Any
) -> None:
    IdeaFactory(title="公園でラジオ体操をしたい", description="朝に集まる")
    IdeaFactory(
        title="公園の花壇づくり（非公開）",
        description="花",
        is_public=False,
        by=role_users["member"],
    )
    IdeaFactory(title="料理教室", description="夕方に集まる")
    client.force_login(role_users["city"])
    data = client.get(reverse("projects:idea_similar"), {"q": "公園で体操"}).json()
    titles = [r["title"] for r in data["results"]]
    assert titles == ["公園でラジオ体操をしたい"]


def test_merge_carries_supporters_and_tells_the_author(role_users: Any) -> None:
    target = IdeaFactory(title="朝の体操")
    source = IdeaFactory(title="朝の体操会", by=role_users["member"])
    idea_react(idea=source, user=role_users["city"], kind="support")
    idea_react(idea=source, user=role_users["cwc"], kind="join")
    idea_react(idea=target, user=role_users["cwc"], kind="join")
    idea_merge(source=source, target=target, by=role_users["coordinator"])
    source.refresh_from_db()
    assert source.status == Idea.Status.MERGED and source.merged_into == target
    assert target.reactions.filter(kind="support").count() == 1
    assert target.reactions.filter(kind="join").count() == 1
    assert target.events.filter(message__contains="朝の体操会").exists()
    assert Reminder.objects.filter(
        recipient=role_users["member"], subject__contains="まとめました"
    ).exists()


def test_a_draft_is_private_uncounted_and_sent_later(client: Any, role_users: Any) -> None:
    from projects.selectors import ideas_received

    client.force_login(role_users["resident"])
    response = client.post(
        reverse("projects:idea_create"), {**_form(title="下書きのアイデア"), "save_draft": "1"}
    )
    idea = Idea.objects.get()
    assert idea.status == Idea.Status.DRAFT
    assert response["Location"] == reverse("projects:idea_edit", kwargs={"pk": idea.pk})
    assert not Reminder.objects.exists()  # nobody is told about a draft
    assert "下書きのアイデア" not in client.get(reverse("projects:idea_board")).content.decode()
    client.force_login(role_users["coordinator"])
    assert "下書きのアイデア" not in client.get(reverse("projects:inbox")).content.decode()
    year = (
        timezone.localdate().year
        if timezone.localdate().month >= 4
        else timezone.localdate().year - 1
    )
    assert ideas_received(year).count() == 0

    client.force_login(role_users["resident"])
    edit = reverse("projects:idea_edit", kwargs={"pk": idea.pk})
    data = {**_form(title="送るアイデア"), "submission_token": str(idea.submission_token)}
    client.post(edit, data)
    idea.refresh_from_db()
    assert idea.status == Idea.Status.RECEIVED and idea.title == "送るアイデア"
    assert Reminder.objects.filter(recipient=role_users["resident"]).exists()
    assert ideas_received(year).count() == 1
    # The same (now stale) form posted again changes nothing: the idea is sent, and the same
    # words are no edit (issue 13: the author may correct a sent idea).
    assert client.post(edit, data).status_code == 302
    assert IdeaEvent.objects.filter(idea=idea, to_status=Idea.Status.RECEIVED).count() == 1
    assert not IdeaEvent.objects.filter(idea=idea, edited=True).exists()


def test_coordinators_cannot_move_a_draft(role_users: Any) -> None:
    idea = IdeaFactory(draft=True)
    with pytest.raises(ValidationError):
        idea_transition(idea=idea, to=Idea.Status.RECEIVED, by=role_users["coordinator"])


def test_coordinators_read_a_draft_without_the_action_panel(client: Any, role_users: Any) -> None:
    idea = IdeaFactory(draft=True, title="考え中の下書き")
    client.force_login(role_users["coordinator"])
    page = client.get(reverse("projects:idea_detail", kwargs={"pk": idea.pk})).content.decode()
    assert "考え中の下書き" in page and "コーディネーターの作業" not in page


def test_the_inbox_filter_form_is_cached_per_query_and_language_and_refreshed_by_directory_edits(
    client: Any, role_users: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from directory.models import Theme

    client.force_login(role_users["coordinator"])
    url = reverse("projects:inbox")
    first = client.get(url, {"q": "子ども食堂"}).content.decode()
    assert 'value="子ども食堂"' in first
    # Another query is another form, never the cached one.
    assert 'value="見守り"' in client.get(url, {"q": "見守り"}).content.decode()
    # The same query in English is the English form.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(url, {"q": "子ども食堂"}).content.decode()
    assert "絞り込む" not in english and ">Filter<" in english
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ja"
    # A theme added in the admin (a plain save) appears in the cached form at once.
    assert "新しいテーマ" not in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        Theme.objects.create(name_ja="新しいテーマ", name_en="A new theme", code="new-theme")
    assert "新しいテーマ" in client.get(url).content.decode()
