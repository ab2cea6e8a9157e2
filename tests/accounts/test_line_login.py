"""Sign in with LINE (issue 15) against a local fake of LINE Login (``fake_line_login``)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import responses
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.core import mail
from django.urls import reverse

from accounts.models import User
from accounts.roles import roles_of
from directory.models import Organization, Role
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory

from .fake_line_login import FakeLineLogin, LineUser, s256

pytestmark = pytest.mark.django_db

CHANNEL_ID = "1657000000"
CHANNEL_SECRET = "0123456789abcdef0123456789abcdef"  # nosec B105 — the fake's own secret


@pytest.fixture
def line(settings: Any) -> Iterator[FakeLineLogin]:
    settings.LINE_LOGIN_CHANNEL_ID = CHANNEL_ID
    settings.LINE_LOGIN_CHANNEL_SECRET = CHANNEL_SECRET
    fake = FakeLineLogin(CHANNEL_ID, CHANNEL_SECRET)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        fake.register(mock)
        yield fake


def start(client: Any, process: str = "login") -> str:
    """The portal's "LINE" button: a POST that sends the browser to LINE's authorize page."""
    response = client.post(reverse("line_login"), {"process": process})
    assert response.status_code == 302, response.status_code
    location: str = response["Location"]
    return location


def line_sign_in(client: Any, fake: FakeLineLogin, user: LineUser, process: str = "login") -> Any:
    callback = fake.authorize(start(client, process), user)
    return client.get(callback)


def signed_in_user(client: Any) -> User | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def confirm_mail_link(client: Any) -> None:
    body = mail.outbox[-1].body
    url = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+)", body)
    assert url, body
    response = client.post(url.group(1))
    assert response.status_code == 302


def test_s256_matches_rfc7636_appendix_b() -> None:
    # The fake's PKCE check, pinned to the example in RFC 7636 Appendix B.
    verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    assert s256(verifier) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


# -- switched off ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("channel_id", "secret"), [("", ""), (CHANNEL_ID, ""), ("", CHANNEL_SECRET)]
)
def test_without_both_channel_values_nothing_of_line_shows(
    settings: Any, client: Any, channel_id: str, secret: str
) -> None:
    settings.LINE_LOGIN_CHANNEL_ID = channel_id
    settings.LINE_LOGIN_CHANNEL_SECRET = secret
    line_url = reverse("line_login")
    for name in ("account_login", "account_signup"):
        page = client.get(reverse(name)).content.decode()
        assert line_url not in page and "LINE" not in page, name
    client.force_login(UserFactory())
    page = client.get(reverse("accounts:profile")).content.decode()
    assert line_url not in page and "LINE" not in page
    client.logout()
    assert client.post(line_url, {"process": "login"}).status_code == 404
    assert client.get(reverse("line_callback"), {"code": "x", "state": "y"}).status_code == 404


def test_with_both_values_the_login_and_signup_pages_offer_line(line: Any, client: Any) -> None:
    for name in ("account_login", "account_signup"):
        page = client.get(reverse(name)).content.decode()
        assert reverse("line_login") in page and "LINEでログイン" in page, name


def test_the_authorize_request_is_what_line_expects(line: FakeLineLogin, client: Any) -> None:
    query = {k: v[0] for k, v in parse_qs(urlsplit(start(client)).query).items()}
    assert query["client_id"] == CHANNEL_ID
    assert query["redirect_uri"] == "http://testserver/accounts/line/login/callback/"
    assert set(query["scope"].split()) == {"openid", "profile", "email"}
    assert query["code_challenge_method"] == "S256"


# -- sign-up and sign-in -----------------------------------------------------------------------


def test_sign_up_with_line_makes_a_resident_like_an_email_sign_up(
    line: FakeLineLogin, client: Any
) -> None:
    hanako = LineUser(email="hanako@example.jp")
    response = line_sign_in(client, line, hanako)
    assert response.status_code == 302
    user = User.objects.get(email="hanako@example.jp")
    account = SocialAccount.objects.get(user=user)
    assert (account.provider, account.uid) == ("line", hanako.sub)
    # The same account as an email sign-up: no role beyond resident, the address to confirm.
    email_user = UserFactory(email="by-mail@example.jp")
    assert roles_of(user) == roles_of(email_user)
    assert not user.memberships.exists() and not user.is_staff and not user.is_superuser
    assert user.has_usable_password() is False
    assert response["Location"] == reverse("account_email_verification_sent")
    assert mail.outbox and mail.outbox[-1].to == ["hanako@example.jp"]
    # PKCE: the verifier sent to the token endpoint is the one whose S256 went to authorize.
    assert (
        s256(line.token_requests[0]["code_verifier"])
        == (line.authorize_requests[0]["code_challenge"])
    )
    # The ID token was checked at LINE's verify endpoint with the channel id.
    assert line.verify_requests[0] == {"client_id": CHANNEL_ID, "id_token": line.issued_tokens[0]}

    confirm_mail_link(client)
    client.logout()
    response = line_sign_in(client, line, hanako)
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert signed_in_user(client) == user
    assert User.objects.filter(email="hanako@example.jp").count() == 1
    assert SocialAccount.objects.count() == 1


def test_line_user_without_an_address_is_asked_for_one(line: FakeLineLogin, client: Any) -> None:
    response = line_sign_in(client, line, LineUser(email=None))
    assert response.status_code == 302
    assert response["Location"] == reverse("socialaccount_signup")
    assert not User.objects.exists()
    form = client.get(reverse("socialaccount_signup"))
    assert form.status_code == 200
    response = client.post(reverse("socialaccount_signup"), {"email": "taro@example.jp"})
    assert response.status_code == 302
    user = User.objects.get(email="taro@example.jp")
    assert SocialAccount.objects.filter(user=user, provider="line").exists()


def test_an_address_in_use_never_signs_in_to_that_account(line: FakeLineLogin, client: Any) -> None:
    owner = UserFactory(email="owner@example.jp")
    response = line_sign_in(client, line, LineUser(email="owner@example.jp"))
    assert signed_in_user(client) is None
    assert not SocialAccount.objects.exists()
    assert list(User.objects.all()) == [owner]
    # allauth does not say "taken" to the browser (no enumeration): it mails the owner.
    assert response["Location"] == reverse("account_email_verification_sent")
    assert mail.outbox[-1].to == ["owner@example.jp"]


# -- linking and unlinking ---------------------------------------------------------------------


def test_account_page_links_and_unlinks_line(line: FakeLineLogin, client: Any) -> None:
    user = UserFactory(email="resident1@example.jp")
    client.force_login(user)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "LINEと連携する" in page and reverse("line_login") in page

    kiyoshi = LineUser(email="other-address@example.jp")
    response = line_sign_in(client, line, kiyoshi, process="connect")
    assert response.status_code == 302
    account = SocialAccount.objects.get(provider="line")
    assert account.user == user and account.uid == kiyoshi.sub
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "LINEと連携しています" in page and "LINEとの連携を解除する" in page

    # Signing in with LINE now reaches the same account.
    client.logout()
    line_sign_in(client, line, kiyoshi)
    assert signed_in_user(client) == user

    response = client.post(reverse("socialaccount_connections"), {"account": account.pk})
    assert response.status_code == 302
    assert not SocialAccount.objects.exists()
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "LINEと連携する" in page


def test_a_line_only_account_cannot_unlink_its_only_way_in(
    line: FakeLineLogin, client: Any
) -> None:
    user = UserFactory(email="lineonly@example.jp")
    user.set_unusable_password()
    user.save()
    account = SocialAccount.objects.create(user=user, provider="line", uid="U" + "0" * 32)
    client.force_login(user)
    response = client.post(reverse("socialaccount_connections"), {"account": account.pk})
    assert response.status_code == 200  # the form again, with allauth's reason
    assert SocialAccount.objects.filter(pk=account.pk).exists()


def test_a_line_account_linked_elsewhere_is_not_moved(line: FakeLineLogin, client: Any) -> None:
    first, second = UserFactory(), UserFactory()
    shared = LineUser()
    client.force_login(first)
    line_sign_in(client, line, shared, process="connect")
    client.force_login(second)
    line_sign_in(client, line, shared, process="connect")
    assert SocialAccount.objects.get(uid=shared.sub).user == first


# -- tampering ---------------------------------------------------------------------------------


def _with(url: str, **changes: str) -> str:
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    query.update(changes)
    return f"{parts.path}?{urlencode(query)}"


@pytest.mark.parametrize("state", ["forged-state", ""])
def test_a_tampered_state_is_refused(line: FakeLineLogin, client: Any, state: str) -> None:
    callback = line.authorize(start(client), LineUser())
    response = client.get(_with(callback, state=state))
    assert response.status_code == 401  # the sign-in error page, not a 500
    assert "ログインできませんでした" in response.content.decode()
    assert signed_in_user(client) is None
    assert not User.objects.exists() and not line.token_requests


def test_a_code_from_another_browser_fails_pkce_cleanly(line: FakeLineLogin, client: Any) -> None:
    """Code injection: the victim's browser gets a code issued to the attacker's challenge. LINE
    refuses the victim's verifier for it; the portal shows an error, signs nobody in."""
    from django.test import Client

    attacker = Client()
    stolen = parse_qs(urlsplit(line.authorize(start(attacker), LineUser())).query)["code"][0]
    victim_callback = line.authorize(start(client), LineUser())
    response = client.get(_with(victim_callback, code=stolen))
    assert response.status_code == 401
    assert (
        s256(line.token_requests[-1]["code_verifier"])
        != (line.authorize_requests[0]["code_challenge"])
    )
    assert signed_in_user(client) is None and not User.objects.exists()
    assert "ログインできませんでした" in response.content.decode()


