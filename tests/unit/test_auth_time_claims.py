"""The time claims of a token (exp, iat, nbf) are checked by eventkit, not by PyJWT's messages: a
PyJWT upgrade that rewords "Expiration Time claim (exp) must be an integer." must not lose which
claim a 401 names. Given the claims, when checked at a fixed time, then accepted or a 401 naming it.
"""

from __future__ import annotations

import time
from typing import Any

import jwt
import pytest
from eventkit.auth import TokenVerifier
from eventkit.errors import UnauthorizedError

SECRET = "a-test-secret-of-at-least-thirty-two-bytes"
ISSUER = "villagecounsel-dev"
BASE = {"sub": "u-1", "role": "county_admin", "scope": "621025", "iss": ISSUER}


def signed(**changes: Any) -> str:
    now = int(time.time())
    return jwt.encode({**BASE, "iat": now, "exp": now + 600, **changes}, SECRET, algorithm="HS256")


def verify(token: str) -> None:
    TokenVerifier(SECRET, ISSUER).verify(f"Bearer {token}")


@pytest.mark.parametrize("claim", ["exp", "iat", "nbf"])
def test_a_time_claim_is_named_whatever_pyjwts_messages_say(
    claim: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a PyJWT whose messages are reworded (an upgrade may do it): no "(exp)" in any text
    monkeypatch.setattr(jwt.PyJWTError, "__str__", lambda self: "Claim must be a whole number.")
    # when a token carries a time claim as words, then the 401 still names that claim
    with pytest.raises(UnauthorizedError) as refused:
        verify(signed(**{claim: "tomorrow"}))
    assert refused.value.field == claim


AT = 1_750_000_000  # a fixed "now" (Unix seconds)
LEEWAY = TokenVerifier.LEEWAY_S
TIMES = [  # (time claims, refused field; "-" when accepted) at AT, with the leeway each way
    ({"iat": AT - 60, "exp": AT - LEEWAY}, "exp"),  # expired, even with the leeway
    ({"iat": AT - 60, "exp": AT - LEEWAY + 1}, "-"),
    ({"iat": AT + LEEWAY, "exp": AT + 600}, "-"),  # a clock a little behind the issuer's
    ({"iat": AT + LEEWAY + 1, "exp": AT + 600}, "iat"),
    ({"iat": AT, "nbf": AT + LEEWAY + 1, "exp": AT + 600}, "nbf"),
    ({"iat": "later", "exp": AT + 600}, "iat"),
    ({"iat": AT, "nbf": float("nan"), "exp": AT + 600}, "nbf"),
    ({"iat": AT, "exp": [AT + 600]}, "exp"),  # not a number at all: named all the same
    ({"iat": AT, "nbf": None, "exp": AT + 600}, "nbf"),
    ({"iat": AT, "nbf": True, "exp": AT + 600}, "nbf"),  # a bool is no NumericDate (was: 1, in 1970)
    ({"iat": AT, "exp": True}, "exp"),  # was: "已过期"
    ({"iat": AT, "exp": 1e20}, "exp"),  # a whole number: refused as a lifetime beyond a week
    ({"iat": AT, "exp": float(AT + 600)}, "-"),  # a whole number written as a float is one
    ({"iat": 1e20, "exp": AT + 600}, "iat"),  # in the future, not "须为整数秒"
]


@pytest.mark.parametrize(("times", "field"), TIMES)
def test_the_time_claims_are_checked_with_the_leeway(times: dict[str, Any], field: str | None) -> None:
    check = TokenVerifier(SECRET, ISSUER)._check_times
    if field == "-":
        check(times, AT)
        return
    with pytest.raises(UnauthorizedError) as refused:
        check(times, AT)
    assert refused.value.field == field
