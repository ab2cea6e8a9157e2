"""The header grouped by task (decision 0019): one line from 1024 px up for every demo role, in
Japanese and in English; the collapsed menu on a phone; the groups by keyboard; axe clean."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings

from directory.demo import DEMO_PASSWORD
from tests.browser.conftest import PHONE, describe, run_axe, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROLES = {
    "anonymous": None,
    "resident": "resident@example.jp",
    "member": "member@example.jp",
    "coordinator": "coordinator@example.jp",
    "consultation_staff": "staff.elderly@example.jp",
    "welfare_coordinator": "cwc@example.jp",
    "city_staff": "city@example.jp",
    "admin": "admin@example.jp",
}
WIDTHS = (1024, 1280, 1440)
MAX_HEADER_HEIGHT = 80

# Every top-level thing in the bar: the portal's name, each group (a link or a dropdown
# toggle), the account menu or sign-in links, the language switch.
MEASURE = """() => {
  const bar = document.querySelector('header nav.navbar');
  const container = bar.querySelector('.container');
  const cs = getComputedStyle(container);
  const right = container.getBoundingClientRect().right - parseFloat(cs.paddingRight);
  const tops = [...bar.querySelectorAll(
    '.navbar-brand, #main-nav > .navbar-nav > .nav-item > .nav-link,'
    + ' #main-nav > .navbar-nav > .nav-item > .btn')];
  return {
    header: Math.round(bar.getBoundingClientRect().height),
    scrollWidth: document.documentElement.scrollWidth,
    width: window.innerWidth,
    right: right,
    items: tops.filter(e => e.offsetParent !== null).map(e => {
      const r = e.getBoundingClientRect();
      const s = getComputedStyle(e);
      const text = r.height - parseFloat(s.paddingTop) - parseFloat(s.paddingBottom)
        - parseFloat(s.borderTopWidth) - parseFloat(s.borderBottomWidth);
      return {label: e.innerText.trim(), middle: r.top + r.height / 2, right: r.right,
              textHeight: text, lineHeight: parseFloat(s.lineHeight)};
    }),
  };
}"""


def _axe(page: Any, axe_source: str, name: str) -> None:
    violations = run_axe(page, axe_source, name)
    assert not violations, describe(violations)


def _use_english(page: Any, live_server: Any) -> None:
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}]
    )


def _check_one_line(page: Any, where: str) -> None:
    m = page.evaluate(MEASURE)
    assert m["header"] <= MAX_HEADER_HEIGHT, (where, m["header"])
    assert m["scrollWidth"] <= m["width"], (where, "page scrolls sideways", m["scrollWidth"])
    assert len(m["items"]) >= 5, (where, m["items"])
    for item in m["items"]:
        # One line of text: the box holds no more than one line (a second would double it).
        assert item["textHeight"] <= item["lineHeight"] * 1.3, (where, item)
        assert item["right"] <= m["right"] + 1, (where, "past the container", item)
    middles = [item["middle"] for item in m["items"]]
    assert max(middles) - min(middles) <= 6, (where, "not on one line", m["items"])


def _check_dropdowns_open_on_screen(page: Any, where: str) -> None:
    for toggle in page.locator("header .dropdown-toggle").all():
        toggle.click()
        box = page.locator("header .dropdown-menu.show").bounding_box()
        assert box is not None, (where, toggle.inner_text())
        width = page.evaluate("() => window.innerWidth")
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, (where, toggle.inner_text())
        page.keyboard.press("Escape")


@pytest.mark.parametrize("role", list(ROLES))
def test_header_is_one_line_at_office_widths_in_japanese_and_english(
    page: Any, axe_source: str, demo: Any, live_server: Any, role: str
) -> None:
    email = ROLES[role]
    if email:
        sign_in(page, email, DEMO_PASSWORD)
    for language in ("ja", "en"):
        if language == "en":
            _use_english(page, live_server)
        page.goto("/ideas/")
        assert page.locator("html").get_attribute("lang") == language
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 800})
            _check_one_line(page, f"{role} {language} {width}px")
        page.set_viewport_size({"width": WIDTHS[0], "height": 800})
        _check_dropdowns_open_on_screen(page, f"{role} {language} {WIDTHS[0]}px")
        page.set_viewport_size({"width": 1920, "height": 900})
        _check_one_line(page, f"{role} {language} 1920px")
    page.set_viewport_size({"width": 1280, "height": 800})
    _axe(page, axe_source, f"nav-{role}")


def test_a_signed_in_residents_unread_count_shows_on_the_account_menu(page: Any, demo: Any) -> None:
    from tests.factories.reminders import NotificationFactory

    NotificationFactory.create_batch(3, recipient=demo.users["resident@example.jp"])
    page.set_viewport_size({"width": 1024, "height": 800})
    sign_in(page, "resident@example.jp", DEMO_PASSWORD)
    page.goto("/ideas/")
    badge = page.get_by_test_id("unread-count")
    assert badge.is_visible() and badge.inner_text().startswith("3")
    page.locator("#nav-account").click()
    page.get_by_role("link", name="お知らせ").click()
    page.wait_for_load_state()
    assert page.url.endswith("/notifications/"), page.url


def test_phone_menu_opens_and_an_item_in_a_group_navigates(
    page: Any, axe_source: str, demo: Any, live_server: Any
) -> None:
    assert page.viewport_size == PHONE
    for language in ("en", "ja"):  # the English name is the longer one
        page.context.add_cookies(
            [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
        )
        page.goto("/")
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= PHONE["width"], (language, width)
        brand = page.locator(".navbar-brand").bounding_box()
        toggler = page.locator(".navbar-toggler").bounding_box()
        assert brand and toggler and toggler["y"] < brand["y"] + brand["height"], "toggler wrapped"
    sign_in(page, "coordinator@example.jp", DEMO_PASSWORD)
    page.goto("/sessions/")
    toggler = page.get_by_role("button", name="メニューを開く")
    assert toggler.is_visible()
    assert not page.locator("#nav-group-ideas").is_visible()
    toggler.click()
    page.locator("#main-nav.show").wait_for()
    page.locator("#nav-group-ideas").click()
    inbox = page.locator("#main-nav").get_by_role("link", name="アイデア受付箱")
    inbox.wait_for()
    box = inbox.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    _axe(page, axe_source, "nav-phone-open")
    inbox.click()
    page.wait_for_load_state()
    assert page.url.endswith("/ideas/inbox/"), page.url
    # The group the page belongs to is marked, and the item says it is the current page.
    assert "active" in (page.locator("#nav-group-ideas").get_attribute("class") or "")
    current = page.locator('#main-nav [aria-current="page"]')
    assert current.count() == 1 and current.inner_text() == "アイデア受付箱"


def _focused(page: Any) -> dict[str, Any]:
    result: dict[str, Any] = page.evaluate(
        "() => { const e = document.activeElement; const s = getComputedStyle(e);"
        " return {id: e.id, text: e.innerText.trim(), outline: s.outlineStyle,"
        " width: parseFloat(s.outlineWidth)}; }"
    )
    return result


def test_keyboard_tab_to_a_group_open_it_arrow_to_an_item_and_go(
    page: Any, axe_source: str, demo: Any
) -> None:
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, "coordinator@example.jp", DEMO_PASSWORD)
    page.goto("/sessions/")
    page.locator("body").focus()
    for _ in range(10):
        page.keyboard.press("Tab")
        if _focused(page)["id"] == "nav-group-ideas":
            break
    focused = _focused(page)
    assert focused["id"] == "nav-group-ideas", focused
    assert focused["outline"] != "none" and focused["width"] >= 2, "focus is not visible"

    toggle = page.locator("#nav-group-ideas")
    page.keyboard.press("Enter")
    assert toggle.get_attribute("aria-expanded") == "true"
    page.keyboard.press("Escape")
    assert toggle.get_attribute("aria-expanded") == "false"
    assert _focused(page)["id"] == "nav-group-ideas"

    page.keyboard.press("Space")
    assert toggle.get_attribute("aria-expanded") == "true"
    _axe(page, axe_source, "nav-dropdown-open")
    for _ in range(8):
        page.keyboard.press("ArrowDown")
        if _focused(page)["text"] == "アイデア受付箱":
            break
    focused = _focused(page)
    assert focused["text"] == "アイデア受付箱", focused
    assert focused["outline"] != "none", "the focused item is not visibly focused"
    page.keyboard.press("Enter")
    page.wait_for_url("**/ideas/inbox/")
    assert page.locator('#nav-group-ideas + .dropdown-menu [aria-current="page"]').count() == 1
