from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from consultations import services
from consultations.deadlines import add_business_days, deadline_for
from consultations.models import (
    AccessLog,
    Consultation,
    SharedField,
    SheetStatus,
    SheetTransition,
    TsunaguSheet,
)
from consultations.selectors import agency_of
from reminders.models import Reminder
from tests.factories import ConsultationFactory, SheetFactory

pytestmark = pytest.mark.django_db
TOKYO = ZoneInfo("Asia/Tokyo")


def _move(users: dict[str, Any], sheet: TsunaguSheet, to: str, who: str, **kw: Any) -> TsunaguSheet:
    user = users[who]
    return services.sheet_transition(
        sheet_id=sheet.pk, to=to, by=user, agency=agency_of(user), **kw
    )


def test_full_closed_loop_records_every_step_and_days_to_first_contact(
    users: dict[str, Any],
) -> None:
    sheet = SheetFactory(status=SheetStatus.RECEIVED)
    sent_day = timezone.localdate(sheet.sent_at)
    sheet = _move(
        users,
        sheet,
        SheetStatus.FIRST_CONTACT,
        "staff_disability",
        contact_on=sent_day,
        contact_method="phone",
        note="本人と電話で話しました",
    )
    assert sheet.days_to_first_contact == 0
    sheet = _move(users, sheet, SheetStatus.SUPPORTING, "staff_disability")
    sheet = _move(
        users, sheet, SheetStatus.COMPLETED, "staff_disability", note="通所につながりました"
    )
    steps = list(sheet.history.values_list("from_status", "to_status"))
    assert steps == [
        ("draft", "sent"),
        ("sent", "received"),
        ("received", "first_contact"),
        ("first_contact", "supporting"),
        ("supporting", "completed"),
    ]
    assert sheet.report_back == "通所につながりました"


def test_sender_sees_state_and_report_back(users: dict[str, Any], client: Any) -> None:
    sheet = SheetFactory(status=SheetStatus.RECEIVED)
    _move(
        users,
        sheet,
        SheetStatus.FIRST_CONTACT,
        "staff_disability",
        contact_on=timezone.localdate(),
        contact_method="visit",
        note="訪問して本人と会えました",
    )
    client.force_login(users["staff_elderly"])
    body = client.get(
        reverse("consultations:sheet_detail", kwargs={"pk": sheet.pk})
    ).content.decode()
    assert "初回連絡済み" in body
    assert "訪問して本人と会えました" in body


def test_receiver_never_sees_a_field_the_consent_does_not_cover(
    users: dict[str, Any], client: Any
) -> None:
    sheet = SheetFactory(status=SheetStatus.SENT)
    client.force_login(users["staff_disability"])
    body = client.get(
        reverse("consultations:sheet_detail", kwargs={"pk": sheet.pk})
    ).content.decode()
    assert "町田 太郎" in body  # name is covered
    assert "042-000-1234" not in body  # phone is not
    assert "1948" not in body  # birth date is not
    assert "自分の介護と" not in body  # narrative is not
    assert "長男" not in body  # household is not
    assert (
        reverse("consultations:consultation_detail", kwargs={"pk": sheet.consultation_id})
        not in body
    )
    # And the consultation itself is not reachable.
    r = client.get(
        reverse("consultations:consultation_detail", kwargs={"pk": sheet.consultation_id})
    )
    assert r.status_code == 404


def test_receiver_search_does_not_reach_unshared_fields(users: dict[str, Any], client: Any) -> None:
    SheetFactory(status=SheetStatus.SENT)
    client.force_login(users["staff_disability"])
    found = client.get(reverse("consultations:inbox"), {"tab": "incoming", "q": "まちだ"})
    assert "つなぐシート #" in found.content.decode()
    hidden = client.get(reverse("consultations:inbox"), {"tab": "incoming", "q": "介護"})
    assert "該当するシートはありません" in hidden.content.decode()


def test_sheet_cannot_be_sent_without_consent(users: dict[str, Any]) -> None:
    consultation = ConsultationFactory(consent_status="pending", consent_method="")
    sheet = SheetFactory(status=SheetStatus.DRAFT, consultation=consultation)
    with pytest.raises(ValidationError, match="同意がない"):
        _move(users, sheet, SheetStatus.SENT, "staff_elderly")
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.DRAFT
    assert not sheet.history.exists()


