"""Development tokens: `python -m eventkit.tokens issue --role county_admin --scope 621025`.

The key comes from VC_JWT_SECRET, or from `.var/dev/jwt-secret` written by `make run`.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import timedelta
from pathlib import Path

import jwt
from vc_contracts.cli_args import decimal

from eventkit.auth import Role, claims_problem
from eventkit.clock import now_cst

DEV_SECRET_FILE = Path(".var/dev/jwt-secret")


def issue(
    secret: str,
    *,
    role: str,
    scope: str,
    subject: str | None = None,
    unit: str | None = None,
    ttl: timedelta = timedelta(hours=12),
    issuer: str = "villagecounsel-dev",
) -> str:
    """A signed HS256 JWT for `role` in `scope` (dev and tests; production tokens come from the IdP)."""
    now = now_cst()
    claims = {
        "sub": subject or f"{role}-{scope}",
        "role": Role(role).value,
        "scope": scope,
        "iss": issuer,
        "iat": int(now.timestamp()),
        "exp": int((now + ttl).timestamp()),
    }
    if unit:
        claims["unit"] = unit
    return jwt.encode(claims, secret, algorithm="HS256")


def _secret() -> str:
    secret = os.environ.get("VC_JWT_SECRET")
    if secret:
        return secret
    if DEV_SECRET_FILE.exists():
        return DEV_SECRET_FILE.read_text().strip()
    sys.exit("VC_JWT_SECRET is not set and .var/dev/jwt-secret does not exist (run `make run` first)")


def main() -> None:
    """The CLI: `python -m eventkit.tokens issue --role … --scope …` prints a dev token."""
    parser = argparse.ArgumentParser(prog="python -m eventkit.tokens")
    sub = parser.add_subparsers(dest="command", required=True)
    cmd = sub.add_parser("issue", help="print a signed development token")
    cmd.add_argument("--role", required=True, choices=[r.value for r in Role])
    cmd.add_argument("--scope", required=True, help="division code, e.g. 621025")
    cmd.add_argument("--subject", help="user or advisor id (advisors: their advisor_id)")
    cmd.add_argument("--unit", help="unit id for firm / justice office / legal aid roles")
    cmd.add_argument("--hours", type=decimal(0, 24 * 366, above=True), default=12, help="validity (12)")
    args = parser.parse_args()
    problem = claims_problem(
        args.subject or f"{args.role}-{args.scope}", Role(args.role), args.scope, args.unit
    )
    if problem:  # a token the services would refuse is no use to anyone
        sys.exit(f"{problem[0]}: {problem[1]}")
    print(
        issue(
            _secret(),
            role=args.role,
            scope=args.scope,
            subject=args.subject,
            unit=args.unit,
            ttl=timedelta(hours=args.hours),
        )
    )


if __name__ == "__main__":
    main()
