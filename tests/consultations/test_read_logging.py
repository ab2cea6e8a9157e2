"""Every read of a person is logged (#11, finding 6): lists, searches, the duplicate hints and
the idea hand-off form write access-log rows naming the records shown, one bulk insert per
page, whatever the page size."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import PersonalDataView
from consultations.models import AccessLog, SheetStatus
from consultations.selectors import agency_of
from tests.factories import (
    ConferenceFactory,
    ConsultationFactory,
    OutreachFactory,
    SheetFactory,
    TroubleIdeaFactory,
)

pytestmark = pytest.mark.django_db


def _listed(**filters: Any) -> set[tuple[str, int]]:
    return set(
        AccessLog.objects.filter(action=AccessLog.Action.LIST, **filters).values_list(
            "object_type", "object_id"
        )
    )


def test_consultation_list_logs_each_record_it_shows(users: dict[str, Any], client: Any) -> None:
    first, second = ConsultationFactory(), ConsultationFactory(person_name="山本 キヨ")
    client.force_login(users["staff_elderly"])
    r = client.get(reverse("consultations:inbox"), {"tab": "consultations"})
    assert "山本 キヨ" in r.content.decode()
    assert _listed() == {("consultation", first.pk), ("consultation", second.pk)}
    row = AccessLog.objects.filter(action=AccessLog.Action.LIST).first()
    assert row is not None
    assert row.user == users["staff_elderly"]
    assert row.agency == row.owner_agency == agency_of(users["staff_elderly"])
    # The page, without its query string (issue 12: the path comes from the request context).
    assert row.path == reverse("consultations:inbox")


def test_name_search_logs_the_records_found_but_never_the_name_searched(
    users: dict[str, Any], client: Any
) -> None:
    yamamoto = ConsultationFactory(person_name="山本 キヨ", person_kana="やまもと きよ")
    ConsultationFactory()
    client.force_login(users["staff_elderly"])
    client.get(reverse("consultations:inbox"), {"tab": "consultations", "q": "やま"})
    assert _listed() == {("consultation", yamamoto.pk)}
    row = AccessLog.objects.get(action=AccessLog.Action.LIST)
    # The query is a name: the log of who read what must not become a list of names searched.
    assert row.path == reverse("consultations:inbox")
    assert "q=" not in row.path and "やま" not in row.path


def test_a_list_that_shows_nobody_writes_nothing(users: dict[str, Any], client: Any) -> None:
    ConsultationFactory()
    client.force_login(users["staff_elderly"])
    client.get(reverse("consultations:inbox"), {"tab": "consultations", "q": "存在しない名前"})
    assert not _listed()


def test_receivers_name_search_logs_the_sheets_found_for_the_sending_agency(
    users: dict[str, Any], client: Any
) -> None:
    sheet = SheetFactory(status=SheetStatus.SENT)
    client.force_login(users["staff_disability"])
    client.get(reverse("consultations:inbox"), {"tab": "incoming", "q": "まちだ"})
    row = AccessLog.objects.get(action=AccessLog.Action.LIST)
    assert (row.object_type, row.object_id) == ("tsunagusheet", sheet.pk)
    assert row.agency == agency_of(users["staff_disability"])
    # The sending agency's supervisor sees that its record came up in another's search.
    assert row.owner_agency == agency_of(users["staff_elderly"])


def test_duplicate_hints_on_a_case_page_are_logged(users: dict[str, Any], client: Any) -> None:
    first = ConsultationFactory()
    second = ConsultationFactory()
    client.force_login(users["staff_elderly"])
    client.get(reverse("consultations:consultation_detail", kwargs={"pk": second.pk}))
    assert _listed() == {("consultation", first.pk)}
    assert AccessLog.objects.filter(
        action=AccessLog.Action.VIEW, object_type="consultation", object_id=second.pk
    ).exists()


def test_idea_handoff_form_logs_the_read_of_the_resident(
    users: dict[str, Any], client: Any
) -> None:
    idea = TroubleIdeaFactory()
    client.force_login(users["coordinator"])
    r = client.get(reverse("consultations:idea_handoff", kwargs={"pk": idea.pk}))
    assert "山田 花子" in r.content.decode()  # the author's real name, prefilled
    row = PersonalDataView.objects.get(context=f"idea-handoff:{idea.pk}")
    assert row.viewer == users["coordinator"]
    assert row.subject == idea.author


def test_conference_and_outreach_lists_are_logged(users: dict[str, Any], client: Any) -> None:
    conference = ConferenceFactory()
    case = OutreachFactory()
    client.force_login(users["staff_elderly"])
    client.get(reverse("consultations:conference_list"))
    client.force_login(users["cwc"])
    client.get(reverse("consultations:outreach_list"))
    assert _listed() == {("conference", conference.pk), ("outreachcase", case.pk)}


def test_list_logging_is_one_insert_whatever_the_page_size(
    users: dict[str, Any], client: Any
) -> None:
    for _ in range(6):
        ConsultationFactory()
    client.force_login(users["staff_elderly"])
    url = reverse("consultations:inbox")
    client.get(url, {"tab": "consultations"})
    with CaptureQueriesContext(connection) as ctx:
        client.get(url, {"tab": "consultations"})
    inserts = [
        q for q in ctx.captured_queries if 'INSERT INTO "consultations_accesslog"' in q["sql"]
    ]
    assert len(inserts) == 1
    assert AccessLog.objects.filter(action=AccessLog.Action.LIST).count() == 12