def test_sheet_under_support_meeting_is_sent_without_consent_and_recorded(
    users: dict[str, Any],
) -> None:
    consultation = ConsultationFactory(consent_status="refused", consent_method="")
    sheet = services.sheet_create(
        consultation=consultation,
        receiver=agency_of(users["staff_disability"]),  # type: ignore[arg-type]
        by=users["staff_elderly"],
        reason="虐待の疑い",
        shared_fields=[SharedField.NAME, SharedField.PHONE],
        urgency="urgent",
        legal_basis=TsunaguSheet.LegalBasis.SUPPORT_MEETING,
        support_meeting_note="2026-11-20 支援会議で共有を決定",
    )
    sheet = _move(users, sheet, SheetStatus.SENT, "staff_elderly")
    assert sheet.status == SheetStatus.SENT
    assert sheet.legal_basis == "support_meeting"


def test_support_meeting_without_record_is_refused(users: dict[str, Any]) -> None:
    consultation = ConsultationFactory(consent_status="refused", consent_method="")
    with pytest.raises(ValidationError, match="支援会議"):
        services.sheet_create(
            consultation=consultation,
            receiver=agency_of(users["staff_disability"]),  # type: ignore[arg-type]
            by=users["staff_elderly"],
            reason="x",
            shared_fields=[],
            urgency="normal",
            legal_basis=TsunaguSheet.LegalBasis.SUPPORT_MEETING,
        )
    assert not TsunaguSheet.objects.exists()


def test_expired_consent_blocks_sending(users: dict[str, Any]) -> None:
    consultation = ConsultationFactory()
    # A consent that has run out since: a past expiry can no longer be entered.
    Consultation.objects.filter(pk=consultation.pk).update(consent_expires_on=date(2020, 1, 1))
    consultation.refresh_from_db()
    sheet = SheetFactory(status=SheetStatus.DRAFT, consultation=consultation)
    with pytest.raises(ValidationError, match="有効期限"):
        _move(users, sheet, SheetStatus.SENT, "staff_elderly")
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.DRAFT


def test_fields_outside_the_consent_cannot_be_sent(users: dict[str, Any]) -> None:
    consultation = ConsultationFactory()
    sheet = services.sheet_create(
        consultation=consultation,
        receiver=agency_of(users["staff_disability"]),  # type: ignore[arg-type]
        by=users["staff_elderly"],
        reason="x",
        shared_fields=[SharedField.NAME, SharedField.PHONE],
        urgency="normal",
    )
    with pytest.raises(ValidationError, match="電話番号"):
        _move(users, sheet, SheetStatus.SENT, "staff_elderly")


def test_agency_outside_consent_scope_cannot_receive(users: dict[str, Any]) -> None:
    consultation = ConsultationFactory()
    other = agency_of(users["staff_other"])
    assert other is not None
    sheet = services.sheet_create(
        consultation=consultation,
        receiver=other,
        by=users["staff_elderly"],
        reason="x",
        shared_fields=[SharedField.NAME],
        urgency="normal",
    )
    with pytest.raises(ValidationError, match="同意の範囲"):
        _move(users, sheet, SheetStatus.SENT, "staff_elderly")


def test_decline_needs_a_reason_and_changes_nothing_without_one(users: dict[str, Any]) -> None:
    sheet = SheetFactory(status=SheetStatus.SENT)
    with pytest.raises(ValidationError, match="不受理の理由"):
        _move(users, sheet, SheetStatus.DECLINED, "staff_disability", note="  ")
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.SENT
    assert sheet.history.count() == 1
    sheet = _move(users, sheet, SheetStatus.DECLINED, "staff_disability", note="対象外の地区です")
    assert sheet.decline_reason == "対象外の地区です"


def test_disallowed_transition_is_refused(users: dict[str, Any]) -> None:
    sheet = SheetFactory(status=SheetStatus.SENT)
    with pytest.raises(ValidationError, match="その操作はできません"):
        _move(users, sheet, SheetStatus.COMPLETED, "staff_disability")
    # The sender cannot receive its own sheet.
    with pytest.raises(ValidationError):
        _move(users, sheet, SheetStatus.RECEIVED, "staff_elderly")
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.SENT


