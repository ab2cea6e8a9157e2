"""The work lists count up to a cap and page on past it; their rows are rendered by Jinja2
(machida_portal/paging.py, machida_portal/rows.py, decision 0027)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from jinja2 import UndefinedError

from consultations import conf as consultations_conf
from consultations.models import SheetStatus, TsunaguSheet
from consultations.selectors import overdue_board
from machida_portal.paging import (
    Tally,
    WorkListPaginator,
    capped_count,
    count_arms,
    known_count,
    sum_tallies,
)
from machida_portal.rows import render_rows
from projects import conf as projects_conf
from projects.models import Idea
from tests.factories import IdeaFactory, SheetFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]


@pytest.fixture
def cap3(settings: Any) -> int:
    settings.WORK_LIST_COUNT_CAP = 3
    return 3


def _ideas(n: int) -> list[Idea]:
    return [IdeaFactory(title=f"アイデア{i}") for i in range(n)]


def test_capped_count_is_exact_up_to_the_cap_and_reads_one_row_more(cap3: int) -> None:
    _ideas(3)
    assert capped_count(Idea.objects.all()) == Tally(3, False)
    IdeaFactory()
    with CaptureQueriesContext(connection) as ctx:
        assert capped_count(Idea.objects.all()) == Tally(3, True)
    (sql,) = [q["sql"] for q in ctx.captured_queries]
    assert re.search(r"LIMIT 4\b", sql), sql


def test_count_arms_counts_each_query_in_one_statement_and_none_as_zero(cap3: int) -> None:
    _ideas(4)  # received
    IdeaFactory(draft=True)
    received = Idea.objects.filter(status="received").order_by().values("pk")[:4]
    drafts = Idea.objects.filter(status="draft").order_by().values("pk")
    arms = [received.query.sql_with_params(), None, drafts.query.sql_with_params()]
    with CaptureQueriesContext(connection) as ctx:
        found = count_arms("default", arms)
    assert len(ctx.captured_queries) == 1
    assert found == [4, 0, 1]  # in the arms' places, the missing one counted 0
    assert count_arms("default", [None, None]) == [0, 0]


def test_sum_of_tallies_is_a_lower_bound_once_one_is_capped() -> None:
    assert sum_tallies([Tally(2), Tally(3)]) == Tally(5, False)
    assert sum_tallies([Tally(2), Tally(3, True)]) == Tally(5, True)


def test_below_the_cap_the_paginator_is_djangos(cap3: int) -> None:
    _ideas(3)
    paginator = WorkListPaginator(Idea.objects.order_by("pk"), 2)
    assert (paginator.count, paginator.num_pages, paginator.capped) == (3, 2, False)
    assert paginator.last_page == 2
    first, last = paginator.get_page(1), paginator.get_page(99)
    assert first.has_next() and not last.has_next()
    assert last.number == 2 and len(last.object_list) == 1


def test_past_the_cap_pages_go_on_without_a_last_page(cap3: int) -> None:
    ideas = _ideas(7)
    paginator = WorkListPaginator(Idea.objects.order_by("pk"), 2)
    assert paginator.capped and paginator.count == 3 and paginator.last_page is None
    pages = [paginator.get_page(n) for n in (1, 2, 3, 4)]
    assert [p.has_next() for p in pages] == [True, True, True, False]
    assert [i.pk for p in pages for i in p.object_list] == [i.pk for i in ideas]
    assert pages[3].has_previous() and pages[3].previous_page_number() == 3
    # a page past the rows, or not a number, is the first page
    assert paginator.get_page(50).number == 1
    assert paginator.get_page("x").number == 1


def test_known_count_takes_a_tally(cap3: int) -> None:
    _ideas(5)
    paginator = known_count(WorkListPaginator(Idea.objects.order_by("pk"), 2), Tally(3, True))
    with CaptureQueriesContext(connection) as ctx:
        assert paginator.capped and paginator.count == 3
    assert not ctx.captured_queries


def test_board_count_with_a_limit_reads_at_most_that_many(cap3: int) -> None:
    for _ in range(2):
        SheetFactory()
    TsunaguSheet.objects.update(deadline_at="2020-01-01T00:00:00+09:00")
    board = overdue_board()
    assert board.count() == 2
    assert board.count(limit=1) == 1
    assert board.count(limit=5) == 2


def test_coordinator_inbox_says_more_than_the_cap_and_pages_on(
    role_users: dict[str, Any], client: Any, cap3: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(projects_conf, "INBOX_PAGE_SIZE", 2)
    _ideas(5)
    client.force_login(role_users["coordinator"])
    url = reverse("projects:inbox")
    html = client.get(url).content.decode()
    assert "3 件を超えます" in html
    assert '<span class="page-link">1 ページ</span>' in html
    assert "page=2" in html
    last = client.get(url, {"page": 3}).content.decode()
    assert '<span class="page-link">3 ページ</span>' in last
    assert "page=2" in last and "page=4" not in last
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(url).content.decode()
    assert "More than 3" in english and "Page 1<" in english


def test_consultation_inbox_badges_say_plus_past_the_cap(
    role_users: dict[str, Any], client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(consultations_conf, "PAGE_SIZE", 2)
    monkeypatch.setattr(consultations_conf, "STATE_COUNT_CAP", 3)
    for _ in range(4):
        SheetFactory()
    SheetFactory(status=SheetStatus.RECEIVED)
    client.force_login(role_users["staff_disability"])
    response = client.get(reverse("consultations:inbox"))
    html = response.content.decode()
    counts = html.split('data-testid="state-counts"')[1].split("</p>")[0]
    assert ">送付済み 3+<" in counts and ">受理 1<" in counts
    assert response.context["page_obj"].paginator.capped
    assert response.context["page_obj"].has_next()


def test_rows_are_escaped(role_users: dict[str, Any], client: Any) -> None:
    IdeaFactory(title='<script>alert("x")</script>')
    client.force_login(role_users["coordinator"])
    html = client.get(reverse("projects:inbox")).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html


def test_a_misspelt_name_in_a_rows_template_fails() -> None:
    with pytest.raises(UndefinedError):
        render_rows("projects/inbox_rows.jinja", ideas=[], kinds={}, statuses={}, city_wide="")


def test_counts_together_are_one_statement_capped_or_exact(cap3: int) -> None:
    from machida_portal.paging import counts_together

    _ideas(5)
    IdeaFactory(draft=True)
    with CaptureQueriesContext(connection) as ctx:
        counts = counts_together(
            {
                "capped": (Idea.objects.all(), 3),
                "exact": (Idea.objects.exclude(status="draft"), None),
                "none": (Idea.objects.filter(status="closed"), 3),
            }
        )
    assert len(ctx.captured_queries) == 1
    assert counts == {"capped": Tally(3, True), "exact": Tally(5), "none": Tally(0)}


def test_coordinator_inbox_counts_in_one_statement(role_users: dict[str, Any], client: Any) -> None:
    _ideas(2)
    client.force_login(role_users["coordinator"])
    url = reverse("projects:inbox")
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    counts = [q["sql"] for q in ctx.captured_queries if "COUNT(" in q["sql"]]
    assert len(counts) == 1, counts
    assert response.context["page_obj"].paginator.count == 2
