"""The header menu grouped by task (decision 0019): groups come from the items' capabilities,
a group the user has no item of is not shown, and building it costs no query."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from accounts.capabilities import capabilities_for_role, capabilities_of
from accounts.nav import (
    GROUPS_BY_KEY,
    NAV_GROUPS,
    ROLE_CARDS,
    all_nav_items,
    nav_groups,
    nav_menu_html,
    role_cards,
)
from directory.models import Role


def _groups(capabilities: frozenset[str], path: str = "/nowhere/") -> dict[str, Any]:
    return {g["key"]: g for g in nav_groups(capabilities, path)}


def _names(group: dict[str, Any]) -> list[str]:
    return [i["name"] for i in group["items"]]


def test_every_nav_item_names_a_known_group() -> None:
    unknown = [(i.url_name, i.group) for i in all_nav_items() if i.group not in GROUPS_BY_KEY]
    assert not unknown, f"give these NavItems a group from accounts.nav.NAV_GROUPS: {unknown}"


def test_every_group_label_has_a_short_english_translation() -> None:
    for group in NAV_GROUPS:
        with translation.override("en"):
            english = str(group.label)
        with translation.override("ja"):
            japanese = str(group.label)
        assert english != japanese, group.key
        with translation.override("en"):
            long_english = str(group.long_label)
        with translation.override("ja"):
            assert long_english != str(group.long_label), group.key
        # One line at 1024 px holds six groups only with short labels.
        assert len(english) <= 8 and len(japanese) <= 6, (group.key, english, japanese)


def test_a_visitor_sees_only_the_public_groups() -> None:
    groups = _groups(frozenset())
    assert list(groups) == ["ideas", "sessions", "places", "data"]
    assert "projects:inbox" not in _names(groups["ideas"])
    assert "projects:idea_mine" not in _names(groups["ideas"])
    assert _names(groups["data"]) == ["indicators:dashboard", "indicators:open_data"]
    assert not groups["data"]["single"] and not groups["ideas"]["single"]


def test_a_resident_sees_their_ideas_but_no_work_or_consultation_group() -> None:
    groups = _groups(capabilities_for_role(Role.RESIDENT))
    assert "work" not in groups and "consult" not in groups
    assert "projects:idea_mine" in _names(groups["ideas"])


@pytest.mark.parametrize(
    "role, consult_items",
    [
        (Role.COORDINATOR, ["consultations:idea_handoff_list"]),
        (Role.CONSULTATION_STAFF, ["consultations:inbox"]),
        (
            Role.WELFARE_COORDINATOR,
            ["consultations:outreach_list", "consultations:idea_handoff_list"],
        ),
        (
            Role.CITY_STAFF,
            ["consultations:overdue_board", "consultations:missing_resources"],
        ),
    ],
)
def test_staff_see_today_first_and_only_the_consultation_items_they_may_use(
    role: str, consult_items: list[str]
) -> None:
    groups = nav_groups(capabilities_for_role(role), "/nowhere/")
    assert groups[0]["key"] == "work"
    assert _names(groups[0]) == ["home"]
    assert _names({g["key"]: g for g in groups}["consult"]) == consult_items


def test_the_indicator_overview_is_public_like_the_page_it_links_to() -> None:
    # The overview shows published values to everyone (decision 0023); its editing tools
    # are on the page for kpis.edit holders, not a separate menu item.
    for capabilities in (frozenset(), capabilities_for_role(Role.CITY_STAFF)):
        assert "indicators:dashboard" in _names(_groups(capabilities)["data"])


def test_the_current_page_is_marked_and_its_group_active() -> None:
    groups = _groups(capabilities_for_role(Role.COORDINATOR), "/ideas/inbox/")
    current = [i["name"] for g in groups.values() for i in g["items"] if i["current"]]
    assert current == ["projects:inbox"]
    assert [k for k, g in groups.items() if g["active"]] == ["ideas"]


def test_a_page_under_an_item_marks_its_group_but_no_item() -> None:
    groups = _groups(capabilities_for_role(Role.CONSULTATION_STAFF), "/consultations/sheets/7/")
    assert [k for k, g in groups.items() if g["active"]] == ["consult"]
    assert not any(i["current"] for g in groups.values() for i in g["items"])


def test_the_deepest_item_wins_and_home_marks_only_itself() -> None:
    city = capabilities_for_role(Role.CITY_STAFF)
    overdue = _groups(city, "/consultations/overdue/?page=2")
    assert overdue["consult"]["active"]
    assert not _groups(city, "/somewhere/else/")["work"]["active"]
    assert _groups(city, "/")["work"]["items"][0]["current"]


def test_an_item_without_a_known_group_still_shows_as_its_own_link(monkeypatch: Any) -> None:
    from accounts import nav

    stray = nav.NavItem("迷子", "home", group="nope")
    monkeypatch.setattr(nav, "all_nav_items", lambda: (stray,))
    nav._visible_items.cache_clear()
    nav._visible_groups.cache_clear()
    try:
        groups = nav.nav_groups(frozenset(), "/")
        assert [(g["key"], g["single"]) for g in groups] == [("home", True)]
    finally:
        nav._visible_items.cache_clear()
        nav._visible_groups.cache_clear()


@pytest.mark.django_db
def test_building_the_menu_costs_no_query(
    role_users: dict[str, Any], django_assert_num_queries: Any
) -> None:
    for user in role_users.values():
        capabilities = capabilities_of(user)
        with django_assert_num_queries(0):
            nav_groups(capabilities, "/ideas/")


@pytest.mark.django_db
def test_the_page_costs_the_same_queries_whatever_the_menu_holds(
    client: Any, role_users: dict[str, Any]
) -> None:
    """A resident's three groups and an admin's six: the same page, the same query count."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for role in ("resident", "member", "coordinator", "staff_elderly", "cwc", "city", "admin"):
        client.force_login(role_users[role])
        client.get("/directory/districts/")  # the first request reads the session and roles
        with CaptureQueriesContext(connection) as queries:
            client.get("/directory/districts/")
        counts[role] = len(queries)
    assert len(set(counts.values())) == 1, counts


