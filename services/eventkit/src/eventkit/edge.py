r"""The edge guard: what every request must satisfy before any route sees it.

- A path and a query string whose percent-encoding decodes to UTF-8 (`/entries/%ff%fe` does not):
  422 `validation_failed` naming `path` or `query`, the bad byte as `%XX`. Decoded with replacement
  characters, they reached routes as U+FFFD and were echoed in a 404 ("台账记录 �� 不存在").

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
  A route whose body is a file (an import) takes the types its OpenAPI request body lists (CSV,
  XLSX…): another one, JSON or a form included, is 415 naming them (a CSV labelled
  `application/json` was imported).
- A header the services read (`REPEATABLE_NOT` below: Authorization, Idempotency-Key…) sent more
  than once is 400 `duplicate_header` naming it: the framework took the first one silently, so two
  `Idempotency-Key`s were answered under one of them, two tokens as the first.
- An `Accept` header that takes none of the types the matched route answers (JSON for nearly all;
  a spreadsheet, a document, a page for the exports) is 406 `not_acceptable`: `*/*`, `type/*`, the
  type itself with q > 0, or no `Accept` at all take it. Decided before the route runs, from the
  route's declared answer types, so a command is never carried out for an answer the caller refuses.
  Routes left out of the API description (pages, the gateway) and routes whose answer type the
  handler alone picks are not checked.
"""

from __future__ import annotations

import math
import re
from typing import Any
from urllib.parse import unquote_to_bytes

from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from vc_contracts.numerals import MAX_DIGITS
from vc_contracts.text import quoted

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


def _route(scope: Scope) -> APIRoute | None:
    """The API route `scope` fully matches, if any (looked up only by the rare checks that need it)."""
    for route in getattr(scope.get("app"), "routes", ()):
        if isinstance(route, APIRoute) and route.matches(scope)[0] is Match.FULL:
            return route
    return None


def _file_types(route: APIRoute) -> list[str]:
    """The media types a file route's OpenAPI request body lists (none for a JSON route)."""
    if not _takes_file(route):
        return []
    return list(((route.openapi_extra or {}).get("requestBody") or {}).get("content") or {})


def _wrong_media(scope: Scope) -> str | None:
    """Why the body's declared media type is not one the matched route reads, else None.

    Only requests that carry a body (a non-zero Content-Length, or chunked) with a Content-Type:
    a JSON route reads `application/json` or a `+json` type, a file route the types it lists. The
    route is looked up only for a type that is not JSON or a path that may be a file route."""
    if scope.get("method") not in _WITH_BODY:
        return None
    headers = dict(scope.get("headers", []))
    declared = headers.get(b"content-type")
    if declared is None:
        return None
    media = declared.decode("latin-1").split(";", 1)[0].strip().lower()
    if headers.get(b"content-length", b"").strip() in (b"", b"0") and b"transfer-encoding" not in headers:
        return None  # nothing sent: a command without a body, whatever type it names
    app = scope.get("app")
    is_json = _JSON_MEDIA.fullmatch(media) is not None
    if is_json and (app is None or not any(p.match(scope["path"]) for p in _upload_patterns(app))):
        return None
    route = _route(scope)
    if route is None:
        return None
    shown = quoted(media, 100) or "（空）"  # a header can be long: the answer says enough of it
    if accepted := _file_types(route):
        if media in accepted:
            return None
        return f"请求体须为文件（Content-Type: {'、'.join(accepted)}），收到 {shown}"
    if route.body_field is None or is_json:
        return None
    return f"请求体须为 JSON（Content-Type: application/json），收到 {shown}"


REPEATABLE_NOT = (
    "Authorization", "Idempotency-Key", "X-Correlation-Id", "Last-Event-ID", "Content-Type",
    "Content-Length", "Transfer-Encoding",
)  # fmt: skip
"""Headers the services read, each meaning one value: sent twice, which one was meant is unknown.
(`Accept` is a list: several are read as one, RFC 9110 §5.3.)"""
_REPEATABLE_NOT = {name.lower().encode(): name for name in REPEATABLE_NOT}  # as ASGI gives names


def _repeated_headers(scope: Scope) -> list[tuple[str, int]]:
    """Each header of REPEATABLE_NOT that `scope` carries more than once, with its count."""
    counts: dict[bytes, int] = {}
    for name, _ in scope.get("headers", []):
        counts[name.lower()] = counts.get(name.lower(), 0) + 1
    return [(shown, c) for name, shown in _REPEATABLE_NOT.items() if (c := counts.get(name, 0)) > 1]


def accepts(accept: str, media: str) -> bool:
    """Whether the `Accept` header value `accept` takes `media` (type/subtype): the most specific
    range that matches it decides, taking it when its q is above 0 (RFC 9110 §12.5.1). An
    unreadable q counts as 1: a malformed header is not read as refusing everything."""
    kind, _, sub = media.lower().partition("/")
    best, quality = -1, 0.0
    for part in accept.split(","):
        given, *params = part.split(";")
        given = given.strip().lower()
        if given in ("*/*", "*"):
            rank = 0
        elif given == f"{kind}/*":
            rank = 1
        elif given == f"{kind}/{sub}":
            rank = 2
        else:
            continue
        q = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value.strip())
                except ValueError:
                    q = 1.0
                q = q if math.isfinite(q) else 1.0
        if rank > best:
            best, quality = rank, q
    return best >= 0 and quality > 0


def _answer_types(route: APIRoute) -> list[str] | None:
    """The media types `route` answers with (its response class's and those its 2xx answers list),
    or None when the handler alone picks it (a plain `Response` class)."""
    answer = route.response_class
    media = getattr(getattr(answer, "value", answer), "media_type", None)  # FastAPI's default is wrapped
    if media is None:
        return None
    found = [media]
    for status, declared in (route.responses or {}).items():
        if str(status).startswith("2"):
            found += [m for m in (declared.get("content") or {}) if m not in found]
    return found


