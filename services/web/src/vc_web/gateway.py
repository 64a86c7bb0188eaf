"""Development gateway: `/api/<service>/<path>` proxied to the four services, streaming both ways.

In production the Kubernetes Ingress does this (deploy/k8s/ingress.yaml); the dev stack needs it so
the pages and the APIs share one origin. Bodies stream in both directions, so server-sent events pass
through as they are written and an import file is never buffered here. Only the headers a request
needs are forwarded (Authorization, Idempotency-Key, Last-Event-ID, x-correlation-id, content
negotiation); hop-by-hop headers are dropped. Nothing here logs a header: the token stays out of logs.

The request passes as it was sent, so the client gets exactly what the service would answer it: the
path and query from the ASGI scope's raw bytes (`raw_path`, `query_string`), never decoded and encoded
again, and each forwarded header as its raw bytes, every occurrence of it. Rebuilt from decoded
values, `%00` and a non-ASCII header byte were a 500 here (httpx refuses both), `%0A` vanished (a 200
where the service answers 422), `%3F`, `%23` and `%25` turned into a query, a fragment and another
escape, and a second `Accept` was dropped. The answer's headers pass as raw bytes the same way.
An upstream that does not answer gives 502 `upstream_unavailable` in the error format.
A service's `/metrics` is not proxied (404 `not_found`): Prometheus scrapes the services directly,
and the one address people open must not show the internals (the Ingress refuses it too).
"""

from __future__ import annotations

import logging
from urllib.parse import unquote

import httpx
from eventkit.errors import AppError, NotFoundError
from eventkit.keep_alive import CLIENT_KEEP_ALIVE_SECONDS
from eventkit.logs import correlation_id
from fastapi import APIRouter, Request
from starlette.background import BackgroundTask
from starlette.responses import StreamingResponse
from vc_contracts.text import quoted

log = logging.getLogger(__name__)

FORWARDED_REQUEST_HEADERS = frozenset({
    "authorization",
    "idempotency-key",
    "last-event-id",
    "content-type",
    "content-length",
    "accept",
    "accept-language",
    "if-match",
    "if-none-match",
    "cache-control",
})  # fmt: skip
_FORWARDED = frozenset(name.encode() for name in FORWARDED_REQUEST_HEADERS)  # as ASGI gives names
# RFC 9110 §7.6.1 connection-specific headers, plus what the server in front sets again itself.
HOP_BY_HOP = frozenset(
    {b"connection", b"keep-alive", b"proxy-authenticate", b"proxy-authorization", b"te", b"trailer",
     b"transfer-encoding", b"upgrade", b"date", b"server"}
)  # fmt: skip
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]

# First path segments of a service that are for the cluster only, never through the public address
INTERNAL_PATHS = frozenset({"metrics"})

router = APIRouter(include_in_schema=False)


class UpstreamUnavailableError(AppError):
    status, code = 502, "upstream_unavailable"


def new_client() -> httpx.AsyncClient:
    """One pooled client for the app's life. No read timeout: an event stream stays open for hours.
    Idle connections are dropped well before the services close them (eventkit.keep_alive)."""
    timeout = httpx.Timeout(connect=5.0, read=None, write=60.0, pool=10.0)
    limits = httpx.Limits(keepalive_expiry=CLIENT_KEEP_ALIVE_SECONDS)
    return httpx.AsyncClient(timeout=timeout, limits=limits, trust_env=False, follow_redirects=False)


def _is_internal(path: str) -> bool:
    """Whether `path` (already percent-decoded) leads to an internal route once dot segments and
    repeated slashes are resolved (as a proxy in front, or the Ingress, may resolve them)."""
    segments: list[str] = []
    for segment in path.split("/"):
        if segment == "..":
            segments = segments[:-1]
        elif segment not in ("", "."):
            segments.append(segment)
    return bool(segments) and segments[0].strip().lower() in INTERNAL_PATHS


