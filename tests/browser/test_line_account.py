"""Issue 15 in the browser: with the city's LINE channels set, a resident sees "Sign in with
LINE" on the sign-in page, and on the account page their LINE link and the choice of channel
per group of notices — on a phone and on a 1280 px office screen, in Japanese and English,
each page clean under axe-core. Choosing LINE for session notices is stored."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings as django_settings

from directory.demo import DEMO_PASSWORD
from tests.browser.conftest import ARTIFACTS, describe, run_axe, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
TEXT: dict[str, dict[str, str | None]] = {
    "ja": {
        "line_button": "LINEでログイン",
        "linked": "LINEとの連携を解除する",
        "notices": "お知らせの受け取り方",
        "save": "受け取り方を保存する",
        "saved": "お知らせの受け取り方を保存しました。",
    },
    "en": {
        "line_button": "Sign in with LINE",
        "linked": None,  # looked up from the catalogue below
        "notices": None,
        "save": None,
        "saved": None,
    },
}


@pytest.fixture
def line_on(settings: Any) -> None:
    settings.LINE_LOGIN_CHANNEL_ID = "1650000000"
    settings.LINE_LOGIN_CHANNEL_SECRET = "channel-secret-for-tests"
    settings.LINE_MESSAGING_CHANNEL_ACCESS_TOKEN = "token-for-tests"


def _english(text: str) -> str:
    from django.utils import translation

    with translation.override("en"):
        return str(translation.gettext(text))


@pytest.mark.parametrize("language", ["ja", "en"])
@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_a_resident_links_line_and_chooses_line_for_session_notices(
    browser: Any,
    live_server: Any,
    axe_source: str,
    demo: Any,
    line_on: None,
    language: str,
    viewport: str,
) -> None:
    from allauth.socialaccount.models import SocialAccount

    from reminders.models import NoticePreference

    words = {
        k: str(v if language == "ja" or k == "line_button" else _english(str(TEXT["ja"][k])))
        for k, v in TEXT[language].items()
    }
    resident = demo.users["resident@example.jp"]
    SocialAccount.objects.create(user=resident, provider="line", uid="U" + "0" * 32)
    context = browser.new_context(
        viewport=VIEWPORTS[viewport], locale="ja-JP", base_url=live_server.url
    )
    context.add_cookies(
        [{"name": django_settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    )
    page = context.new_page()
    try:
        page.goto("/accounts/login/")
        assert page.locator("html").get_attribute("lang") == language
        assert page.get_by_role("link", name=words["line_button"]).count() == 1
        violations = run_axe(page, axe_source, f"login-line-{viewport}-{language}")
        assert not violations, describe(violations)

        sign_in(page, "resident@example.jp", DEMO_PASSWORD)
        page.goto("/me/")
        assert page.get_by_role("button", name=words["linked"]).count() == 1
        assert page.get_by_role("heading", name=words["notices"]).count() == 1
        violations = run_axe(page, axe_source, f"me-line-{viewport}-{language}")
        assert not violations, describe(violations)

        page.locator("input[name=notices-sessions][value=line]").check()
        page.get_by_role("button", name=words["save"]).click()
        page.wait_for_load_state()
        assert words["saved"] in page.content()
        assert page.locator("input[name=notices-sessions][value=line]").is_checked()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"me-line-{viewport}-{language}.png"), full_page=True)
    finally:
        context.close()
    assert NoticePreference.objects.get(user=resident, group="sessions").channel == "line"


def test_without_the_channels_nothing_of_line_shows(page: Any, demo: Any, settings: Any) -> None:
    settings.LINE_LOGIN_CHANNEL_ID = ""
    settings.LINE_LOGIN_CHANNEL_SECRET = ""
    settings.LINE_MESSAGING_CHANNEL_ACCESS_TOKEN = ""
    page.goto("/accounts/login/")
    assert "LINE" not in page.locator("main").inner_text()
    sign_in(page, "resident@example.jp", DEMO_PASSWORD)
    page.goto("/me/")
    assert "LINE" not in page.locator("main").inner_text()
