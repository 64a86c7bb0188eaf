"""Development gateway: `/api/<service>/<path>` proxied to the four services, streaming both ways.

In production the Kubernetes Ingress does this (deploy/k8s/ingress.yaml); the dev stack needs it so
the pages and the APIs share one origin. Bodies stream in both directions, so server-sent events pass
through as they are written and an import file is never buffered here. Only the headers a request
needs are forwarded (Authorization, Idempotency-Key, Last-Event-ID, x-correlation-id, content
negotiation); hop-by-hop headers are dropped. Nothing here logs a header: the token stays out of logs.
An upstream that does not answer gives 502 `upstream_unavailable` in the error format.
A service's `/metrics` is not proxied (404 `not_found`): Prometheus scrapes the services directly,
and the one address people open must not show the internals (the Ingress refuses it too).
"""

from __future__ import annotations

import logging

import httpx
from eventkit.errors import AppError, NotFoundError
from eventkit.keep_alive import CLIENT_KEEP_ALIVE_SECONDS
from eventkit.logs import correlation_id
from fastapi import APIRouter, Request
from starlette.background import BackgroundTask
from starlette.responses import StreamingResponse

log = logging.getLogger(__name__)

FORWARDED_REQUEST_HEADERS = (
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
)
# RFC 9110 §7.6.1 connection-specific headers, plus what the server in front sets again itself.
HOP_BY_HOP = frozenset(
    {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
     "transfer-encoding", "upgrade", "date", "server"}
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
    repeated slashes are resolved the way the upstream URL will resolve them."""
    segments: list[str] = []
    for segment in path.split("/"):
        if segment == "..":
            segments = segments[:-1]
        elif segment not in ("", "."):
            segments.append(segment)
    return bool(segments) and segments[0].strip().lower() in INTERNAL_PATHS


def _request_headers(request: Request) -> dict[str, str]:
    headers = {k: v for k in FORWARDED_REQUEST_HEADERS if (v := request.headers.get(k)) is not None}
    cid = correlation_id.get()  # the caller's, or the one the web service just gave this request
    if cid:
        headers["x-correlation-id"] = cid
    return headers


@router.api_route("/api/{service}/{path:path}", methods=METHODS)
async def proxy(service: str, path: str, request: Request) -> StreamingResponse:
    upstreams: dict[str, str] = request.app.state.upstreams
    base = upstreams.get(service)
    if base is None:
        raise NotFoundError(f"没有名为 {service} 的服务", field="service")
    if _is_internal(path):
        raise NotFoundError("没有这个接口：服务的运行指标只供内部监控读取", field="path")
    client: httpx.AsyncClient = request.app.state.http
    url = httpx.URL(f"{base}/{path}", query=request.url.query.encode("latin-1"))
    has_body = request.method not in {"GET", "HEAD", "OPTIONS"}
    outgoing = client.build_request(
        request.method, url, headers=_request_headers(request), content=request.stream() if has_body else None
    )
    try:
        upstream = await client.send(outgoing, stream=True)
    except httpx.TransportError as exc:
        log.warning("upstream %s unavailable: %s", service, type(exc).__name__)
        raise UpstreamUnavailableError(f"{_LABEL.get(service, service)}暂时无法访问，请稍后重试") from None
    headers = {k: v for k, v in upstream.headers.items() if k.lower() not in HOP_BY_HOP}
    return StreamingResponse(
        upstream.aiter_raw(),
        status_code=upstream.status_code,
        headers=headers,
        background=BackgroundTask(upstream.aclose),
    )


_LABEL = {"registry": "名册服务", "ledger": "台账服务", "assessment": "考核服务", "reporting": "报表服务"}
