"""A client that hangs up in the middle of its request body is not a fault of ours: logged once as a
warning without a traceback, counted under status 499 (nginx's "client closed request"), never 500,
and nothing of the request is written.

The ledger runs in-process (real PostgreSQL and broker) behind uvicorn on a port, on this test's event
loop (its pool belongs to it); the web gateway in front of it likewise. A raw socket sends the
headers and half the body, then closes: httpx would never send a body shorter than its length.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import AsyncIterator, Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from devstack import procs
from eventkit import metrics
from support.waiting import eventually
from test_ledger_harness import Cast, Ledger, ledger_service, set_the_scene
from vc_contracts import CST
from vc_web.app import create_app
from vc_web.settings import WebSettings

pytestmark = pytest.mark.timeout(120)
DECLARED = 345_898  # the tester's file
GATEWAY_ROUTE = "/api/{service}/{path:path}"


@contextlib.asynccontextmanager
async def on_a_port(app: Any) -> AsyncIterator[int]:
    """`app` served by uvicorn on this event loop (no lifespan: the harness ran it); yields the port."""
    port = procs.free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="off", log_level="warning")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        assert not task.done(), "the test server did not start"
        await asyncio.sleep(0.01)
    try:
        yield port
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 10)


@pytest.fixture(scope="module")
async def scene(devstack) -> AsyncIterator[tuple[Ledger, Cast, int]]:  # type: ignore[no-untyped-def]
    async with ledger_service(devstack.dsn, devstack.bootstrap) as ledger:
        cast = await set_the_scene(ledger, date(datetime.now(CST).year - 1, 1, 1))
        app = ledger.http._transport.app  # type: ignore[attr-defined]  # the harness's app, started
        async with on_a_port(app) as port:
            yield ledger, cast, port


@pytest.fixture(scope="module")
async def gateway(
    scene: tuple[Ledger, Cast, int], tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[int]:
    dist = tmp_path_factory.mktemp("dist")
    (dist / "index.html").write_text("<!doctype html>", encoding="utf-8")
    ledger_url = f"http://127.0.0.1:{scene[2]}"
    down = f"http://127.0.0.1:{procs.free_port()}"
    settings = WebSettings(
        registry_url=down, ledger_url=ledger_url, assessment_url=down, reporting_url=down,
        dist_dir=Path(dist), gateway=True, dev_signin=False, jwt_secret=scene[0].secret,
    )  # fmt: skip
    app = create_app(settings)
    async with app.router.lifespan_context(app), on_a_port(app) as port:
        yield port


def count(route: str, status: str) -> float:
    """Requests counted by `vc_http_request_seconds` for `route` answered `status` (this process)."""
    total = 0.0
    for family in metrics.HTTP_REQUESTS.collect():
        for sample in family.samples:
            labels = sample.labels
            if sample.name.endswith("_count") and labels["route"] == route and labels["status"] == status:
                total += sample.value
    return total


async def events_written(ledger: Ledger) -> int:
    schema = ledger.http._transport.app.state.runtime.settings.schema  # type: ignore[attr-defined]
    return int(await ledger.pool.fetchval(f"SELECT count(*) FROM {schema}.events"))


def csv_body(size: int) -> bytes:
    line = "法律咨询,A-x,621025390201,2025/02/01 08:00,宅基地确权,微信群,土地,已解决,c-1\n".encode("gb18030")
    return (line * (size // len(line) + 1))[:size]


async def hang_up(port: int, path: str, headers: dict[str, str], parts: list[bytes]) -> None:
    """Send the request line, `headers` and the `parts` of a body, then close the socket."""
    _, writer = await asyncio.open_connection("127.0.0.1", port)
    fields = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    head = f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{fields}"
    writer.write(head.encode("latin-1") + b"\r\n")
    for part in parts:
        writer.write(part)
        await writer.drain()
        await asyncio.sleep(0.05)  # the server reads what came before the close
    writer.close()
    with contextlib.suppress(ConnectionError):
        await writer.wait_closed()


async def until(check: Callable[[], bool]) -> None:
    """Wait (5 s at most) until `check()` holds: the server counts the request once it gave up on it."""

    async def holds() -> bool:
        return check()

    await eventually(holds, within=5, interval=0.02, what="the request counted")


def progress(message: str) -> tuple[int, str]:
    """(bytes read, bytes declared or "unknown") from a "client went away" warning."""
    found = re.search(r"after (\d+) of (\d+|unknown) body bytes", message)
    assert found, message
    return int(found[1]), found[2]


def sized(half: bytes) -> list[bytes]:
    return [half]


def chunked(half: bytes) -> list[bytes]:
    return [b"%x\r\n%s\r\n" % (len(half), half)]  # one chunk, and never the last one


@pytest.mark.parametrize("framing", [sized, chunked])
@pytest.mark.parametrize("through", ["ledger", "gateway"])
async def test_a_client_that_hangs_up_mid_upload_is_a_499_logged_as_a_warning_and_nothing_is_written(
    scene: tuple[Ledger, Cast, int],
    gateway: int,
    caplog: pytest.LogCaptureFixture,
    framing: Callable[[bytes], list[bytes]],
    through: str,
) -> None:
    ledger, cast, port = scene
    headers = {**ledger.headers("law_firm", "621025", "import-staff", cast.firm), "Content-Type": "text/csv"}
    if framing is sized:
        headers["Content-Length"] = str(DECLARED)
    else:
        headers["Transfer-Encoding"] = "chunked"
    direct = through == "ledger"
    target, path, route = (
        (port, "/imports", "/imports") if direct else (gateway, "/api/ledger/imports", GATEWAY_ROUTE)
    )
    before = {status: count(route, status) for status in ("499", "500")}
    ledger_before = {status: count("/imports", status) for status in ("499", "500")}
    written = await events_written(ledger)
    caplog.set_level(logging.INFO)

    await hang_up(target, path, headers, framing(csv_body(DECLARED // 2)))

    await until(lambda: count(route, "499") > before["499"] or count(route, "500") > before["500"])
    if not direct:  # the gateway hangs up on the ledger in turn
        await until(lambda: count("/imports", "499") + count("/imports", "500") > sum(ledger_before.values()))
        assert count("/imports", "500") == ledger_before["500"]
    assert count(route, "500") == before["500"], "counted as a fault of ours"
    assert count(route, "499") == before["499"] + 1
    faults = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert not faults, [f"{r.name}: {r.getMessage()}" for r in faults]
    gone = [r for r in caplog.records if "client went away" in r.getMessage()]
    assert len(gone) == (1 if direct else 2), "once by each server the body was sent to"
    assert all(r.levelno == logging.WARNING for r in gone)
    assert path in gone[0].getMessage()
    # How far each server got is a race with the close on a busy host (CI's gateway read 128,000 of the
    # 172,949 bytes sent): each tells a count within what was sent, and the ledger no more than the
    # gateway forwarded to it.
    declared = str(DECLARED) if framing is sized else "unknown"
    told = [progress(r.getMessage()) for r in gone]
    said = [r.getMessage() for r in gone]
    assert all(0 < got <= DECLARED // 2 and of == declared for got, of in told), said
    assert [got for got, _ in told] == sorted((got for got, _ in told), reverse=True), said
    assert await events_written(ledger) == written


async def test_a_client_that_hangs_up_mid_json_command_is_a_499_not_a_400(
    scene: tuple[Ledger, Cast, int], caplog: pytest.LogCaptureFixture
) -> None:
    """FastAPI reads a JSON body itself and turns any failure into a 400 "error parsing the body":
    a client gone mid-body was answered (and counted) as a malformed JSON body."""
    ledger, cast, port = scene
    headers = {**ledger.headers("law_firm", "621025", "staff", cast.firm), "Content-Type": "application/json",
               "Content-Length": "4000"}  # fmt: skip
    before = {status: count("/consultations", status) for status in ("400", "499", "500")}
    written = await events_written(ledger)
    caplog.set_level(logging.INFO)

    await hang_up(port, "/consultations", headers, [b'{"advisor_id": "' + b"x" * 1000])

    await until(lambda: sum(count("/consultations", s) for s in before) > sum(before.values()))
    assert count("/consultations", "499") == before["499"] + 1
    assert (count("/consultations", "400"), count("/consultations", "500")) == (before["400"], before["500"])
    faults = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert not faults, [f"{r.name}: {r.getMessage()}" for r in faults]
    gone = [r.getMessage() for r in caplog.records if "client went away" in r.getMessage()]
    assert gone == ["client went away: POST /consultations after 1016 of 4000 body bytes"]
    assert await events_written(ledger) == written


async def test_an_upstream_that_hangs_up_mid_body_is_a_502_from_the_gateway_not_a_500(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The other side of the gateway: the service goes away while the body is forwarded to it."""

    async def read_some_then_close(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        await reader.read(1000)
        writer.transport.abort()  # a reset, as a killed process leaves it

    upstream = await asyncio.start_server(read_some_then_close, "127.0.0.1", 0)
    ledger_url = f"http://127.0.0.1:{upstream.sockets[0].getsockname()[1]}"
    (tmp_path / "index.html").write_text("<!doctype html>", encoding="utf-8")
    settings = WebSettings(
        registry_url=ledger_url, ledger_url=ledger_url, assessment_url=ledger_url, reporting_url=ledger_url,
        dist_dir=tmp_path, gateway=True, dev_signin=False, jwt_secret="s" * 48,
    )  # fmt: skip
    app = create_app(settings)
    before = {status: count(GATEWAY_ROUTE, status) for status in ("500", "502")}
    caplog.set_level(logging.INFO)
    async with (
        upstream,
        app.router.lifespan_context(app),
        on_a_port(app) as port,
        httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=10) as http,
    ):
        answer = await http.post("/api/ledger/imports", content=csv_body(DECLARED))
    assert answer.status_code == 502, answer.text
    assert answer.json()["code"] == "upstream_unavailable"
    assert count(GATEWAY_ROUTE, "502") == before["502"] + 1
    assert count(GATEWAY_ROUTE, "500") == before["500"]
    faults = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert not faults, [f"{r.name}: {r.getMessage()}" for r in faults]
