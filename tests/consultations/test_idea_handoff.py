from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from consultations.models import Consultation
from consultations.selectors import agency_of
from projects.models import Idea
from tests.factories import TroubleIdeaFactory

pytestmark = pytest.mark.django_db


def _post(client: Any, idea: Idea, users: dict[str, Any], **extra: Any) -> Any:
    data = {
        "agency": agency_of(users["staff_elderly"]).pk,  # type: ignore[union-attr]
        "person_name": "山田 花子",
        "troubles": ["care", "income"],
        "consent_method": "verbal",
        "consent_confirmed": "on",
    }
    data.update(extra)
    return client.post(reverse("consultations:idea_handoff", kwargs={"pk": idea.pk}), data)


def test_coordinator_passes_a_trouble_to_an_agency_and_the_author_only_hears_that(
    users: dict[str, Any], client: Any
) -> None:
    idea = TroubleIdeaFactory()
    client.force_login(users["coordinator"])
    r = _post(client, idea, users)
    assert r.status_code == 302
    consultation = Consultation.objects.get()
    assert consultation.agency == agency_of(users["staff_elderly"])
    assert consultation.source_idea == idea
    assert consultation.consent_status == "given"
    assert "母の介護" in consultation.narrative
    idea.refresh_from_db()
    assert idea.status == Idea.Status.CONNECTED
    event = idea.events.order_by("-id").first()
    assert event is not None
    assert "高齢者支援センター" not in event.message  # not which agency, nothing of the case
    # The author cannot reach the consultation, nor can the coordinator.
    for who in ("resident", "coordinator"):
        client.force_login(users[who])
        url = reverse("consultations:consultation_detail", kwargs={"pk": consultation.pk})
        assert client.get(url).status_code == 404
    client.force_login(users["staff_elderly"])
    assert client.get(url).status_code == 200


def test_without_confirmed_consent_nothing_is_passed(users: dict[str, Any], client: Any) -> None:
    idea = TroubleIdeaFactory()
    client.force_login(users["coordinator"])
    r = _post(client, idea, users, consent_confirmed="")
    assert r.status_code == 200
    assert not Consultation.objects.exists()
    idea.refresh_from_db()
    assert idea.status == Idea.Status.RECEIVED


def test_handoff_list_query_count_is_flat(users: dict[str, Any], client: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    TroubleIdeaFactory()
    client.force_login(users["coordinator"])
    url = reverse("consultations:idea_handoff_list")
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(5):
        TroubleIdeaFactory()
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many.captured_queries) == len(one.captured_queries)