@pytest.mark.django_db
def test_groups_render_as_dropdowns_or_single_links(
    client: Any, role_users: dict[str, Any]
) -> None:
    client.force_login(role_users["coordinator"])
    html = client.get("/ideas/inbox/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert 'id="nav-group-ideas"' in html  # a dropdown
    assert 'id="nav-group-consult"' not in html  # one item: a link
    assert 'class="dropdown-item active" href="/ideas/inbox/" aria-current="page"' in html
    client.force_login(role_users["resident"])
    html = client.get("/ideas/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "相談" not in html.split("</header>")[0]
    assert "わたしの仕事" not in html.split("</header>")[0]


@pytest.mark.django_db
def test_role_cards_still_list_their_items(role_users: dict[str, Any]) -> None:
    cards = {c["role"]: c for c in role_cards(role_users["coordinator"])}
    links = [link["name"] for link in cards[Role.COORDINATOR]["links"]]
    assert "projects:inbox" in links and "home" not in links


@pytest.mark.parametrize("role", [None, *[r for r, *_ in ROLE_CARDS]])
@pytest.mark.parametrize(
    "path", ["/", "/ideas/", "/ideas/inbox/", "/consultations/", "/consultations/12/", "/me/"]
)
@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_cached_menu_is_what_the_template_draws_for_that_page(
    role: str | None, path: str, language: str
) -> None:
    """The header is rendered once per capabilities, language and current item: for every
    role, page and language it must equal the template drawn for that very path."""
    from django.template.loader import render_to_string

    capabilities = capabilities_for_role(role) if role else frozenset()
    with translation.override(language):
        expected = render_to_string(
            "_nav_groups.html", {"nav_groups": nav_groups(capabilities, path)}
        )
        assert nav_menu_html(capabilities, path) == expected
        assert nav_menu_html(capabilities, path) == expected  # from the cache
