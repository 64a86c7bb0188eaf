"""A service verifying identity-provider tokens (JWKS) without a configured audience would refuse
every token carrying `aud` (all of them): it refuses to start instead, saying what to set."""

from __future__ import annotations

import pytest
from eventkit.settings import Settings
from pydantic import ValidationError

BASE = {"VC_SERVICE": "ledger", "DATABASE_URL": "postgresql://x/y", "KAFKA_BOOTSTRAP_SERVERS": "k:9092",
        "VC_JWT_SECRET": "r" * 40}  # fmt: skip


@pytest.mark.parametrize(
    ("jwks", "audience", "starts"),
    [
        (None, None, True),  # development: HS256 tokens, no audience
        ("", "", True),  # compose's empty defaults
        ("https://idp.example.invalid/certs", "villagecounsel", True),
        ("https://idp.example.invalid/certs", None, False),
        ("https://idp.example.invalid/certs", "  ", False),
        (None, "villagecounsel", True),  # an audience alone: dev tokens must name it
    ],
)
def test_jwks_needs_an_audience(jwks: str | None, audience: str | None, starts: bool) -> None:
    env = {**BASE, **({"VC_JWKS_URL": jwks} if jwks is not None else {}),
           **({"VC_JWT_AUDIENCE": audience} if audience is not None else {})}  # fmt: skip
    if starts:
        Settings.model_validate(env)
    else:
        with pytest.raises(ValidationError, match="VC_JWT_AUDIENCE must be set with VC_JWKS_URL"):
            Settings.model_validate(env)
