"""The staff "today" page in the browser, in Japanese, at 1280 px and on a phone: the cards
sit in a grid on a desk and stack on a phone, a count opens the list of exactly those items,
and axe-core finds nothing serious."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import pytest

from directory.demo import DEMO_PASSWORD
from tests.browser.conftest import PHONE, describe, run_axe, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESK = {"width": 1280, "height": 900}


def _work() -> None:
    """Two sent sheets with no movement for weeks at the disability agency, one waiting for
    receipt; three unanswered ideas."""
    from datetime import timedelta

    from django.utils import timezone

    from consultations.models import SheetStatus, TsunaguSheet
    from tests.factories import IdeaFactory, SheetFactory

    SheetFactory()
    for _ in range(2):
        sheet = SheetFactory(status=SheetStatus.RECEIVED)
        # A raw state: no movement for 40 days (the services need the days to pass).
        TsunaguSheet.objects.filter(pk=sheet.pk).update(
            updated_at=timezone.now() - timedelta(days=40)
        )
    for _ in range(3):
        IdeaFactory()


def _axe(page: Any, axe_source: str, name: str) -> None:
    violations = run_axe(page, axe_source, name)
    assert not violations, describe(violations)


def _cards(page: Any) -> list[dict[str, float]]:
    return page.evaluate(
        "() => [...document.querySelectorAll('.today-card')].map(c => {"
        " const r = c.getBoundingClientRect(); return {x: r.x, y: r.y, w: r.width}; })"
    )


def _no_horizontal_overflow(page: Any) -> bool:
    return bool(
        page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")
    )


@pytest.mark.parametrize(
    ("email", "count_id", "list_rows", "cards"),
    [
        # The receiving agency: sheets with no movement, in its inbox filtered to them.
        (
            "staff.disability@example.jp",
            "today-incoming-stale",
            "[data-testid=inbox-list] > li a",
            3,
        ),
        # The coordinator: unanswered ideas, in the idea inbox filtered to them.
        ("coordinator@example.jp", "today-ideas-unanswered", "[data-testid=inbox] tbody tr", 2),
    ],
)
def test_today_page_on_a_desk_and_a_phone(
    page: Any,
    axe_source: str,
    demo: Any,
    email: str,
    count_id: str,
    list_rows: str,
    cards: int,
) -> None:
    _work()
    sign_in(page, email, DEMO_PASSWORD)
    for name, viewport in (("desk", DESK), ("phone", PHONE)):
        page.set_viewport_size(viewport)
        page.goto("/")
        assert page.get_by_role("heading", level=1).inner_text().startswith("今日の仕事")
        boxes = _cards(page)
        assert len(boxes) == cards
        if name == "desk":
            # A grid: the first cards share a row.
            assert boxes[0]["y"] == boxes[1]["y"] and boxes[0]["x"] < boxes[1]["x"]
        else:
            # Stacked: one card a row, each the width of the first.
            assert all(b["y"] > a["y"] for a, b in pairwise(boxes))
            assert all(abs(b["w"] - boxes[0]["w"]) < 1 for b in boxes)
        assert _no_horizontal_overflow(page)
        _axe(page, axe_source, f"today-{email.split('@')[0]}-{name}")

    # A count opens its list, showing exactly that many items (on one page: fewer than 25).
    link = page.get_by_test_id(count_id)
    shown = int(link.locator("strong").inner_text())
    assert 0 < shown < 25
    link.click()
    page.wait_for_load_state()
    assert page.locator(list_rows).count() == shown
    _axe(page, axe_source, f"today-list-{count_id}")


def test_a_resident_keeps_the_portal_home(page: Any, demo: Any) -> None:
    sign_in(page, "resident@example.jp", DEMO_PASSWORD)
    page.goto("/")
    assert page.get_by_test_id("today").count() == 0
    assert page.get_by_test_id("role-cards").is_visible()
