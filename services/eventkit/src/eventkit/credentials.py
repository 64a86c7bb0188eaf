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

# Query parameters that carry credentials in the wild (OAuth, OIDC, API keys, our old dashboard
# link); matched in any case, `-` as `_`, a trailing `[]` dropped (`Access-Token`, `token[]`).
TOKEN_PARAMS = frozenset({
    "token", "access_token", "id_token", "refresh_token", "jwt", "bearer", "authorization", "auth",
    "api_key", "apikey",
})  # fmt: skip
# A JWS compact serialisation: base64url header starting `{"` (eyJ), payload and signature.
_JWT = re.compile(r"eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")
_PARAM = re.compile(
    r"(?i)(?<![A-Za-z0-9_])(" + "|".join(sorted(TOKEN_PARAMS, key=len, reverse=True)) + r")=[^&\s\"']*"
)
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


_IN_URL = (
    "身份令牌不得放在网址中（网址会被记录在日志和浏览历史里），请在 Authorization 请求头中以 Bearer 方式提供"
)


def _credential_name(name: str) -> bool:
    return name.lower().replace("-", "_").removesuffix("[]") in TOKEN_PARAMS


def token_in_query(query: str) -> TokenInUrlError | None:
    """The refusal for a query string that carries a credential, or None when it carries none: a
    parameter named as one (`TOKEN_PARAMS`), or a JWT or `Bearer …` as any parameter's value
    (`?advisor_id=eyJ…` was answered 200, the token left in every log of the URL on the way)."""
    for name, value in parse_qsl(query, keep_blank_values=True):
        if _credential_name(name) or _JWT.search(value) or _BEARER.search(value):
            return TokenInUrlError(_IN_URL, field=name)
    return None


def token_in_path(path: str) -> TokenInUrlError | None:
    """The refusal for a path holding a JWT (`/entries/eyJ…` was a 404 whose message repeated the
    token), or None. `path` as decoded (the ASGI scope's)."""
    if _JWT.search(path):
        return TokenInUrlError(_IN_URL, field="path")
    return None


async def refuse_token_in_url(request: Request) -> None:
    """App-wide dependency: 400 `token_in_url` when the query string or the path carries a credential.
    Async (no I/O): FastAPI runs a plain `def` dependency in a worker thread, a hop per request."""
    refusal = token_in_query(request.url.query) or token_in_path(request.scope.get("path", ""))
    if refusal is not None:
        raise refusal
