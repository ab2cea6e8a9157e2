"""Consent is live (#11, finding 2): the receiver reads a sheet's personal fields only while
the consent (or the recorded legal basis) covers it, that field and today, and only while the
sheet hands the case over. Anything else closes the data at once; the history stays."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from consultations import services
from consultations.models import (
    Consultation,
    SharedField,
    SheetStatus,
    SheetTransition,
    TsunaguSheet,
)
from consultations.selectors import agency_of
from directory.models import Domain
from tests.factories import ConsultationFactory, SheetFactory

pytestmark = pytest.mark.django_db

NAME, KANA, HOUSEHOLD_NOTE, TROUBLE = "町田 太郎", "まちだ たろう", "長男", "ひきこもり"
CLOSED_NOTICE = 'data-testid="shared-closed"'


def _consultation(**overrides: Any) -> Consultation:
    fields = [SharedField.NAME, SharedField.TROUBLES, SharedField.HOUSEHOLD, SharedField.DISTRICT]
    return ConsultationFactory(consent_fields=fields, **overrides)


def _sheet(
    *,
    status: str = SheetStatus.SENT,
    consultation: Consultation | None = None,
    legal_basis: str = TsunaguSheet.LegalBasis.CONSENT,
) -> TsunaguSheet:
    sheet = SheetFactory(
        status=status,
        consultation=consultation or _consultation(),
        reason="支援をお願いしたい",
        shared_fields=[SharedField.NAME, SharedField.TROUBLES, SharedField.HOUSEHOLD],
        legal_basis=legal_basis,
        support_meeting_note="2026-11-20 支援会議で共有を決定" if legal_basis != "consent" else "",
    )
    sheet.refresh_from_db()
    return sheet


def _move(users: dict[str, Any], sheet: TsunaguSheet, to: str, who: str, **kw: Any) -> TsunaguSheet:
    user = users[who]
    return services.sheet_transition(
        sheet_id=sheet.pk, to=to, by=user, agency=agency_of(user), **kw
    )


def _receiver_page(users: dict[str, Any], client: Any, sheet: TsunaguSheet) -> str:
    client.force_login(users["staff_disability"])
    r = client.get(reverse("consultations:sheet_detail", kwargs={"pk": sheet.pk}))
    assert r.status_code == 200
    return str(r.content.decode())


def _record_consent(
    users: dict[str, Any], client: Any, consultation: Consultation, **data: Any
) -> None:
    """The sending agency records a new consent (or the refusal) through its page."""
    client.force_login(users["staff_elderly"])
    r = client.post(
        reverse("consultations:consultation_consent", kwargs={"pk": consultation.pk}), data
    )
    assert r.status_code == 302, r.content.decode()[:2000]


def _assert_closed(body: str) -> None:
    for secret in (NAME, KANA, HOUSEHOLD_NOTE, TROUBLE, "支援をお願いしたい"):
        assert secret not in body, secret
    assert CLOSED_NOTICE in body
    # The sheet's history stays visible.
    assert 'data-testid="history"' in body
    assert "送付済み" in body


def test_receiver_reads_the_shared_fields_while_consent_covers_them(
    users: dict[str, Any], client: Any
) -> None:
    body = _receiver_page(users, client, _sheet())
    assert NAME in body and KANA in body and HOUSEHOLD_NOTE in body and TROUBLE in body
    assert CLOSED_NOTICE not in body


def test_refusal_recorded_after_sending_closes_the_receivers_view_at_once(
    users: dict[str, Any], client: Any
) -> None:
    sheet = _sheet(status=SheetStatus.RECEIVED)
    _record_consent(users, client, sheet.consultation, consent_status="refused")
    _assert_closed(_receiver_page(users, client, sheet))
    # The sender still reads its own record.
    client.force_login(users["staff_elderly"])
    own = client.get(reverse("consultations:sheet_detail", kwargs={"pk": sheet.pk}))
    assert NAME in own.content.decode()


def test_expired_consent_closes_the_receivers_view(users: dict[str, Any], client: Any) -> None:
    sheet = _sheet(status=SheetStatus.RECEIVED)
    yesterday = timezone.localdate() - timedelta(days=1)
    Consultation.objects.filter(pk=sheet.consultation_id).update(consent_expires_on=yesterday)
    _assert_closed(_receiver_page(users, client, sheet))


def test_consent_that_no_longer_names_the_receiver_closes_its_view(
    users: dict[str, Any], client: Any
) -> None:
    sheet = _sheet(status=SheetStatus.RECEIVED)
    _record_consent(
        users,
        client,
        sheet.consultation,
        consent_status="given",
        consent_method="verbal",
        consent_fields=["name", "troubles", "household"],
        consent_domains=[Domain.objects.get(code="children").pk],
    )
    _assert_closed(_receiver_page(users, client, sheet))


def test_a_field_dropped_from_the_consent_disappears_and_is_no_longer_searchable(
    users: dict[str, Any], client: Any
) -> None:
    sheet = _sheet(status=SheetStatus.RECEIVED)
    _record_consent(
        users,
        client,
        sheet.consultation,
        consent_status="given",
        consent_method="verbal",
        consent_fields=["troubles"],
        consent_domains=[Domain.objects.get(code="disability").pk],
    )
    body = _receiver_page(users, client, sheet)
    assert TROUBLE in body
    assert NAME not in body and KANA not in body and HOUSEHOLD_NOTE not in body
    found = client.get(reverse("consultations:inbox"), {"tab": "incoming", "q": "まちだ"})
    assert f"つなぐシート #{sheet.pk}" not in found.content.decode()


@pytest.mark.parametrize(
    ("start", "to", "who", "note"),
    [
        (SheetStatus.SENT, SheetStatus.WITHDRAWN, "staff_elderly", "本人の希望で取り下げ"),
        (SheetStatus.SENT, SheetStatus.DECLINED, "staff_disability", "対象外の地区です"),
        (SheetStatus.RECEIVED, SheetStatus.RETURNED, "staff_disability", "担当外でした"),
    ],
)
def test_withdrawal_decline_and_return_close_the_receivers_view(
    users: dict[str, Any], client: Any, start: str, to: str, who: str, note: str
) -> None:
    sheet = _sheet(status=start)
    _move(users, sheet, to, who, note=note)
    body = _receiver_page(users, client, sheet)
    _assert_closed(body)
    assert note in body  # the history and its notes


def test_receiver_keeps_its_own_records_after_the_refusal(
    users: dict[str, Any], client: Any
) -> None:
    sheet = _sheet(status=SheetStatus.RECEIVED)
    _move(
        users,
        sheet,
        SheetStatus.FIRST_CONTACT,
        "staff_disability",
        contact_on=timezone.localdate(),
        contact_method="phone",
        note="電話で面談の日を決めました",
    )
    _record_consent(users, client, sheet.consultation, consent_status="refused")
    body = _receiver_page(users, client, sheet)
    _assert_closed(body)
    assert "電話で面談の日を決めました" in body
    assert "初回連絡済み" in body


def test_support_meeting_basis_keeps_the_sheet_open_without_consent(
    users: dict[str, Any], client: Any
) -> None:
    consultation = _consultation(consent_status="refused", consent_method="")
    sheet = _sheet(
        consultation=consultation,
        legal_basis=TsunaguSheet.LegalBasis.SUPPORT_MEETING,
    )
    body = _receiver_page(users, client, sheet)
    assert NAME in body and CLOSED_NOTICE not in body
    _move(users, sheet, SheetStatus.WITHDRAWN, "staff_elderly")
    _assert_closed(_receiver_page(users, client, sheet))


def test_a_sheet_cannot_be_received_once_its_consent_is_refused(
    users: dict[str, Any], client: Any
) -> None:
    sheet = _sheet(status=SheetStatus.SENT)
    _record_consent(users, client, sheet.consultation, consent_status="refused")
    with pytest.raises(ValidationError, match="共有の根拠"):
        _move(users, sheet, SheetStatus.RECEIVED, "staff_disability")
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.SENT
    assert not SheetTransition.objects.filter(sheet=sheet, to_status="received").exists()
    # The receiver can still decline it, which closes the loop for the sender.
    assert _move(users, sheet, SheetStatus.DECLINED, "staff_disability", note="同意なし").status


def test_a_sheet_cannot_be_received_after_its_consent_expired(users: dict[str, Any]) -> None:
    sheet = _sheet(status=SheetStatus.SENT)
    yesterday = timezone.localdate() - timedelta(days=1)
    Consultation.objects.filter(pk=sheet.consultation_id).update(consent_expires_on=yesterday)
    with pytest.raises(ValidationError, match="共有の根拠"):
        _move(users, sheet, SheetStatus.RECEIVED, "staff_disability")


def test_receive_button_is_replaced_by_the_notice_when_the_basis_is_gone(
    users: dict[str, Any], client: Any
) -> None:
    sheet = _sheet(status=SheetStatus.SENT)
    _record_consent(users, client, sheet.consultation, consent_status="refused")
    body = _receiver_page(users, client, sheet)
    assert 'data-testid="move-received"' not in body
    assert 'data-testid="move-declined"' in body


def test_receivers_name_search_and_lists_skip_a_closed_sheet(
    users: dict[str, Any], client: Any
) -> None:
    open_sheet = _sheet(status=SheetStatus.RECEIVED)
    refused = _sheet(status=SheetStatus.RECEIVED)
    _record_consent(users, client, refused.consultation, consent_status="refused")
    client.force_login(users["staff_disability"])
    found = client.get(reverse("consultations:inbox"), {"tab": "incoming", "q": "まちだ"})
    body = found.content.decode()
    assert f"つなぐシート #{open_sheet.pk}" in body
    assert f"つなぐシート #{refused.pk}" not in body
    # Without a search the sheet is still listed: its number and state, no personal data.
    listed = client.get(reverse("consultations:inbox"), {"tab": "incoming"}).content.decode()
    assert f"つなぐシート #{refused.pk}" in listed


def test_the_open_annotation_and_filter_agree(users: dict[str, Any], client: Any) -> None:
    """The one predicate, as a filter (lists, search) and as an annotation (the page)."""
    kept = _sheet(status=SheetStatus.RECEIVED)
    refused = _sheet(status=SheetStatus.RECEIVED)
    _record_consent(users, client, refused.consultation, consent_status="refused")
    withdrawn = _sheet(status=SheetStatus.SENT)
    _move(users, withdrawn, SheetStatus.WITHDRAWN, "staff_elderly")
    today = timezone.localdate()
    annotated = dict(
        TsunaguSheet.objects.with_shared_open(today=today).values_list("pk", "shared_open")
    )
    opened = set(TsunaguSheet.objects.shared_open(today=today).values_list("pk", flat=True))
    assert annotated == {kept.pk: True, refused.pk: False, withdrawn.pk: False}
    assert opened == {kept.pk}


def test_every_demo_sheet_that_hands_a_case_over_is_open_to_its_receiver() -> None:
    """The demo data follows the rule: a sheet goes out on a consent that covers its receiver,
    or on a recorded support-meeting decision (the bench's receive flows rely on it)."""
    import io

    from django.core.management import call_command

    from consultations.models import HANDOVER_STATES

    call_command("seed_demo", stdout=io.StringIO())
    today = timezone.localdate()
    handing_over = TsunaguSheet.objects.filter(status__in=HANDOVER_STATES)
    assert handing_over.count() > 10
    assert handing_over.count() == handing_over.shared_open(today=today).count()
