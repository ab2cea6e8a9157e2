"""The coordinator inbox's rows (decision 0026): the same content for less work."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from projects.models import Idea
from tests.factories import IdeaFactory

pytestmark = pytest.mark.django_db


def _get(client: Any, **params: str) -> tuple[Any, list[str]]:
    url = reverse("projects:inbox")
    client.get(url, params)  # warm the per-user caches and the cached filter form
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200
    return response, [q["sql"] for q in ctx.captured_queries]


def test_rows_show_date_link_themes_kind_status_district_and_assignee(
    client: Any, role_users: Any, theme: Any, district: Any
) -> None:
    idea = IdeaFactory(themes=[theme], district=district)
    city_wide = IdeaFactory(title="市全体で古着交換をしたい")
    Idea.objects.filter(pk=idea.pk).update(assigned_to=role_users["coordinator"])
    client.force_login(role_users["coordinator"])
    response, _ = _get(client)
    html = response.content.decode()
    url = reverse("projects:idea_detail", kwargs={"pk": idea.pk})
    assert f'<a href="{url}">{idea.title}</a>' in html
    assert timezone.localtime(idea.created_at).strftime("%Y-%m-%d") in html
    assert theme.name in html and district.name in html
    assert idea.get_kind_display() in html and "受付" in html
    assert role_users["coordinator"].get_full_name() in html
    row = html.split(city_wide.title)[1].split("</tr>")[0]
    assert "市全域" in row


def test_an_empty_filter_reads_no_districts_and_no_idea_text(
    client: Any, role_users: Any, theme: Any
) -> None:
    IdeaFactory(themes=[theme])
    client.force_login(role_users["coordinator"])
    _, sql = _get(client)
    assert not [q for q in sql if "directory_district" in q and "projects_idea" not in q]
    rows = next(q for q in sql if q.startswith('SELECT "projects_idea"."id"'))
    assert '"description"' not in rows and '"search_document"' not in rows


def test_a_district_filter_still_validates_against_the_districts(
    client: Any, role_users: Any, district: Any
) -> None:
    mine = IdeaFactory(district=district, title="地区のアイデア")
    IdeaFactory(title="よその地区のアイデア")
    client.force_login(role_users["coordinator"])
    response, _ = _get(client, district=str(district.pk))
    assert [i.pk for i in response.context["page_obj"]] == [mine.pk]
    response, _ = _get(client, district="999999")  # not a district: the form says so
    assert response.context["form"].errors["district"]


def test_drawing_the_filter_reads_the_districts_once(
    client: Any, role_users: Any, district: Any
) -> None:
    from machida_portal.public_cache import SCOPES, public_cache_bump

    client.force_login(role_users["coordinator"])
    client.get(reverse("projects:inbox"))
    public_cache_bump(*SCOPES)  # the cached filter form is drawn again
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("projects:inbox"))
    reads = [q["sql"] for q in ctx.captured_queries if 'FROM "directory_district"' in q["sql"]]
    assert len(reads) == 1, reads
    assert f'<option value="{district.pk}">{district.name}</option>' in response.content.decode()


def test_the_unfiltered_inbox_shows_the_filter_form_and_a_filter_still_applies(
    client: Any, role_users: Any
) -> None:
    """Opened without a query the view builds no form (its markup is in the fragment cache);
    on a cold cache the template builds it, and a query still filters."""
    from django.core.cache import cache

    cache.clear()
    received = IdeaFactory(title="受付したばかりのアイデア")
    working = IdeaFactory(title="調整中のアイデア")
    Idea.objects.filter(pk=working.pk).update(status=Idea.Status.COORDINATING)
    client.force_login(role_users["coordinator"])
    html = client.get(reverse("projects:inbox")).content.decode()
    assert 'name="q"' in html and 'name="status"' in html and 'name="theme"' in html
    assert received.title in html and working.title in html
    filtered = client.get(reverse("projects:inbox"), {"status": "coordinating"}).content.decode()
    assert working.title in filtered and received.title not in filtered
    assert '<option value="coordinating" selected>' in filtered


def test_the_unfiltered_inbox_read_compiled_once_is_the_orms(role_users: Any) -> None:
    """The inbox as it opens is read with SQL compiled once per process (decision 0031): its
    pages and counts are those of ``inbox_ideas`` through the ORM."""
    from datetime import timedelta

    from machida_portal.paging import WorkListPaginator, known_count
    from projects.selectors import INBOX_ROW_VALUES, IdeaFilters, inbox_ideas, inbox_list

    coordinator = role_users["coordinator"]
    for i in range(7):
        IdeaFactory(title=f"アイデア{i}")
    old = IdeaFactory(title="ずっと前のアイデア")
    Idea.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=60))
    IdeaFactory(title="下書き", draft=True)
    rows, counts = inbox_list(user=coordinator, filters=IdeaFilters(), cap=5)
    orm = inbox_ideas(user=coordinator, filters=IdeaFilters()).values(*INBOX_ROW_VALUES)
    assert counts["ideas"].more and counts["ideas"].n == 5  # 8 sent ideas, counted up to 5
    assert counts["overdue"].n == Idea.objects.filter(pk=old.pk).count() == 1
    assert rows[0:3] == list(orm[0:3]) and rows[3:9] == list(orm[3:9])
    paginator = known_count(WorkListPaginator(rows, 3), counts["ideas"])
    pages = [paginator.get_page(n) for n in (1, 2, 3)]
    assert [r["id"] for p in pages for r in p.object_list] == [r["id"] for r in orm]
    assert "下書き" not in [r["title"] for r in orm]
    # Someone who may not coordinate gets nothing, compiled or not.
    nothing, none_counted = inbox_list(user=role_users["resident"], filters=IdeaFilters(), cap=5)
    assert list(nothing) == [] and none_counted["ideas"].n == 0
