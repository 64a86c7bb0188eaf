"""Bearer tokens stay out of URLs and logs.

URLs end up in access logs, proxies' logs, browser history and Referer headers, so a token in a
query string is a leaked token. Every service refuses one (400 in the error format), and every log
line is scrubbed of token-shaped text in case something writes one anyway.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl

from fastapi import Request

from eventkit.errors import AppError

# Query parameters that carry credentials in the wild (OAuth, OIDC, our old dashboard link).
TOKEN_PARAMS = frozenset({"token", "access_token", "id_token", "jwt", "bearer", "authorization", "auth"})
# A JWS compact serialisation: base64url header starting `{"` (eyJ), payload and signature.
_JWT = re.compile(r"eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")
_PARAM = re.compile(r"(?i)(?<![A-Za-z0-9_])(" + "|".join(sorted(TOKEN_PARAMS)) + r")=[^&\s\"']*")
_BEARER = re.compile(r"(?i)\bbearer\s+[A-Za-z0-9._~+/=-]+")
REDACTED = "[redacted]"


class TokenInUrlError(AppError):
    """A token given in the URL (HTTP 400): tokens go in the Authorization header only."""

    status, code = 400, "token_in_url"


def redact(text: str) -> str:
    """`text` with JWTs, `Bearer …` values and token-like query parameters replaced by [redacted]."""
    text = _JWT.sub(REDACTED, text)
    text = _BEARER.sub(f"Bearer {REDACTED}", text)
    return _PARAM.sub(lambda m: f"{m.group(1)}={REDACTED}", text)


def token_in_query(query: str) -> TokenInUrlError | None:
    """The refusal for a query string that carries a credential, or None when it carries none."""
    for name, _ in parse_qsl(query, keep_blank_values=True):
        if name.lower() in TOKEN_PARAMS:
            return TokenInUrlError(
                "身份令牌不得放在网址中（网址会被记录在日志和浏览历史里），"
                "请在 Authorization 请求头中以 Bearer 方式提供",
                field=name,
            )
    return None


def refuse_token_in_url(request: Request) -> None:
    """App-wide dependency: 400 `token_in_url` when the query string carries a credential."""
    refusal = token_in_query(request.url.query)
    if refusal is not None:
        raise refusal