def _not_acceptable(scope: Scope) -> str | None:
    """Why no answer the matched route gives is acceptable to the request's `Accept`, else None."""
    given = [value for name, value in scope.get("headers", []) if name.lower() == b"accept"]
    accept = b",".join(given).decode("latin-1").strip()
    if not accept or accepts(accept, "application/json"):
        return None  # the usual case: no route lookup
    route = _route(scope)
    if route is None or not route.include_in_schema:
        return None
    types = _answer_types(route)
    if types is None or any(accepts(accept, media) for media in types):
        return None
    return f"无法按请求头 Accept 所列的格式作答，此接口可返回：{'、'.join(types)}"


def _nul_at(scope: Scope) -> str | None:
    """The header holding a NUL character, if any."""
    for name, value in scope.get("headers", []):
        if b"\x00" in value or b"\x00" in name:
            return f"header.{name.decode('latin-1')}"
    return None


_URL_PARTS = {"path": "路径", "query": "查询参数"}
MAX_URL_PART = 60_000
"""Bytes of a path, and of a query string, as sent. Far above any address of these services (ids
and filters are short, and a too-long id is refused by its own field below this); below the 65,536
past which httpx refuses to build a URL, so that the web
service's gateway, behind this same guard, never meets an address it cannot forward (a 500 before)."""


def _too_long(scope: Scope) -> tuple[str, str] | None:
    """Where (`path` or `query`) the URL as sent is longer than `MAX_URL_PART` bytes, and why."""
    for where, raw in (("path", scope.get("raw_path")), ("query", scope.get("query_string"))):
        if raw and len(raw) > MAX_URL_PART:
            part = _URL_PARTS[where]
            return where, f"地址的{part}过长，不能超过 {MAX_URL_PART:,} 字节"
    return None


def _not_utf8(scope: Scope) -> tuple[str, str] | None:
    """Where (`path` or `query`) the URL as sent holds percent-encoded bytes that are no UTF-8, and
    why, naming the first bad byte as `%XX` (never the text: decoded, it is U+FFFD, which a 404 then
    echoed as "台账记录 �� 不存在"). The server and the framework decode with replacement characters,
    so after this point such a value is indistinguishable from one that holds U+FFFD."""
    for where, raw in (("path", scope.get("raw_path")), ("query", scope.get("query_string"))):
        if not raw or (raw.isascii() and b"%" not in raw):
            continue  # the usual case: nothing encoded
        sent = unquote_to_bytes(raw)
        try:
            sent.decode("utf-8")
        except UnicodeDecodeError as bad:
            byte = sent[bad.start]
            part = _URL_PARTS[where]
            return where, f"地址的{part}不是有效的 UTF-8 编码（%{byte:02X} 无法解读为文字），请检查链接"
    return None


async def _answer(send: Send, status: int, body: ErrorBody) -> None:
    payload = body.model_dump_json().encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})


class EdgeGuard:
    """Pure ASGI middleware (no buffering of the body): NUL characters, repeated headers, media
    types both ways and, with `body_caps`, body size (the web gateway passes bodies through to the
    service that caps them)."""

    def __init__(self, app: ASGIApp, *, body_caps: bool = True) -> None:
        self.app = app
        self.body_caps = body_caps

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refusal = self._refusal(scope)
        if refusal is not None:
            await _answer(send, *refusal)
            return
        if not self.body_caps:
            await self.app(scope, _counting(receive, None, scope), send)
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
        await self.app(scope, _counting(receive, cap, scope), send)

    @staticmethod
    def _refusal(scope: Scope) -> tuple[int, ErrorBody] | None:
        where = _nul_at(scope)
        if where is not None:
            message = "请求中含有空字符（\\u0000），请删除后重试"
            return 422, _refused("validation_failed", message, [(where, _NUL_REASON)])
        bad_url = _too_long(scope) or _not_utf8(scope)
        if bad_url is not None:
            return 422, _refused("validation_failed", bad_url[1], [bad_url])
        repeated = _repeated_headers(scope)
        if repeated:
            reasons = [(name, f"请求头 {name} 只能发送一次（收到 {count} 个）") for name, count in repeated]
            message = f"请求头 {'、'.join(name for name, _ in repeated)} 重复，每个只能发送一次"
            return 400, _refused("duplicate_header", message, reasons)
        reason = _wrong_media(scope)
        if reason is not None:
            return 415, _refused("unsupported_media_type", reason, [("Content-Type", reason)])
        reason = _not_acceptable(scope)
        if reason is not None:
            return 406, _refused("not_acceptable", reason, [("Accept", reason)])
        return None


def _refused(code: str, message: str, reasons: list[tuple[str, str]]) -> ErrorBody:
    return ErrorBody(
        code=code,
        message=message,
        field=reasons[0][0],
        errors=[FieldError(field=field, reason=reason) for field, reason in reasons],
        correlation_id=correlation_id.get(),
    )


BODY_BYTES_READ = "vc_body_bytes_read"
"""Key in the request's state (`scope["state"]`) of the body bytes received so far: the log of a
client that went away mid-body says how far it got (eventkit.web.client_gone)."""


def _counting(receive: Receive, cap: int | None, scope: Scope) -> Receive:
    """`receive` that counts the body bytes into the request's state and refuses (413, through the
    app's error handler) once they pass `cap` (None: no cap)."""
    seen = 0
    state = scope.setdefault("state", {})

    async def counted() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            state[BODY_BYTES_READ] = seen
            if cap is not None and seen > cap:
                raise BodyTooLargeError(cap)
        return message

    return counted
