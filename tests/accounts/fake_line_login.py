"""A local fake of LINE Login (OAuth 2.0 / OpenID Connect, v2.1) for tests: no real LINE.

It plays LINE's side the way LINE documents it
(https://developers.line.biz/en/reference/line-login/):

- ``authorize(url, user)`` stands for the browser at ``access.line.me/oauth2/v2.1/authorize``:
  it checks the request the portal sent the browser there with (client_id, redirect_uri,
  response_type=code, scope with openid, state, a PKCE S256 code_challenge), "the resident
  agrees", and returns the callback URL LINE would redirect back to (``code`` and ``state``).
- ``POST api.line.me/oauth2/v2.1/token`` (mocked with ``responses``): checks the code, the
  client's id and secret, the redirect_uri, and that SHA-256 of the ``code_verifier`` is the
  challenge given at authorize time (RFC 7636 §4.6); answers LINE's token JSON with an ID token
  signed HS256 with the channel secret, as LINE does.
- ``POST api.line.me/oauth2/v2.1/verify``: checks the ID token's signature, audience, issuer and
  expiry and answers its claims, as LINE's verify endpoint does.

The PKCE and JWT work here uses ``cryptography`` (HMAC, SHA-256), not hashlib/hmac as allauth
does, so the fake is a second implementation of the protocol, pinned to RFC 7636's own example
(``test_s256_matches_rfc7636_appendix_b``).
"""

from __future__ import annotations

import base64
import json
import secrets
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import responses
from cryptography.hazmat.primitives import hashes, hmac

AUTHORIZE_URL = "https://access.line.me/oauth2/v2.1/authorize"
TOKEN_URL = "https://api.line.me/oauth2/v2.1/token"  # nosec B105 — a URL, not a password
VERIFY_URL = "https://api.line.me/oauth2/v2.1/verify"
PROFILE_URL = "https://api.line.me/v2/profile"
ISSUER = "https://access.line.me"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def s256(verifier: str) -> str:
    digest = hashes.Hash(hashes.SHA256())
    digest.update(verifier.encode("ascii"))
    return b64url(digest.finalize())


def _hs256(secret: str, signing_input: bytes) -> bytes:
    mac = hmac.HMAC(secret.encode(), hashes.SHA256())
    mac.update(signing_input)
    return mac.finalize()


def sign_id_token(claims: dict[str, Any], secret: str) -> str:
    header = b64url(json.dumps({"typ": "JWT", "alg": "HS256"}).encode())
    payload = b64url(json.dumps(claims, ensure_ascii=False).encode())
    signing_input = f"{header}.{payload}".encode("ascii")
    return f"{header}.{payload}.{b64url(_hs256(secret, signing_input))}"


def verify_id_token(token: str, secret: str) -> dict[str, Any]:
    header, payload, signature = token.split(".")
    mac = hmac.HMAC(secret.encode(), hashes.SHA256())
    mac.update(f"{header}.{payload}".encode("ascii"))
    mac.verify(b64url_decode(signature))  # raises InvalidSignature
    if json.loads(b64url_decode(header))["alg"] != "HS256":
        raise ValueError("alg")
    claims: dict[str, Any] = json.loads(b64url_decode(payload))
    return claims


@dataclass
class LineUser:
    """A LINE user who agrees to sign in. ``email`` None: the user does not share an address."""

    sub: str = field(default_factory=lambda: "U" + secrets.token_hex(16))
    name: str = "町田 花子"
    email: str | None = "hanako@example.jp"
    picture: str = "https://profile.line-scdn.net/example"


@dataclass
class _Grant:
    user: LineUser
    client_id: str
    redirect_uri: str
    code_challenge: str


class FakeLineLogin:
    def __init__(self, channel_id: str, channel_secret: str) -> None:
        self.channel_id = channel_id
        self.channel_secret = channel_secret
        self.grants: dict[str, _Grant] = {}
        self.authorize_requests: list[dict[str, str]] = []
        self.token_requests: list[dict[str, str]] = []
        self.verify_requests: list[dict[str, str]] = []
        self.issued_tokens: list[str] = []

    # -- the browser at LINE ---------------------------------------------------------------
    def authorize(self, url: str, user: LineUser) -> str:
        parts = urlsplit(url)
        assert f"{parts.scheme}://{parts.netloc}{parts.path}" == AUTHORIZE_URL, url
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        self.authorize_requests.append(query)
        assert query["response_type"] == "code"
        assert query["client_id"] == self.channel_id
        assert "openid" in query["scope"].split(), query["scope"]
        assert query["state"], "no state"
        assert query.get("code_challenge_method") == "S256", "PKCE S256 required"
        assert 43 <= len(query["code_challenge"]) <= 128
        code = secrets.token_urlsafe(16)
        self.grants[code] = _Grant(
            user=user,
            client_id=query["client_id"],
            redirect_uri=query["redirect_uri"],
            code_challenge=query["code_challenge"],
        )
        return f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query['state']})}"

    # -- LINE's API --------------------------------------------------------------------------
    def _token(self, request: Any) -> tuple[int, dict[str, str], str]:
        form = {k: v[0] for k, v in parse_qs(request.body).items()}
        self.token_requests.append(form)
        grant = self.grants.pop(form.get("code", ""), None)  # a code works once
        if (
            grant is None
            or form.get("grant_type") != "authorization_code"
            or form.get("client_id") != self.channel_id
            or form.get("client_secret") != self.channel_secret
            or form.get("redirect_uri") != grant.redirect_uri
        ):
            return _error(400, "invalid_grant")
        if s256(form.get("code_verifier", "")) != grant.code_challenge:
            return _error(400, "invalid_grant", "invalid code_verifier")
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": ISSUER,
            "sub": grant.user.sub,
            "aud": self.channel_id,
            "exp": now + 3600,
            "iat": now,
            "amr": ["linesso"],
            "name": grant.user.name,
            "picture": grant.user.picture,
        }
        if grant.user.email:
            claims["email"] = grant.user.email
        id_token = sign_id_token(claims, self.channel_secret)
        self.issued_tokens.append(id_token)
        body = {
            "access_token": secrets.token_urlsafe(24),
            "expires_in": 2592000,
            "id_token": id_token,
            "refresh_token": secrets.token_urlsafe(16),
            "scope": "email openid profile",
            "token_type": "Bearer",
        }
        return 200, {"Content-Type": "application/json"}, json.dumps(body)

    def _verify(self, request: Any) -> tuple[int, dict[str, str], str]:
        form = {k: v[0] for k, v in parse_qs(request.body).items()}
        self.verify_requests.append(form)
        try:
            claims = verify_id_token(form["id_token"], self.channel_secret)
        except Exception:
            return _error(400, "invalid_request", "Invalid IdToken.")
        if claims["aud"] != form.get("client_id") or claims["aud"] != self.channel_id:
            return _error(400, "invalid_request", "Invalid IdToken Audience.")
        if claims["iss"] != ISSUER or claims["exp"] < time.time():
            return _error(400, "invalid_request", "IdToken expired.")
        return 200, {"Content-Type": "application/json"}, json.dumps(claims, ensure_ascii=False)

    def register(self, mock: responses.RequestsMock) -> None:
        mock.add_callback(responses.POST, TOKEN_URL, callback=self._token)
        mock.add_callback(responses.POST, VERIFY_URL, callback=self._verify)


def _error(status: int, error: str, description: str = "") -> tuple[int, dict[str, str], str]:
    body = {"error": error, "error_description": description or error}
    return status, {"Content-Type": "application/json"}, json.dumps(body)
