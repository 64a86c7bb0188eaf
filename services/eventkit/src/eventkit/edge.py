r"""The edge guard: what every request must satisfy before any route sees it.

- No NUL character in a header: PostgreSQL refuses `\u0000` in text and jsonb, so a NUL that
  reaches a query used to answer 500. Refused here with 422 `validation_failed`. (Path and query
  values follow the text rule of eventkit.input_rules; JSON text fields the contract field types.)
- A request body of at most `VC_MAX_BODY_BYTES` (1 MiB), or `VC_MAX_UPLOAD_BYTES` (32 MiB) for the
  routes whose body is a file (the imports: their OpenAPI request body is not JSON). Above it: 413
  `payload_too_large`, from the Content-Length at once, or, for a chunked body without one, as soon
  as the bytes read pass the cap (nothing more is buffered).
- A body sent to a route that reads JSON is JSON: another declared media type (`text/plain`,
  `application/x-www-form-urlencoded`, `multipart/form-data`…) is 415 `unsupported_media_type`
  naming `Content-Type`. FastAPI handed such a body to the route as raw bytes, refused as
  "须为对象（键值对）", a 422 that blamed the content, not its type. No `Content-Type` is read as JSON.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from vc_contracts.numerals import MAX_DIGITS

from eventkit.errors import ErrorBody, FieldError
from eventkit.logs import correlation_id
from eventkit.settings import MAX_UPLOAD_BYTES

MAX_BODY_BYTES = 1024 * 1024
_NUL_REASON = "不能包含空字符（\\u0000）"
_JSON_MEDIA = re.compile(r"application/(?:[\w.+-]+\+)?json", re.IGNORECASE)  # RFC 6839: +json suffixes
_WITH_BODY = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class BodyTooLargeError(HTTPException):
    """Raised while the body is read, so the app's handler answers it in the error format."""

    def __init__(self, cap: int) -> None:
        super().__init__(413, too_large(cap))


def _mib(size: int) -> str:
    return f"{size / 1024 / 1024:g} MB"


def too_large(cap: int) -> str:
    """The 413 message for a body over `cap` bytes (in Chinese, the cap in MiB)."""
    return f"请求体过大（上限 {_mib(cap)}），文件请分批上传"


def _takes_file(route: APIRoute) -> bool:
    content = ((route.openapi_extra or {}).get("requestBody") or {}).get("content") or {}
    return bool(content) and not any("json" in media for media in content)


def _upload_patterns(app: Any) -> list[re.Pattern[str]]:
    """Path patterns of the routes whose body is a file, found once from the app's routes."""
    patterns: list[re.Pattern[str]] | None = getattr(app.state, "upload_patterns", None)
    if patterns is None:
        patterns = [r.path_regex for r in app.routes if isinstance(r, APIRoute) and _takes_file(r)]
        app.state.upload_patterns = patterns
    return patterns


def body_cap(scope: Scope) -> int:
    """The body cap in bytes of the request `scope`: the upload cap on file routes, else the body cap."""
    app = scope.get("app")
    settings = getattr(getattr(getattr(app, "state", None), "runtime", None), "settings", None)
    body = getattr(settings, "max_body_bytes", MAX_BODY_BYTES)
    upload = getattr(settings, "max_upload_bytes", MAX_UPLOAD_BYTES)
    if app is not None and any(p.match(scope["path"]) for p in _upload_patterns(app)):
        return int(upload)
    return int(body)


def _not_json(scope: Scope) -> str | None:
    """The media type of a body that is not JSON, sent to a route that reads a JSON body; else None.

    Only requests that carry a body (a non-zero Content-Length, or chunked) with a Content-Type
    other than `application/json` or a `+json` type; the route is looked up only then."""
    if scope.get("method") not in _WITH_BODY:
        return None
    headers = dict(scope.get("headers", []))
    declared = headers.get(b"content-type")
    if declared is None:
        return None
    media = declared.decode("latin-1").split(";", 1)[0].strip()
    if _JSON_MEDIA.fullmatch(media):
        return None
    if headers.get(b"content-length", b"").strip() in (b"", b"0") and b"transfer-encoding" not in headers:
        return None  # nothing sent: a command without a body, whatever type it names
    app = scope.get("app")
    for route in getattr(app, "routes", ()):
        if (
            isinstance(route, APIRoute)
            and route.body_field is not None
            and route.matches(scope)[0] is Match.FULL
        ):
            return media[:100] or "（空）"  # a header can be long: the answer says enough of it
    return None


def _nul_at(scope: Scope) -> str | None:
    """The header holding a NUL character, if any."""
    for name, value in scope.get("headers", []):
        if b"\x00" in value or b"\x00" in name:
            return f"header.{name.decode('latin-1')}"
    return None


async def _answer(send: Send, status: int, body: ErrorBody) -> None:
    payload = body.model_dump_json().encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})


class EdgeGuard:
    """Pure ASGI middleware (no buffering of the body): NUL characters and body size."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        where = _nul_at(scope)
        if where is not None:
            body = ErrorBody(
                code="validation_failed",
                message="请求中含有空字符（\\u0000），请删除后重试",
                field=where,
                errors=[FieldError(field=where, reason=_NUL_REASON)],
                correlation_id=correlation_id.get(),
            )
            await _answer(send, 422, body)
            return
        media = _not_json(scope)
        if media is not None:
            reason = f"请求体须为 JSON（Content-Type: application/json），收到 {media}"
            body = ErrorBody(
                code="unsupported_media_type",
                message=reason,
                field="Content-Type",
                errors=[FieldError(field="Content-Type", reason=reason)],
                correlation_id=correlation_id.get(),
            )
            await _answer(send, 415, body)
            return
        cap = body_cap(scope)
        declared = dict(scope.get("headers", [])).get(b"content-length", b"")
        # an unreadable length: the count below decides; a number too long for int() (4300 digits) is
        # too large without reading it (bytes.isdigit() is ASCII only)
        digits = declared.lstrip(b"0")
        if declared.isdigit() and (len(digits) > MAX_DIGITS or int(digits or b"0") > cap):
            body = ErrorBody(
                code="payload_too_large", message=too_large(cap), correlation_id=correlation_id.get()
            )
            await _answer(send, 413, body)
            return
        await self.app(scope, _counting(receive, cap), send)


def _counting(receive: Receive, cap: int) -> Receive:
    """`receive` that refuses (413, through the app's error handler) once the body passes `cap`."""
    seen = 0

    async def counted() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > cap:
                raise BodyTooLargeError(cap)
        return message

    return counted