def test_line_cancelled_at_line_is_not_an_error(line: FakeLineLogin, client: Any) -> None:
    state = parse_qs(urlsplit(start(client)).query)["state"][0]
    response = client.get(reverse("line_callback"), {"error": "access_denied", "state": state})
    assert response.status_code == 302
    assert response["Location"] == reverse("socialaccount_login_cancelled")
    assert signed_in_user(client) is None


# -- staff keep their second factor ------------------------------------------------------------


def _staff(email: str) -> User:
    user = UserFactory(email=email)
    agency = OrganizationFactory(kind=Organization.Kind.CONSULTATION_AGENCY)
    MembershipFactory(user=user, organization=agency, role=Role.CONSULTATION_STAFF)
    return user


def test_staff_with_totp_signing_in_with_line_are_asked_for_the_code(
    line: FakeLineLogin, client: Any
) -> None:
    staff = _staff("staff-line@example.jp")
    Authenticator.objects.create(user=staff, type=Authenticator.Type.TOTP, data={"secret": "x"})
    sato = LineUser(email="staff-line@example.jp")
    SocialAccount.objects.create(user=staff, provider="line", uid=sato.sub)
    response = line_sign_in(client, line, sato)
    assert response.status_code == 302 and response["Location"] == reverse("mfa_authenticate")
    assert signed_in_user(client) is None


def test_staff_without_totp_signing_in_with_line_must_set_it_up(
    line: FakeLineLogin, client: Any, settings: Any
) -> None:
    settings.REQUIRE_STAFF_MFA = True
    staff = _staff("staff-nototp@example.jp")
    suzuki = LineUser(email="staff-nototp@example.jp")
    SocialAccount.objects.create(user=staff, provider="line", uid=suzuki.sub)
    line_sign_in(client, line, suzuki)
    assert signed_in_user(client) == staff
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp")
