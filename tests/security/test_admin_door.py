"""The admin sits behind the portal's own door (issue #11, finding 1).

``/admin/login/`` hands over to allauth's sign-in, so the second factor and allauth's rate
limits hold for the admin too; the staff MFA rule covers anyone the admin lets in.
"""

from __future__ import annotations

from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.core.cache import cache
from django.urls import reverse

from directory.demo import DEMO_PASSWORD
from tests.factories import ConferenceFactory, NotificationFactory, UserFactory

pytestmark = pytest.mark.django_db

ADMIN_EMAIL = "admin@example.jp"


@pytest.fixture
def admin_with_totp(settings: Any, demo: Any) -> tuple[Any, str]:
    settings.REQUIRE_STAFF_MFA = True
    user = demo.users[ADMIN_EMAIL]
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return user, secret


def _current_code(secret: str) -> str:
    counter = next(iter(yield_hotp_counters_from_time()))
    return format_hotp_value(hotp_value(secret, counter))


def test_admin_login_with_password_only_does_not_sign_in(
    admin_with_totp: tuple[Any, str], client: Any
) -> None:
    response = client.post(
        reverse("admin:login") + "?next=/admin/",
        {"username": ADMIN_EMAIL, "password": DEMO_PASSWORD, "next": "/admin/"},
    )
    assert "_auth_user_id" not in client.session
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert client.get(reverse("admin:index")).status_code == 302


def test_admin_login_page_hands_over_to_the_portal_sign_in(client: Any) -> None:
    response = client.get(reverse("admin:login") + "?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login") + "?next=%2Fadmin%2F"


def test_admin_sign_in_asks_for_the_second_factor_then_opens_the_admin(
    admin_with_totp: tuple[Any, str], client: Any
) -> None:
    _, secret = admin_with_totp
    response = client.post(
        reverse("account_login") + "?next=/admin/",
        {"login": ADMIN_EMAIL, "password": DEMO_PASSWORD, "next": "/admin/"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("admin:index")).status_code == 302

    response = client.post(reverse("mfa_authenticate"), {"code": _current_code(secret)})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get(reverse("admin:index")).status_code == 200


def test_admin_login_is_rate_limited_like_the_portal_sign_in(
    admin_with_totp: tuple[Any, str], settings: Any, client: Any
) -> None:
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "3/m/ip"}
    cache.clear()
    try:
        for _ in range(15):
            client.post(reverse("admin:login"), {"username": ADMIN_EMAIL, "password": "wrong"})
        client.post(reverse("admin:login"), {"username": ADMIN_EMAIL, "password": DEMO_PASSWORD})
        assert "_auth_user_id" not in client.session
        for _ in range(3):
            client.post(reverse("account_login"), {"login": ADMIN_EMAIL, "password": "wrong"})
        response = client.post(
            reverse("account_login"), {"login": ADMIN_EMAIL, "password": DEMO_PASSWORD}
        )
        assert response.status_code == 200  # refused with a message, not sent to MFA
        assert "_auth_user_id" not in client.session
    finally:
        cache.clear()


def test_signed_in_non_staff_cannot_open_the_admin_login(client: Any, demo: Any) -> None:
    client.force_login(demo.users["resident@example.jp"])
    assert client.get(reverse("admin:login")).status_code == 403


