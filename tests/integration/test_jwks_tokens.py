"""The production path: RS256 tokens of an identity provider verified through its JWKS endpoint,
served here by a real HTTP server on 127.0.0.1 (keys generated with `cryptography`)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from eventkit.auth import TokenVerifier
from eventkit.errors import UnauthorizedError
from jwt.algorithms import RSAAlgorithm

ISSUER = "https://idp.test/realms/villagecounsel"
AUDIENCE = "villagecounsel"


class Idp:
    """Signing keys by kid, and the JWKS document a provider publishes for them."""

    def __init__(self) -> None:
        self.keys: dict[str, rsa.RSAPrivateKey] = {}
        self.fetches = 0

    def rotate(self, kid: str) -> None:
        self.keys[kid] = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    def jwks(self) -> bytes:
        keys = [
            {**json.loads(RSAAlgorithm.to_jwk(k.public_key())), "kid": kid, "use": "sig", "alg": "RS256"}
            for kid, k in self.keys.items()
        ]
        return json.dumps({"keys": keys}).encode()

    def token(self, kid: str, key: rsa.RSAPrivateKey | None = None, **changes: Any) -> str:
        now = int(time.time())
        claims = {"sub": "idp-user-1", "role": "county_admin", "scope": "621025", "iss": ISSUER,
                  "aud": AUDIENCE, "iat": now, "exp": now + 300, **changes}  # fmt: skip
        claims = {k: v for k, v in claims.items() if v is not None}
        return jwt.encode(claims, key or self.keys[kid], algorithm="RS256", headers={"kid": kid})


@pytest.fixture
def idp() -> Iterator[tuple[Idp, str]]:
    provider = Idp()
    provider.rotate("key-2026-a")

    class Jwks(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            provider.fetches += 1
            body = provider.jwks()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Jwks)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield provider, f"http://127.0.0.1:{server.server_address[1]}/protocol/openid-connect/certs"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def verifier(url: str, audience: str | None = AUDIENCE) -> TokenVerifier:
    return TokenVerifier("unused-for-rs256-" + "x" * 32, ISSUER, jwks_url=url, audience=audience)


def refused(v: TokenVerifier, token: str) -> UnauthorizedError:
    with pytest.raises(UnauthorizedError) as caught:
        v.verify(f"Bearer {token}")
    assert caught.value.status == 401 and caught.value.message
    return caught.value


def test_a_valid_rs256_token_is_accepted(idp: tuple[Idp, str]) -> None:
    provider, url = idp
    who = verifier(url).verify(f"Bearer {provider.token('key-2026-a')}")
    assert (who.subject, who.role.value, who.scope) == ("idp-user-1", "county_admin", "621025")
    assert provider.fetches == 1


def test_a_rotated_key_is_fetched_and_accepted_without_a_restart(idp: tuple[Idp, str]) -> None:
    provider, url = idp
    v = verifier(url)
    v.verify(f"Bearer {provider.token('key-2026-a')}")
    provider.rotate("key-2026-b")  # the provider publishes a new key id next to the old one
    who = v.verify(f"Bearer {provider.token('key-2026-b', sub='idp-user-2')}")
    assert who.subject == "idp-user-2"
    assert v.verify(f"Bearer {provider.token('key-2026-a')}").subject == "idp-user-1"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        pytest.param({"iss": "https://evil.test/realms/villagecounsel"}, "iss", id="wrong-issuer"),
        pytest.param({"aud": "another-app"}, "aud", id="wrong-audience"),
        pytest.param({"aud": None}, "aud", id="no-audience"),
        pytest.param({"exp": None}, "exp", id="no-exp"),
        pytest.param({"exp": int(time.time()) - 120}, "exp", id="expired"),
        pytest.param({"scope": "%"}, "scope", id="pattern-scope"),
        pytest.param({"scope": "62"}, "scope", id="prefix-scope"),
    ],
)
def test_a_token_with_a_wrong_claim_is_refused(
    idp: tuple[Idp, str], changes: dict[str, Any], field: str | None
) -> None:
    provider, url = idp
    assert refused(verifier(url), provider.token("key-2026-a", **changes)).field == field


def test_a_token_signed_by_a_key_the_provider_does_not_publish_is_refused(idp: tuple[Idp, str]) -> None:
    provider, url = idp
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    refused(verifier(url), provider.token("key-2026-a", key=stranger))  # right kid, wrong key
    refused(verifier(url), provider.token("key-unknown", key=stranger))  # kid nowhere in the JWKS


def test_an_hs256_token_is_refused_when_verifying_through_jwks(idp: tuple[Idp, str]) -> None:
    _, url = idp
    now = int(time.time())
    claims = {"sub": "x", "role": "county_admin", "scope": "621025", "iss": ISSUER, "aud": AUDIENCE,
              "iat": now, "exp": now + 60}  # fmt: skip
    forged = jwt.encode(claims, "s" * 48, algorithm="HS256", headers={"kid": "key-2026-a"})
    refused(verifier(url), forged)
