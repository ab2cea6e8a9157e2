"""The sheet page reads what it shows (decision 0026): the household only when it is handed
over, the history in one query, in order."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from consultations.models import SharedField, SheetStatus
from tests.factories import ConsultationFactory, SheetFactory

pytestmark = pytest.mark.django_db


def _get(client: Any, sheet: Any) -> tuple[str, list[str]]:
    url = reverse("consultations:sheet_detail", kwargs={"pk": sheet.pk})
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), [q["sql"] for q in ctx.captured_queries]


def _household_reads(sql: list[str]) -> list[str]:
    return [q for q in sql if "consultations_householdmember" in q]


def test_household_not_handed_over_is_not_read(users: dict[str, Any], client: Any) -> None:
    sheet = SheetFactory(status=SheetStatus.RECEIVED)
    client.force_login(users["staff_disability"])
    html, sql = _get(client, sheet)
    assert _household_reads(sql) == []
    assert "町田 太郎" in html  # the name is handed over


def test_household_handed_over_is_shown(users: dict[str, Any], client: Any) -> None:
    fields = [SharedField.NAME, SharedField.HOUSEHOLD]
    consultation = ConsultationFactory(consent_fields=fields)
    sheet = SheetFactory(consultation=consultation, shared_fields=fields)
    client.force_login(users["staff_disability"])
    html, sql = _get(client, sheet)
    assert len(_household_reads(sql)) == 1
    assert "長男（45歳） ひきこもり" in html


def test_history_is_in_order_with_agency_and_person(users: dict[str, Any], client: Any) -> None:
    sheet = SheetFactory(status=SheetStatus.RECEIVED)
    client.force_login(users["staff_elderly"])
    html, sql = _get(client, sheet)
    assert len([q for q in sql if "consultations_sheettransition" in q]) == 1
    history = html.split('data-testid="history"')[1].split("</ol>")[0]
    assert history.index("送付済み") < history.index("受理")
    assert users["staff_disability"].display_name in history