def test_disallowed_transition_through_the_page_shows_a_message(
    users: dict[str, Any], client: Any
) -> None:
    sheet = SheetFactory(status=SheetStatus.SENT)
    client.force_login(users["staff_disability"])
    url = reverse("consultations:sheet_transition", kwargs={"pk": sheet.pk})
    r = client.post(url, {"to": "completed"}, follow=True)
    assert "その操作はできません" in r.content.decode()
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.SENT


def test_withdraw_only_before_receipt(users: dict[str, Any]) -> None:
    sheet = SheetFactory(status=SheetStatus.SENT)
    assert _move(users, sheet, SheetStatus.WITHDRAWN, "staff_elderly").status == "withdrawn"
    received = SheetFactory(status=SheetStatus.RECEIVED)
    with pytest.raises(ValidationError):
        _move(users, received, SheetStatus.WITHDRAWN, "staff_elderly")


def test_return_to_sender_needs_a_reason(users: dict[str, Any]) -> None:
    sheet = SheetFactory(status=SheetStatus.RECEIVED)
    with pytest.raises(ValidationError, match="差し戻し"):
        _move(users, sheet, SheetStatus.RETURNED, "staff_disability")
    sheet = _move(users, sheet, SheetStatus.RETURNED, "staff_disability", note="担当外でした")
    assert sheet.return_reason == "担当外でした"


def test_over_long_narrative_is_refused_and_nothing_stored(
    users: dict[str, Any], client: Any
) -> None:
    client.force_login(users["staff_elderly"])
    r = client.post(
        reverse("consultations:consultation_create"),
        {
            "person_name": "長文 さん",
            "visitor": "self",
            "urgency": "normal",
            "consent_status": "pending",
            "narrative": "あ" * 5000,
            "household-TOTAL_FORMS": "0",
            "household-INITIAL_FORMS": "0",
        },
    )
    assert r.status_code == 200
    assert "4000" in r.content.decode()
    assert not Consultation.objects.exists()


def test_intake_through_the_page_stores_household_and_logs(
    users: dict[str, Any], client: Any
) -> None:
    client.force_login(users["staff_elderly"])
    r = client.post(
        reverse("consultations:consultation_create"),
        {
            "person_name": "相談 花子",
            "person_kana": "そうだん はなこ",
            "visitor": "family",
            "visitor_relation": "娘",
            "troubles": ["care", "debt"],
            "main_trouble": "care",
            "urgency": "high",
            "consent_status": "given",
            "consent_method": "verbal",
            "consent_fields": ["name", "troubles"],
            "household-TOTAL_FORMS": "1",
            "household-INITIAL_FORMS": "0",
            "household-0-relation": "夫",
            "household-0-age": "80",
        },
    )
    assert r.status_code == 302, r.content.decode()[:3000]
    c = Consultation.objects.get()
    assert c.household.get().relation == "夫"
    assert c.consent_taken_by == users["staff_elderly"]
    assert AccessLog.objects.filter(object_type="consultation", action="create").exists()


