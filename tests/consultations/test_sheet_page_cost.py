"""The sheet page reads only what it shows, in a fixed number of queries whatever the side
and the state, and the consent rule built once a day answers as a new one would
(decision 0028)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from consultations import models as consultation_models
from consultations.models import Consultation, SharedField, SheetStatus, TsunaguSheet
from consultations.policies import SHEET_STATES
from consultations.services.sheets import sheet_shared_data
from consultations.views.sheets import SHEET_HISTORY_FIELDS, SHEET_PAGE_FIELDS
from tests.factories import ConsultationFactory, SheetFactory

pytestmark = pytest.mark.django_db


def _queries(client: Any, sheet: TsunaguSheet) -> tuple[str, list[str]]:
    url = reverse("consultations:sheet_detail", kwargs={"pk": sheet.pk})
    client.get(url)  # warm: roles and the unread count are cached between requests
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    # The session is read from the database when the tests run without Redis.
    sql = [q["sql"] for q in ctx.captured_queries if '"django_session"' not in q["sql"]]
    return response.content.decode(), sql


@pytest.mark.parametrize(
    ("status", "who"),
    [
        (SheetStatus.DRAFT, "staff_elderly"),
        (SheetStatus.SENT, "staff_elderly"),
        (SheetStatus.SENT, "staff_disability"),
        (SheetStatus.RECEIVED, "staff_elderly"),
        (SheetStatus.RECEIVED, "staff_disability"),
    ],
)
def test_the_sheet_page_reads_no_field_it_did_not_load(
    users: dict[str, Any], client: Any, status: str, who: str
) -> None:
    """A field the page shows but ``SHEET_PAGE_FIELDS`` leaves out would be read with a query
    of its own: the page is five queries (the user, the membership, the sheet, its history,
    the access log) for either side, a draft or a sheet handed over."""
    sheet = SheetFactory(status=status)
    client.force_login(users[who])
    html, sql = _queries(client, sheet)
    assert len(sql) == 5, sql
    assert "町田 太郎" in html  # the name: handed over, and still covered by the consent


def test_the_page_loads_neither_the_unshown_consultation_nor_the_search_documents(
    users: dict[str, Any], client: Any
) -> None:
    sheet = SheetFactory(status=SheetStatus.RECEIVED)
    client.force_login(users["staff_disability"])
    _, sql = _queries(client, sheet)
    main = next(q for q in sql if 'FROM "consultations_tsunagusheet"' in q)
    assert "search_document" not in main
    for column in ("visitor", "consent_taken_by_id", "source_idea_id", "anonymized_at"):
        assert f'"consultations_consultation"."{column}"' not in main
    assert '"accounts_user"."password"' not in main
    history = next(q for q in sql if 'FROM "consultations_sheettransition"' in q)
    assert '"accounts_user"."password"' not in history


def test_the_page_fields_cover_what_the_shared_data_reads(users: dict[str, Any]) -> None:
    """Every field a sheet can hand over is read from the loaded sheet without a query."""
    fields = list(SharedField.values)
    consultation = ConsultationFactory(consent_fields=fields)
    sheet = SheetFactory(consultation=consultation, shared_fields=fields)
    loaded = (
        TsunaguSheet.objects.select_related(
            "sender", "receiver", "consultation", "consultation__district"
        )
        .only(*SHEET_PAGE_FIELDS)
        .get(pk=sheet.pk)
    )
    with CaptureQueriesContext(connection) as ctx:
        rows = sheet_shared_data(loaded, for_sender=True)
    # Only the household, which is read when it is handed over (decision 0026).
    assert [q["sql"] for q in ctx.captured_queries if "householdmember" not in q["sql"]] == []
    assert len(rows) == len(fields)
    assert "sheet" in SHEET_HISTORY_FIELDS


def test_the_rule_built_once_a_day_answers_as_a_new_one(users: dict[str, Any]) -> None:
    """The cached condition is reused by many queries, negated and combined, and each answers
    exactly as a condition built afresh."""
    today = timezone.localdate()
    open_sheet = SheetFactory(status=SheetStatus.RECEIVED)
    closed = SheetFactory(status=SheetStatus.RECEIVED)
    Consultation.objects.filter(pk=closed.consultation_id).update(
        consent_expires_on=today - timedelta(days=1)
    )
    consultation_models.shared_open_q.cache_clear()
    first = consultation_models.shared_open_q(today=today)
    assert consultation_models.shared_open_q(today=today) is first
    for _ in range(2):
        assert set(TsunaguSheet.objects.shared_open(today=today).values_list("pk", flat=True)) == {
            open_sheet.pk
        }
        assert set(
            TsunaguSheet.objects.exclude(
                consultation_models.shared_open_q(today=today)
            ).values_list("pk", flat=True)
        ) == {closed.pk}
        annotated = dict(
            TsunaguSheet.objects.with_shared_open(today=today).values_list("pk", "shared_open")
        )
        assert annotated == {open_sheet.pk: True, closed.pk: False}
    # The cached condition gives the SQL a condition built afresh gives.
    fresh = consultation_models.shared_open_q.__wrapped__(today=today)
    assert str(TsunaguSheet.objects.filter(fresh).query) == str(
        TsunaguSheet.objects.shared_open(today=today).query
    )
    # Another day is another condition.
    tomorrow = today + timedelta(days=1)
    assert consultation_models.shared_open_q(today=tomorrow) is not first


def test_no_move_leads_back_to_a_draft() -> None:
    """The sheet page reads no history for a draft (it has none): if a move back to a draft is
    ever added, the page must read the history of drafts too."""
    assert all(to != SheetStatus.DRAFT for (_frm, to) in SHEET_STATES.moves)


def test_the_call_back_names_the_drafter_of_a_draft_and_the_sender_of_a_sent_sheet(
    users: dict[str, Any], client: Any
) -> None:
    draft = SheetFactory(status=SheetStatus.DRAFT, by=users["staff_elderly"])
    client.force_login(users["staff_elderly"])
    html, sql = _queries(client, draft)
    callback = html.split('data-testid="callback"')[1].split("</section>")[0]
    assert users["staff_elderly"].display_name in callback
    assert not [q for q in sql if "consultations_sheettransition" in q]
    sent = SheetFactory(status=SheetStatus.RECEIVED, by=users["staff_elderly"])
    client.force_login(users["staff_disability"])
    html, sql = _queries(client, sent)
    callback = html.split('data-testid="callback"')[1].split("</section>")[0]
    assert users["staff_elderly"].display_name in callback
    # The sender is read with the history, not joined into the sheet's own query.
    main = next(q for q in sql if 'FROM "consultations_tsunagusheet"' in q)
    assert '"accounts_user"' not in main


def test_the_compiled_page_read_gives_each_reader_their_scope(
    users: dict[str, Any], client: Any
) -> None:
    """The page's read is compiled once per process and day (decision 0031): SQL with the
    agency and the sheet as parameters. Another agency still gets a 404, the same reader after
    it still gets the page, and the row is the one the policy's scope reads afresh."""
    from consultations import policies
    from consultations.views import sheets as sheet_views

    today = timezone.localdate()
    sheet_views.SHEET_PAGE.clear()
    draft = SheetFactory(status=SheetStatus.DRAFT)
    sent = SheetFactory(status=SheetStatus.RECEIVED)
    url = reverse("consultations:sheet_detail", kwargs={"pk": draft.pk})
    client.force_login(users["staff_elderly"])
    assert client.get(url).status_code == 200
    client.force_login(users["staff_disability"])  # the receiver: a draft is not theirs yet
    assert client.get(url).status_code == 404
    assert (
        client.get(reverse("consultations:sheet_detail", kwargs={"pk": sent.pk})).status_code == 200
    )
    client.force_login(users["staff_elderly"])
    assert client.get(url).status_code == 200
    assert len(sheet_views.SHEET_PAGE._entries) == 1  # one compiled form for every reader
    for who, sheet in (("staff_elderly", draft), ("staff_disability", sent)):
        agency = policies.agency_of(users[who])
        assert agency is not None
        fresh = (
            policies.sheet_scope(users[who])
            .with_shared_open(today=today)
            .select_related("sender", "receiver", "consultation", "consultation__district")
            .only(*SHEET_PAGE_FIELDS)
            .get(pk=sheet.pk)
        )
        got = sheet_views.SHEET_PAGE.one(agency=agency.pk, pk=sheet.pk, today=today)
        assert got == fresh
        assert (got.sender.name, got.sender.phone, got.receiver.name) == (
            fresh.sender.name,
            fresh.sender.phone,
            fresh.receiver.name,
        )
        assert got.shared_open == fresh.shared_open  # type: ignore[attr-defined]
        assert got.consultation.person_name == fresh.consultation.person_name
    other = policies.agency_of(users["staff_disability"])
    assert other is not None
    assert sheet_views.SHEET_PAGE.one(agency=other.pk, pk=draft.pk, today=today) is None