# The bytes httpx's URL keeps as they are (RFC 3986 characters it does not escape). Any other byte
# is written %XX from the raw byte itself: the service decodes it to the same byte, where httpx would
# refuse it (`#`), read it as a delimiter, or escape its decoded character as UTF-8.
_PATH_KEPT = frozenset(
    b"!$%&'()*+,-./0123456789:;=@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_abcdefghijklmnopqrstuvwxyz|~"
)
_QUERY_KEPT = _PATH_KEPT | frozenset(b"?`{}")


def _escaped(raw: bytes, kept: frozenset[int]) -> bytes:
    return b"".join(bytes((byte,)) if byte in kept else b"%%%02X" % byte for byte in raw)


def _raw_target(path: bytes, query: bytes) -> bytes:
    """The request target for the upstream: `path` and `query` as sent. A `.` or `..` segment is
    written `%2E`: httpx would resolve it (the service itself never does), so the service would
    be asked for another path than the one sent."""
    segments = [b"%2E" * len(s) if s in (b".", b"..") else _escaped(s, _PATH_KEPT) for s in path.split(b"/")]
    target = b"/".join(segments)
    return target + b"?" + _escaped(query, _QUERY_KEPT) if query else target


def _split(request: Request) -> tuple[str, bytes]:
    """The service named in the raw path and the rest of the raw path after it (`/` and beyond).
    Read from the bytes sent, not the decoded path: a `%2F` stays inside its segment."""
    raw: bytes = request.scope.get("raw_path") or request.scope["path"].encode()
    parts = raw.split(b"/", 3)
    # `/api%2Fregistry/…` decodes to the route's path but names no service in its own segment
    if len(parts) < 3 or unquote(parts[1].decode("latin-1")) != "api":
        raise NotFoundError("没有这个接口：地址须为 /api/<服务>/<路径>", field="path")
    return unquote(parts[2].decode("latin-1")), b"/" + (parts[3] if len(parts) > 3 else b"")


def _request_headers(request: Request) -> list[tuple[bytes, bytes]]:
    """The forwarded headers as their raw bytes, each as often as it was sent (the service refuses a
    repeated Authorization itself, and reads every Accept)."""
    headers = [(k, v) for k, v in request.scope["headers"] if k.lower() in _FORWARDED]
    cid = correlation_id.get()  # the caller's, or the one the web service just gave this request
    if cid:
        headers.append((b"x-correlation-id", cid.encode()))
    return headers


@router.api_route("/api/{service}/{path:path}", methods=METHODS)
async def proxy(request: Request) -> StreamingResponse:
    service, path = _split(request)
    upstreams: dict[str, str] = request.app.state.upstreams
    base = upstreams.get(service)
    if base is None:
        raise NotFoundError(f"没有名为 {quoted(service)} 的服务", field="service")
    if _is_internal(unquote(path.decode("latin-1"))):
        raise NotFoundError("没有这个接口：服务的运行指标只供内部监控读取", field="path")
    client: httpx.AsyncClient = request.app.state.http
    base_url = httpx.URL(base)
    target = base_url.raw_path.rstrip(b"/") + _raw_target(path, request.scope.get("query_string", b""))
    url = base_url.copy_with(raw_path=target)
    has_body = request.method not in {"GET", "HEAD", "OPTIONS"}
    outgoing = client.build_request(
        request.method, url, headers=_request_headers(request), content=request.stream() if has_body else None
    )
    try:
        upstream = await client.send(outgoing, stream=True)
    except httpx.TransportError as exc:
        log.warning("upstream %s unavailable: %s", service, type(exc).__name__)
        raise UpstreamUnavailableError(f"{_LABEL.get(service, service)}暂时无法访问，请稍后重试") from None
    response = StreamingResponse(
        upstream.aiter_raw(), status_code=upstream.status_code, background=BackgroundTask(upstream.aclose)
    )
    # as the service wrote them: decoded and encoded again, a UTF-8 value failed (latin-1 only) and a
    # repeated header was folded into one
    response.raw_headers = [(k, v) for k, v in upstream.headers.raw if k.lower() not in HOP_BY_HOP]
    return response


_LABEL = {"registry": "名册服务", "ledger": "台账服务", "assessment": "考核服务", "reporting": "报表服务"}