def test_main_trouble_must_be_among_the_checked(users: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        ConsultationFactory(troubles=["care"], main_trouble="debt")
    assert not Consultation.objects.exists()


def test_deadlines_skip_weekends_and_japanese_holidays() -> None:
    # 2026-11-20 is a Friday; 11-23 (Mon) is 勤労感謝の日.
    friday = datetime(2026, 11, 20, 10, 0, tzinfo=TOKYO)
    assert add_business_days(date(2026, 11, 20), 1) == date(2026, 11, 24)
    assert timezone.localtime(deadline_for(friday, "high")).date() == date(2026, 11, 24)
    assert timezone.localtime(deadline_for(friday, "normal")).date() == date(2026, 11, 26)
    assert timezone.localtime(deadline_for(friday, "urgent")).date() == date(2026, 11, 20)


def test_sending_schedules_reminder_and_escalation_receipt_cancels_them(
    users: dict[str, Any],
) -> None:
    sheet = SheetFactory(status=SheetStatus.SENT)
    before = Reminder.objects.get(idempotency_key__startswith=f"sheet:{sheet.pk}:receiver:")
    escalate = Reminder.objects.get(idempotency_key__startswith=f"sheet:{sheet.pk}:escalate:")
    assert escalate.recipient == users["city"]
    assert escalate.due_at == sheet.deadline_at
    assert "町田" not in escalate.body and "町田" not in before.body  # no personal data
    _move(users, sheet, SheetStatus.RECEIVED, "staff_disability")
    before.refresh_from_db()
    escalate.refresh_from_db()
    assert before.status == Reminder.Status.CANCELLED
    assert escalate.status == Reminder.Status.CANCELLED


def test_overdue_board_lists_late_sheets_without_personal_data(
    users: dict[str, Any], client: Any
) -> None:
    sheet = SheetFactory(status=SheetStatus.SENT)
    TsunaguSheet.objects.filter(pk=sheet.pk).update(deadline_at=timezone.now() - timedelta(days=1))
    client.force_login(users["city"])
    body = client.get(reverse("consultations:overdue_board")).content.decode()
    assert "障がい者支援センター まちだ" in body
    assert "町田 太郎" not in body and "まちだ たろう" not in body
    assert "息子" not in body


def test_every_read_and_change_is_in_the_access_log_for_supervisors(
    users: dict[str, Any], client: Any
) -> None:
    sheet = SheetFactory(status=SheetStatus.SENT)
    client.force_login(users["staff_disability"])
    client.get(reverse("consultations:sheet_detail", kwargs={"pk": sheet.pk}))
    row = AccessLog.objects.filter(action="view", object_type="tsunagusheet").get()
    assert row.user == users["staff_disability"]
    assert row.owner_agency == agency_of(users["staff_elderly"])
    # The sending agency's supervisor sees that the receiver read its record.
    client.force_login(users["staff_elderly"])
    body = client.get(reverse("consultations:access_log")).content.decode()
    assert "staff.disability@example.jp" in body
    # The unrelated agency (no supervisor) is refused.
    client.force_login(users["staff_other"])
    assert client.get(reverse("consultations:access_log")).status_code == 403


def test_duplicate_hints_only_among_the_agency_records(users: dict[str, Any], client: Any) -> None:
    first = ConsultationFactory()
    second = ConsultationFactory()
    # The same person at another agency is never pointed out.
    from consultations import services as s

    s.consultation_create(
        agency=agency_of(users["staff_other"]),  # type: ignore[arg-type]
        by=users["staff_other"],
        data={"person_name": "町田 太郎", "person_kana": "まちだ たろう"},
    )
    client.force_login(users["staff_elderly"])
    body = client.get(
        reverse("consultations:consultation_detail", kwargs={"pk": second.pk})
    ).content.decode()
    assert f"相談 #{first.pk}" in body
    other = Consultation.objects.exclude(agency=first.agency).get()
    assert f"相談 #{other.pk}" not in body


def test_anonymisation_of_closed_cases_after_retention(users: dict[str, Any]) -> None:
    c = ConsultationFactory()
    SheetFactory(status=SheetStatus.SENT, consultation=c)
    services.consultation_close(consultation=c, by=users["staff_elderly"])
    Consultation.objects.filter(pk=c.pk).update(closed_at=timezone.now() - timedelta(days=365 * 10))
    assert services.consultations_anonymize_closed() == 1
    c.refresh_from_db()
    assert c.person_name == "（匿名化済み）" and c.phone == "" and c.narrative == ""
    assert not c.household.exists()
    assert services.consultations_anonymize_closed() == 0


def test_two_staff_receiving_at_once_leave_one_transition_history_is_per_sheet(
    users: dict[str, Any],
) -> None:
    sheet = SheetFactory(status=SheetStatus.SENT)
    _move(users, sheet, SheetStatus.RECEIVED, "staff_disability")
    with pytest.raises(ValidationError):
        _move(users, sheet, SheetStatus.RECEIVED, "staff_disability")
    assert SheetTransition.objects.filter(sheet=sheet, to_status="received").count() == 1


def test_renewed_consent_lets_a_blocked_sheet_be_sent(users: dict[str, Any], client: Any) -> None:
    consultation = ConsultationFactory()
    # A consent that has run out since: a past expiry can no longer be entered.
    Consultation.objects.filter(pk=consultation.pk).update(consent_expires_on=date(2020, 1, 1))
    consultation.refresh_from_db()
    sheet = SheetFactory(status=SheetStatus.DRAFT, consultation=consultation)
    client.force_login(users["staff_elderly"])
    url = reverse("consultations:consultation_consent", kwargs={"pk": consultation.pk})
    # Given without a method: refused, nothing changed.
    r = client.post(url, {"consent_status": "given", "consent_fields": ["name", "troubles"]})
    assert r.status_code == 200
    consultation.refresh_from_db()
    assert consultation.consent_expires_on == date(2020, 1, 1)
    disability = agency_of(users["staff_disability"])
    assert disability is not None
    r = client.post(
        url,
        {
            "consent_status": "given",
            "consent_method": "verbal",
            "consent_fields": ["name", "troubles"],
            "consent_agencies": [disability.pk],
        },
    )
    assert r.status_code == 302
    assert _move(users, sheet, SheetStatus.SENT, "staff_elderly").status == SheetStatus.SENT


def test_a_closed_consultation_cannot_be_handed_over(users: dict[str, Any]) -> None:
    c = ConsultationFactory()
    services.consultation_close(consultation=c, by=users["staff_elderly"])
    c.refresh_from_db()
    with pytest.raises(ValidationError, match="終結"):
        SheetFactory(status=SheetStatus.DRAFT, consultation=c)
    assert not TsunaguSheet.objects.exists()


def test_overdue_board_merges_overdue_and_stale_sheets_by_deadline_across_pages(
    users: dict[str, Any], settings: Any
) -> None:
    from consultations import conf
    from consultations.selectors import overdue_board

    now = timezone.now()
    consultation = ConsultationFactory()
    late, stale, fine = [], [], []
    for i in range(4):  # sent, deadline passed i+1 days ago
        s = SheetFactory(status=SheetStatus.SENT, consultation=consultation)
        TsunaguSheet.objects.filter(pk=s.pk).update(deadline_at=now - timedelta(days=i + 1))
        late.append(s.pk)
    for i in range(3):  # received long ago, deadlines interleaved with the late ones
        s = SheetFactory(status=SheetStatus.RECEIVED, consultation=consultation)
        TsunaguSheet.objects.filter(pk=s.pk).update(
            deadline_at=now - timedelta(days=i + 1, hours=12),
            # Well past SHEET_STALE_DAYS business days, whatever the calendar.
            updated_at=now - timedelta(days=3 * conf.SHEET_STALE_DAYS),
        )
        stale.append(s.pk)
    for _ in range(2):  # sent with time left, and received recently: not on the board
        fine.append(SheetFactory(status=SheetStatus.SENT, consultation=consultation).pk)
        fine.append(SheetFactory(status=SheetStatus.RECEIVED, consultation=consultation).pk)
    board = overdue_board(now=now)
    assert board.count() == 7
    # The capped count (compiled once per limit, decision 0031) stops at its limit.
    assert [board.count(limit=n) for n in (1, 3, 4, 5, 7, 8, 1001)] == [1, 3, 4, 5, 7, 7, 7]
    everything = board[0:100]
    assert {s.pk for s in everything} == set(late) | set(stale)
    deadlines = [(s.deadline_at, s.pk) for s in everything]
    assert deadlines == sorted(deadlines)
    # Pages are slices of the same order, without gaps or repeats.
    assert [s.pk for s in board[0:3] + board[3:6] + board[6:9]] == [s.pk for s in everything]


@pytest.mark.parametrize("page", ["abc", "0", "-3", "999999", ""])
def test_overdue_board_survives_any_page_number(
    users: dict[str, Any], client: Any, page: str
) -> None:
    sheet = SheetFactory(status=SheetStatus.SENT)
    TsunaguSheet.objects.filter(pk=sheet.pk).update(deadline_at=timezone.now() - timedelta(days=1))
    client.force_login(users["city"])
    response = client.get(reverse("consultations:overdue_board"), {"page": page})
    assert response.status_code == 200
    assert f"<td>{sheet.pk}</td>" in response.content.decode()