def test_admin_staff_flag_alone_still_needs_totp(settings: Any, client: Any) -> None:
    """``is_staff`` opens the admin even without a portal role: the MFA rule covers it."""
    settings.REQUIRE_STAFF_MFA = True
    user = UserFactory(is_staff=True)
    client.force_login(user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    assert client.get(reverse("admin:index")).status_code == 200


def test_superuser_without_totp_is_sent_to_set_it_up_before_the_admin(
    settings: Any, client: Any, demo: Any
) -> None:
    settings.REQUIRE_STAFF_MFA = True
    client.force_login(demo.users[ADMIN_EMAIL])
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


# --- Behind the door, metadata only (finding 7, admin part; decision 0501) -------------------

SECRET = "山本キヨ"


def _admin_pages(client: Any, label: str, pk: Any) -> dict[str, str]:
    pages = {
        "list": reverse(f"admin:{label}_changelist"),
        "search": reverse(f"admin:{label}_changelist") + "?q=山本",
        "change": reverse(f"admin:{label}_change", args=[pk]),
        "history": reverse(f"admin:{label}_history", args=[pk]),
    }
    found = {}
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        found[name] = response.content.decode()
    return found


@pytest.fixture
def case_free_texts(role_users: dict[str, Any]) -> dict[str, Any]:
    from consultations.models import ConferenceTask, HouseholdMember
    from reminders.models import Reminder

    conference = ConferenceFactory()
    task = ConferenceTask.objects.create(
        conference=conference,
        organization=conference.convened_by,
        description=f"{SECRET}さん宅に訪問",
    )
    member = HouseholdMember.objects.create(
        consultation=conference.consultations.get(),
        relation=f"長男（{SECRET}の子）",
        notes=f"{SECRET}さんと同居",
    )
    staff = role_users["staff_disability"]
    reminder = Reminder.objects.create(
        kind="conference_task",
        idempotency_key="test:conference-task:1",
        recipient=staff,
        due_at=conference.created_at,
        subject=f"期限: {SECRET}さん宅に訪問",
        body=f"{SECRET}さん宅に訪問してください。",
    )
    notification = NotificationFactory(
        recipient=staff, reminder=reminder, subject=reminder.subject, body=reminder.body
    )
    return {
        "consultations_conferencetask": task.pk,
        "consultations_householdmember": member.pk,
        "reminders_reminder": reminder.pk,
        "reminders_notification": notification.pk,
    }


@pytest.mark.parametrize(
    "label",
    [
        "consultations_conferencetask",
        "consultations_householdmember",
        "reminders_reminder",
        "reminders_notification",
    ],
)
def test_admin_never_shows_case_free_text(
    label: str, case_free_texts: dict[str, Any], role_users: dict[str, Any], client: Any
) -> None:
    client.force_login(role_users["admin"])
    for page, body in _admin_pages(client, label, case_free_texts[label]).items():
        assert SECRET not in body, (label, page)
        assert "長男" not in body and "宅に訪問" not in body, (label, page)


def test_admin_search_does_not_reach_reminder_texts(
    case_free_texts: dict[str, Any], role_users: dict[str, Any], client: Any
) -> None:
    client.force_login(role_users["admin"])
    for label in ("reminders_reminder", "reminders_notification"):
        response = client.get(reverse(f"admin:{label}_changelist") + f"?q={SECRET}")
        assert response.context["cl"].result_count == 0, label


def test_reminders_are_read_only_in_the_admin(
    case_free_texts: dict[str, Any], role_users: dict[str, Any], client: Any
) -> None:
    client.force_login(role_users["admin"])
    pk = case_free_texts["reminders_reminder"]
    assert client.get(reverse("admin:reminders_reminder_add")).status_code == 403
    response = client.post(
        reverse("admin:reminders_reminder_change", args=[pk]), {"subject": "x", "body": "x"}
    )
    assert response.status_code == 403


def test_admin_user_pages_show_no_real_name_or_phone(demo: Any, client: Any) -> None:
    resident = demo.users["resident@example.jp"]
    resident.full_name, resident.full_name_kana, resident.phone = (
        SECRET,
        "やまもときよ",
        "042-999-0000",
    )
    resident.save()
    client.force_login(demo.users[ADMIN_EMAIL])
    pages = _admin_pages(client, "accounts_user", resident.pk)
    for page, body in pages.items():
        assert SECRET not in body and "やまもときよ" not in body and "042-999-0000" not in body, (
            page
        )
    response = client.get(reverse("admin:accounts_user_changelist") + "?q=やまもと")
    assert response.context["cl"].result_count == 0


def test_admin_logs_show_pages_without_their_search_terms(
    role_users: dict[str, Any], client: Any
) -> None:
    from accounts.models import PersonalDataView
    from consultations.models import AccessLog

    staff = role_users["staff_elderly"]
    AccessLog.objects.create(
        user=staff,
        action="view",
        object_type="consultation",
        object_id=1,
        path="/consultations/?tab=consultations&q=やまもと",
    )
    PersonalDataView.objects.create(
        viewer=staff, subject=role_users["resident"], context="idea:1", path="/ideas/?q=やまもと"
    )
    client.force_login(role_users["admin"])
    for label in ("consultations_accesslog", "accounts_personaldataview"):
        body = client.get(reverse(f"admin:{label}_changelist")).content.decode()
        assert "やまもと" not in body, label


def test_admin_log_pages_open(role_users: dict[str, Any], client: Any) -> None:
    from accounts.models import PersonalDataView
    from consultations.models import AccessLog

    staff = role_users["staff_elderly"]
    log = AccessLog.objects.create(
        user=staff, action="view", object_type="consultation", object_id=1, path="/c/?q=やま"
    )
    seen = PersonalDataView.objects.create(viewer=staff, context="idea:1", path="/i/?q=やま")
    client.force_login(role_users["admin"])
    for label, pk in (("consultations_accesslog", log.pk), ("accounts_personaldataview", seen.pk)):
        body = client.get(reverse(f"admin:{label}_change", args=[pk])).content.decode()
        assert "/c/" in body or "/i/" in body
        assert "やま" not in body


@pytest.mark.django_db
def test_the_admin_shows_that_someone_linked_line_not_their_line_profile(
    client: Any, demo: Any
) -> None:
    from allauth.socialaccount.models import SocialAccount

    resident = demo.users["resident@example.jp"]
    link = SocialAccount.objects.create(
        user=resident,
        provider="line",
        uid="U" + "1" * 32,
        extra_data={"name": "ラインの表示名", "email": "line-private@example.jp"},
    )
    client.force_login(demo.users["admin@example.jp"])
    for url in (
        reverse("admin:socialaccount_socialaccount_changelist"),
        reverse("admin:socialaccount_socialaccount_change", args=[link.pk]),
    ):
        body = client.get(url).content.decode()
        assert "ラインの表示名" not in body and "line-private@example.jp" not in body, url
    assert client.get("/admin/socialaccount/socialapp/").status_code == 404
