"""The web service: its dev gateway to the four APIs, the SPA's files, and dev sign-in.

A small upstream app stands in for a service (the gateway's own behaviour is under test: streaming,
headers, failures), both served over real HTTP by uvicorn.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote
from zoneinfo import ZoneInfo

import httpx
import jwt
import pytest
from devstack import procs
from eventkit.tokens import issue
from fastapi import FastAPI, Request
from fastapi.responses import Response, StreamingResponse
from support.threaded import serving
from vc_web.app import create_app
from vc_web.settings import WebSettings

SECRET = "s" * 48
release_second_event = threading.Event()


def upstream_app() -> FastAPI:
    app = FastAPI()

    @app.api_route("/echo/{rest:path}", methods=["GET", "POST"])
    async def echo(rest: str, request: Request) -> dict[str, object]:
        return {
            "path": rest,
            "query": request.url.query,
            "method": request.method,
            "headers": dict(request.headers),
            "body": (await request.body()).decode(),
        }

    @app.api_route("/raw/{rest:path}", methods=["GET", "POST"])
    async def raw(rest: str, request: Request) -> Response:
        """What arrived, as bytes (latin-1 text in JSON)."""
        seen = {
            "path": request.scope["path"],
            "raw_path": request.scope["raw_path"].decode("latin-1"),
            "query_string": request.scope["query_string"].decode("latin-1"),
            "headers": [[k.decode("latin-1"), v.decode("latin-1")] for k, v in request.scope["headers"]],
        }
        return Response(json.dumps(seen), media_type="application/json")

    @app.get("/odd-headers")
    async def odd_headers() -> Response:
        answer = Response("{}", media_type="application/json")
        answer.raw_headers += [(b"x-file", "台账.xlsx".encode()), (b"link", b"</a>"), (b"link", b"</b>")]
        return answer

    @app.get("/metrics")
    async def metrics() -> str:
        return "vc_internal_metric 1"

    @app.get("/metrics-of-the-village")  # only the exact first segment is internal
    async def not_metrics() -> str:
        return "a route of its own"

    @app.get("/events")
    async def events() -> StreamingResponse:
        async def stream() -> AsyncIterator[bytes]:
            yield b"id: 1\ndata: first\n\n"
            # the client must have seen the first event through the gateway before this one is written
            released = await asyncio.to_thread(release_second_event.wait, 5)
            yield b"id: 2\ndata: second\n\n" if released else b"id: 2\ndata: buffered\n\n"

        return StreamingResponse(stream(), media_type="text/event-stream")

    return app


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("dist")
    (root / "assets").mkdir()
    (root / "index.html").write_text("<!doctype html><div id=app></div>", encoding="utf-8")
    (root / "assets" / "index-abc123.js").write_text("console.log(1)", encoding="utf-8")
    (root / "favicon.svg").write_text("<svg/>", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def upstream() -> Iterator[str]:
    with serving(upstream_app()) as url:
        yield url


def web_settings(dist: Path, upstream: str, **changes: object) -> WebSettings:
    down = f"http://127.0.0.1:{procs.free_port()}"  # nothing listens there
    values: dict[str, object] = {
        "registry_url": upstream, "ledger_url": down, "assessment_url": upstream,
        "reporting_url": upstream, "dist_dir": dist, "gateway": True, "dev_signin": True,
        "jwt_secret": SECRET,
    }  # fmt: skip
    return WebSettings(**(values | changes))  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def web(dist: Path, upstream: str) -> Iterator[str]:
    with serving(create_app(web_settings(dist, upstream))) as url:
        yield url


def test_the_gateway_forwards_method_path_query_body_and_the_headers_a_call_needs(web: str) -> None:
    headers = {"Authorization": "Bearer abc.def.ghi", "Idempotency-Key": "k-1", "Last-Event-ID": "7",
               "x-correlation-id": "corr-1", "Cookie": "session=x", "X-Other": "y"}  # fmt: skip
    answer = httpx.post(
        f"{web}/api/registry/echo/villages/621025100201?page=2", json={"a": 1}, headers=headers
    )
    assert answer.status_code == 200
    seen = answer.json()
    assert (seen["method"], seen["path"], seen["query"]) == ("POST", "villages/621025100201", "page=2")
    assert seen["body"] == '{"a":1}'
    forwarded = seen["headers"]
    assert forwarded["authorization"] == "Bearer abc.def.ghi"
    assert (forwarded["idempotency-key"], forwarded["last-event-id"]) == ("k-1", "7")
    assert forwarded["x-correlation-id"] == "corr-1"
    assert "cookie" not in forwarded and "x-other" not in forwarded
    assert answer.headers["x-correlation-id"] == "corr-1"


def _raw_exchange(base: str, request: bytes) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    """Send `request` (a whole HTTP/1.1 request, bytes as they are) and read the answer: status,
    raw headers, body. httpx and http.client would refuse or re-encode what is under test."""
    url = httpx.URL(base)
    with socket.create_connection((url.host, url.port), timeout=10) as sock:
        sock.sendall(request)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    status_line, *lines = head.split(b"\r\n")
    headers = [(k.strip().lower(), v.strip()) for k, _, v in (line.partition(b":") for line in lines)]
    if (b"transfer-encoding", b"chunked") in headers:
        body = _unchunked(body)
    return int(status_line.split()[1]), headers, body


def _unchunked(body: bytes) -> bytes:
    out = b""
    while body:
        size, _, body = body.partition(b"\r\n")
        n = int(size, 16)
        if n == 0:
            break
        out, body = out + body[:n], body[n + 2 :]
    return out


def _get(web: str, target: bytes, *headers: bytes) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    """A GET of `target` (raw header lines given as they are) through the gateway."""
    lines = [b"GET " + target + b" HTTP/1.1", b"Host: test", b"Connection: close", *headers]
    return _raw_exchange(web, b"\r\n".join(lines) + b"\r\n\r\n")


def _sent_through(web: str, target: bytes, *headers: bytes) -> dict[str, Any]:
    """What the upstream saw of a GET of `target` through the gateway."""
    status, _, body = _get(web, target, *headers)
    assert status == 200, body
    seen: dict[str, Any] = json.loads(body)
    return seen


# (path after /api/registry/raw, as sent) — before: %00 and a raw # were a 500 (httpx.InvalidURL),
# %0A vanished, %3F became a query, %23 a fragment, %2541 arrived as %41 (decoded twice), dot
# segments were resolved, a non-ASCII digit's escape was re-encoded from its decoded character
RAW_PATHS = [b"/villages/%00", b"/villages/621025100200%0A", b"/villages/621025100200%3Fpage=1",
             b"/villages/621025100200%23x", b"/villages/%2541", b"/villages%2F621025100200",
             b"/villages/a#b", b"/x/../villages", b"/./villages", b"/villages/%EF%BC%96",
             b"/villages/%"]  # fmt: skip
# (`/villages/%e9`, no UTF-8, is refused by the edge rule in front of the gateway as the service
# refuses it: tests/browser/test_gateway_answers_as_the_service.py compares the two answers)


@pytest.mark.parametrize("raw_path", RAW_PATHS)
def test_the_path_reaches_the_service_as_it_was_sent(web: str, raw_path: bytes) -> None:
    seen = _sent_through(web, b"/api/registry/raw" + raw_path)
    # the service reads the same decoded path as when the path is sent to it directly
    assert seen["path"] == unquote("/raw" + raw_path.decode())  # as uvicorn decodes it
    # and the same bytes, except what a URL must escape (a dot segment, a #), escaped from the raw byte
    expected = raw_path.replace(b"#", b"%23").replace(b"/../", b"/%2E%2E/").replace(b"/./", b"/%2E/")
    assert seen["raw_path"] == "/raw" + expected.decode()


# (query as sent) — before: a raw # was a 500, a raw " < > were escaped from their decoded form
RAW_QUERIES = [b"q=%00", b"q=a#b", b"q=%25%32%30", b'q="<>', b"a=1&a=2&b", b"q=%ZZ", b"q=%EF%BC%96+x"]


@pytest.mark.parametrize("query", RAW_QUERIES)
def test_the_query_reaches_the_service_as_it_was_sent(web: str, query: bytes) -> None:
    seen = _sent_through(web, b"/api/registry/raw/x?" + query)
    escaped = query.replace(b"#", b"%23").replace(b'"', b"%22").replace(b"<", b"%3C").replace(b">", b"%3E")
    assert seen["query_string"] == escaped.decode()
    assert parse_qsl(seen["query_string"], encoding="latin-1") == parse_qsl(
        query.decode(), encoding="latin-1"
    )


def test_header_bytes_reach_the_service_as_they_were_sent(web: str) -> None:
    # before: a non-ASCII byte was a 500 (UnicodeEncodeError), the second Accept was dropped
    seen = _sent_through(
        web, b"/api/registry/raw/x", b"Idempotency-Key: \xe9\xe9", b"Last-Event-ID: \xe9",
        b"Accept: text/csv", b"Accept: application/json", b"Authorization: Bearer \xe4\xb8\xad",
    )  # fmt: skip
    got = [(k, v) for k, v in seen["headers"] if k in {"idempotency-key", "last-event-id", "accept",
                                                       "authorization"}]  # fmt: skip
    assert got == [("idempotency-key", "\xe9\xe9"), ("last-event-id", "\xe9"), ("accept", "text/csv"),
                   ("accept", "application/json"), ("authorization", "Bearer \xe4\xb8\xad")]  # fmt: skip


def test_the_answers_headers_pass_as_the_service_wrote_them(web: str) -> None:
    # before: a UTF-8 header value was a 500 (encoded as latin-1), repeated headers were folded into one
    status, headers, _ = _get(web, b"/api/registry/odd-headers")
    assert status == 200
    assert (b"x-file", "台账.xlsx".encode()) in headers
    assert [v for k, v in headers if k == b"link"] == [b"</a>", b"</b>"]


def test_a_service_name_that_is_not_one_is_not_echoed_as_sent(web: str) -> None:
    status, _, body = _get(web, b"/api/reg%0D%0Aistry/x")
    assert status == 404
    refused = json.loads(body)
    assert refused["code"] == "not_found" and refused["field"] == "service"
    assert "\r" not in refused["message"] and "reg<U+000D><U+000A>istry" in refused["message"]


def test_a_service_name_with_an_invisible_letter_or_too_long_is_quoted_as_imports_quote(web: str) -> None:
    """The gateway used the edge's own quoting rule: a Hangul filler (printable, drawn as nothing)
    was repeated as itself, so 没有名为 registry 的服务 named a service that exists. One rule now
    (`vc_contracts.text.quoted`): the filler by its code point, a long name cut with "…"."""
    status, _, body = _get(web, b"/api/reg%E3%85%A4istry/x")
    assert status == 404 and "没有名为 reg<U+3164>istry 的服务" in json.loads(body)["message"]
    status, _, body = _get(web, b"/api/" + b"s" * 60 + b"/x")
    assert status == 404 and "没有名为 " + "s" * 40 + "… 的服务" in json.loads(body)["message"]


@pytest.mark.parametrize(
    "target", [b"/api%2Fregistry%2Fraw", b"/api%2Fregistry/raw/x", b"/%61pi%2Fregistry/x"]
)
def test_a_service_segment_escaped_into_another_names_no_service(web: str, target: bytes) -> None:
    # decoded, these match /api/{service}/{path} (before: proxied as such); as sent, no segment names one
    status, _, body = _get(web, target)
    assert status == 404 and json.loads(body)["code"] == "not_found", body


def test_server_sent_events_pass_the_gateway_as_they_are_written(web: str) -> None:
    release_second_event.clear()
    seen: list[str] = []
    with httpx.stream("GET", f"{web}/api/reporting/events", timeout=httpx.Timeout(10.0)) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        for line in response.iter_lines():
            if line.startswith("data: "):
                seen.append(line[6:])
                release_second_event.set()  # only now may the upstream write the second event
            if len(seen) == 2:
                break
    assert seen == ["first", "second"]


def test_an_upstream_that_does_not_answer_gives_502_in_the_error_format(web: str) -> None:
    answer = httpx.get(f"{web}/api/ledger/volumes", headers={"Authorization": "Bearer x.y.z"})
    assert answer.status_code == 502
    body = answer.json()
    assert body["code"] == "upstream_unavailable" and "台账服务" in body["message"]
    assert body["correlation_id"] == answer.headers["x-correlation-id"]


def test_an_unknown_service_is_a_json_404_not_the_page(web: str) -> None:
    answer = httpx.get(f"{web}/api/payroll/anything")
    assert answer.status_code == 404 and answer.json()["code"] == "not_found"


def _raw_get(base: str, path: str) -> tuple[int, dict[str, object]]:
    """GET `path` exactly as written: httpx would resolve dot segments before sending."""
    url = httpx.URL(base)
    connection = http.client.HTTPConnection(url.host, url.port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, json.loads(response.read() or b"{}")
    finally:
        connection.close()


@pytest.mark.parametrize(
    "path",
    [
        "/api/registry/metrics",
        "/api/reporting/metrics/",
        "/api/assessment//metrics",
        "/api/registry/./metrics",
        "/api/registry/x/../metrics",
        "/api/registry/%6detrics",
        "/api/registry/%2e/metrics",
        "/api/registry/METRICS",
        "/api/registry/metrics?name[]=vc_events_appended_total",
    ],
)
def test_a_service_s_metrics_are_not_reachable_through_the_gateway(web: str, path: str) -> None:
    status, body = _raw_get(web, path)
    assert status == 404, path
    assert body["code"] == "not_found" and body["field"] == "path" and "指标" in str(body["message"])
    assert "vc_internal_metric" not in json.dumps(body)


def test_a_route_that_only_starts_like_metrics_still_passes(web: str) -> None:
    answer = httpx.get(f"{web}/api/registry/metrics-of-the-village")
    assert answer.status_code == 200 and answer.json() == "a route of its own"


def test_a_token_in_the_url_is_refused_on_pages_and_the_gateway(web: str) -> None:
    for path in ("/dashboard?token=eyJabc.def.ghi", "/api/registry/echo/x?access_token=abc"):
        answer = httpx.get(f"{web}{path}")
        assert answer.status_code == 400 and answer.json()["code"] == "token_in_url", path


def test_pages_fall_back_to_index_and_hashed_assets_are_cached_for_good(web: str) -> None:
    page = httpx.get(f"{web}/dashboard/621025")
    assert page.status_code == 200 and "id=app" in page.text
    assert page.headers["cache-control"] == "no-cache"
    asset = httpx.get(f"{web}/assets/index-abc123.js")
    assert asset.status_code == 200 and "immutable" in asset.headers["cache-control"]
    assert httpx.get(f"{web}/favicon.svg").headers["cache-control"] == "no-cache"
    assert httpx.get(f"{web}/assets/index-old999.js").status_code == 404
    assert httpx.get(f"{web}/../../etc/passwd").status_code in {200, 404}  # normalised, never the file
    assert "root:" not in httpx.get(f"{web}/%2e%2e/%2e%2e/etc/passwd").text


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/" + "a" * 256, 200),  # one name past the file system's 255 bytes: the page (its own 404)
        ("/village/" + "a" * 10_000, 200),
        ("/assets/" + "a" * 300 + ".js", 404),  # not a page: the asset is not there
    ],
)
def test_a_page_path_too_long_for_a_file_name_is_the_page_not_a_500(web: str, path: str, status: int) -> None:
    # given an address whose last part is longer than a file name may be, when opened, then the
    # page's fallback or a 404 (looking for the file raised ENAMETOOLONG: a 500)
    answer = httpx.get(f"{web}{path}")
    assert answer.status_code == status, answer.text[:200]


def test_dev_sign_in_signs_a_token_the_services_accept(web: str) -> None:
    people = httpx.get(f"{web}/auth/dev/people").json()
    county = next(p for p in people if p["role"] == "county_admin")
    answer = httpx.post(
        f"{web}/auth/dev/token", json={k: county[k] for k in ("role", "scope", "subject", "unit")}
    )
    assert answer.status_code == 200
    claims = jwt.decode(answer.json()["token"], SECRET, algorithms=["HS256"])
    assert (claims["role"], claims["scope"], claims["sub"]) == ("county_admin", "621025", "demo-county-admin")


def test_a_pasted_token_is_checked_as_it_is_never_signed_again(web: str) -> None:
    pasted = issue(SECRET, role="law_firm", scope="621025", subject="someone-pasted", unit="U-x",
                   ttl=timedelta(minutes=7))  # fmt: skip
    answer = httpx.post(f"{web}/auth/dev/check", json={"token": f"Bearer {pasted}\n"})
    assert answer.status_code == 200
    checked = answer.json()
    assert "token" not in checked  # nothing to swap in: the pasted token is what the page keeps
    assert (checked["role"], checked["subject"], checked["unit"], checked["label"]) == (
        "law_firm", "someone-pasted", "U-x", None)  # fmt: skip
    exp = jwt.decode(pasted, SECRET, algorithms=["HS256"], issuer="villagecounsel-dev")["exp"]
    assert datetime.fromisoformat(checked["expires_at"]).timestamp() == exp  # its own 7 minutes
    assert checked["expires_at"].endswith("+08:00")
    demo = issue(SECRET, role="county_admin", scope="621025", subject="demo-county-admin")
    assert httpx.post(f"{web}/auth/dev/check", json={"token": demo}).json()["label"] == "正宁县司法局"


def test_an_expired_or_foreign_pasted_token_is_refused_saying_why(web: str) -> None:
    now = int(time.time())
    claims = {"sub": "late", "role": "county_admin", "scope": "621025", "iss": "villagecounsel-dev",
              "iat": now - 7200, "exp": now - 3600}  # fmt: skip
    expired = httpx.post(f"{web}/auth/dev/check", json={"token": jwt.encode(claims, SECRET, "HS256")})
    assert expired.status_code == 401
    body = expired.json()
    shown = datetime.fromtimestamp(now - 3600, ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d %H:%M")
    assert body["field"] == "token" and shown in body["message"] and "不会被续期" in body["message"]
    foreign = jwt.encode({**claims, "exp": now + 600}, "o" * 48, "HS256")
    refused = httpx.post(f"{web}/auth/dev/check", json={"token": foreign})
    assert refused.status_code == 401 and refused.json()["code"] == "unauthenticated"
    assert httpx.post(f"{web}/auth/dev/check", json={"token": "x" * 9000}).status_code == 422


def test_dev_sign_in_refuses_a_scope_of_the_wrong_level_naming_the_field(web: str) -> None:
    answer = httpx.post(f"{web}/auth/dev/token", json={"role": "county_admin", "scope": "62"})
    assert answer.status_code == 422
    assert answer.json()["field"] == "scope"


def test_without_dev_sign_in_there_is_no_token_route_and_no_gateway(dist: Path, upstream: str) -> None:
    settings = web_settings(dist, upstream, dev_signin=False, gateway=False, jwt_secret=None)
    with serving(create_app(settings)) as url:
        answer = httpx.post(f"{url}/auth/dev/token", json={"role": "county_admin", "scope": "621025"})
        assert answer.status_code == 404 and answer.json()["code"] == "not_found"
        assert httpx.get(f"{url}/api/registry/echo/x").status_code == 404
        # where the Ingress sends /api/<service>/metrics: a 404 in the error format, not the page
        metrics = httpx.get(f"{url}/api/registry/metrics")
        assert metrics.status_code == 404 and metrics.json()["code"] == "not_found"
        assert httpx.get(f"{url}/auth/config").json() == {"dev_signin": False, "oidc": None}
