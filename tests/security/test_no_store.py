"""Pages with a person's data are never kept by the browser (issue #11, finding 8).

A shared counter PC's back button must not show a case after the idle sign-out: every case
page (the ``consultations`` and ``admin`` namespaces, whoever asks) and every page rendered
for a signed-in person answers ``Cache-Control: no-store``. Public pages for anonymous
visitors keep their caching.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tests.access import LOGIN, Row
from tests.access_rows.consultations import ROWS as CASE_ROWS

pytestmark = pytest.mark.django_db

CASE_PAGES = [row for row in CASE_ROWS if row.method == "get"]


def _no_store(response: Any) -> bool:
    return "no-store" in response.get("Cache-Control", "") and "private" in response.get(
        "Cache-Control", ""
    )


@pytest.mark.parametrize("row", CASE_PAGES, ids=[r.test_id for r in CASE_PAGES])
def test_every_case_page_answers_no_store(
    row: Row, role_users: dict[str, Any], client: Any
) -> None:
    # A role that reads the page; for a row no role reads (a bad period, a closed record)
    # the first role that gets an answer: an error page about a case is not kept either.
    answered = [(role, status) for role, status in row.expected.items() if status != LOGIN]
    reader, expected = next(
        ((role, status) for role, status in answered if status == 200), answered[0]
    )
    kwargs = row.kwargs(role_users) if row.kwargs else {}
    url = reverse(row.name, kwargs=kwargs) + (f"?{row.query}" if row.query else "")
    client.force_login(role_users[reader])
    response = client.get(url)
    assert response.status_code == expected
    assert _no_store(response), (url, response.get("Cache-Control"))
    assert response["Pragma"] == "no-cache"

    client.logout()
    response = client.get(url)  # the sign-in redirect of a case URL is not kept either
    assert row.expected["anonymous"] == LOGIN and _no_store(response)


def test_admin_pages_of_case_models_answer_no_store(
    role_users: dict[str, Any], client: Any
) -> None:
    from tests.factories import SheetFactory

    sheet = SheetFactory()
    client.force_login(role_users["admin"])
    for url in (
        reverse("admin:index"),
        reverse("admin:consultations_tsunagusheet_changelist"),
        reverse("admin:consultations_tsunagusheet_change", args=[sheet.pk]),
        reverse("admin:consultations_consultation_change", args=[sheet.consultation_id]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert _no_store(response), url


def test_pages_for_a_signed_in_person_answer_no_store(
    role_users: dict[str, Any], client: Any
) -> None:
    client.force_login(role_users["resident"])
    for url in (reverse("accounts:profile"), reverse("home")):
        assert _no_store(client.get(url)), url


def test_public_pages_for_anonymous_visitors_stay_cacheable(client: Any, demo: Any) -> None:
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
