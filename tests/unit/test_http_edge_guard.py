"""The edge guard (`eventkit.edge`) on the real apps of every service, without their runtime: what
it refuses is refused before any route or store is reached. Tester's findings of session 21:
a repeated Authorization or Idempotency-Key was read as its first, `Accept: application/xml` got
JSON, `/reports/..%2f` a bare 307, a CSV labelled `application/json` was imported, and the web
service answered a form body with 422 where every service says 415."""

from __future__ import annotations

import importlib
import unicodedata
from collections.abc import AsyncIterator

import httpx
import pytest
from eventkit.edge import accepts
from fastapi import FastAPI
from vc_web.app import create_app as create_web
from vc_web.settings import WebSettings

SERVICES = ("registry", "ledger", "assessment", "reporting")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _app(name: str) -> FastAPI:
    if name == "web":
        return create_web(WebSettings(dev_signin=True, jwt_secret="s" * 48, gateway=True))
    app: FastAPI = importlib.import_module(f"{name}.main").app
    return app


async def _client(name: str) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=_app(name))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        yield http


def _refused(r: httpx.Response, status: int, code: str, field: str) -> None:
    assert r.status_code == status, r.text
    body = r.json()
    assert body["code"] == code and body["field"] == field, body
    shown = body["message"] + "".join(e["reason"] for e in body["errors"])
    assert not any(unicodedata.category(c) in ("Cc", "Zl", "Zp") for c in shown), body  # nothing raw


# (service, method, path, header) — a command and a read of each service, with what it reads
REPEATED = [
    ("ledger", "POST", "/consultations", "Idempotency-Key"),
    ("registry", "POST", "/advisors", "Idempotency-Key"),
    ("registry", "GET", "/advisors", "Authorization"),
    ("ledger", "POST", "/entries", "Idempotency-Key"),
    ("ledger", "GET", "/entries", "Authorization"),
    ("assessment", "POST", "/assessments/self", "Content-Type"),
    ("assessment", "GET", "/healthz", "X-Correlation-Id"),
    ("reporting", "GET", "/dashboard/stream", "Last-Event-ID"),
    ("reporting", "POST", "/reports", "Authorization"),
    ("web", "POST", "/auth/dev/token", "Content-Type"),
    ("web", "GET", "/api/ledger/entries", "Authorization"),
]


@pytest.mark.parametrize(("service", "method", "path", "header"), REPEATED)
async def test_a_header_the_services_read_sent_twice_is_400_naming_it(
    service: str, method: str, path: str, header: str
) -> None:
    values = {"Content-Type": ("application/json", "text/plain")}.get(header, ("dupA", "dupB"))
    headers = [(header, values[0]), (header.lower(), values[1])]
    async for http in _client(service):
        r = await http.request(method, path, headers=headers, content=b"{}" if method == "POST" else None)
    _refused(r, 400, "duplicate_header", header)
    assert header in r.json()["message"]


async def test_a_header_nobody_reads_and_a_list_of_accept_may_come_twice() -> None:
    async for http in _client("registry"):
        r = await http.get("/healthz", headers=[("X-Other", "a"), ("X-Other", "b"), ("Accept", "text/html"),
                                                ("Accept", "application/json")])  # fmt: skip
    assert r.status_code == 200, r.text


@pytest.mark.parametrize(
    ("accept", "media", "taken"),
    [
        ("application/json", "application/json", True),
        ("*/*", "application/json", True),
        ("application/*", "application/json", True),
        ("application/xml", "application/json", False),
        ("text/html, application/xhtml+xml, application/xml;q=0.9, */*;q=0.8", "application/json", True),
        ("application/json;q=0", "application/json", False),
        ("application/json;q=0, */*", "application/json", False),  # the most specific range decides
        ("*/*;q=0, application/json;q=0.5", "application/json", True),
        ("application/xml, application/json;q=0.1", "application/json", True),
        ("APPLICATION/JSON", "application/json", True),
        ("application/json;q=x", "application/json", True),  # an unreadable q is not a refusal
        ("text/*", XLSX, False),
    ],
)
def test_accept_is_read_as_rfc_9110_says(accept: str, media: str, taken: bool) -> None:
    assert accepts(accept, media) is taken


@pytest.mark.parametrize(
    ("service", "path"),
    [
        ("reporting", "/statistics?period=2026H1"),
        ("reporting", "/reports/r1/document"),
        ("registry", "/advisors"),
        ("ledger", "/entries"),
        ("assessment", "/healthz"),
        ("ledger", "/imports/template"),
        ("web", "/auth/config"),
    ],
)
@pytest.mark.parametrize("accept", ["application/xml", "text/csv", "application/json;q=0"])
async def test_an_accept_that_takes_no_answer_of_the_route_is_406(
    service: str, path: str, accept: str
) -> None:
    async for http in _client(service):
        r = await http.get(path, headers={"Accept": accept})
    _refused(r, 406, "not_acceptable", "Accept")
    assert "application/json" in r.json()["message"]


async def test_a_command_is_refused_406_before_it_runs() -> None:
    async for http in _client("ledger"):
        r = await http.post("/consultations", json={}, headers={"Accept": "application/xml"})
    _refused(r, 406, "not_acceptable", "Accept")


@pytest.mark.parametrize(
    ("service", "path", "accept"),
    [
        ("reporting", "/statistics?period=2026H1&format=xlsx", XLSX),
        ("reporting", "/reports/r1/document", DOCX),
        ("ledger", "/imports/template", XLSX),
        ("ledger", "/volumes/village/621025100201/2026/export.xlsx", XLSX),
        ("ledger", "/volumes/village/621025100201/2026/export.html", "text/html"),
        ("registry", "/metrics", "text/plain;version=0.0.4;q=1,*/*;q=0.1"),
        ("registry", "/advisors", "*/*"),
        ("registry", "/advisors", "application/*"),
        ("registry", "/advisors", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"),
        ("registry", "/advisors", ""),
        ("web", "/", "text/html"),  # pages are not the API's
        ("web", "/v/621025100201", "text/html"),
    ],
)
async def test_an_accept_that_takes_an_answer_of_the_route_passes(
    service: str, path: str, accept: str
) -> None:
    async for http in _client(service):
        r = await http.get(path, headers={"Accept": accept})
    assert r.status_code != 406, r.text  # past the guard (401 without a token, or the page)


@pytest.mark.parametrize("service", SERVICES)
@pytest.mark.parametrize("path", ["/reports/..%2f", "/advisors/", "/entries/", "/healthz/", "/reports/r1/"])
async def test_a_path_with_a_slash_too_many_is_404_not_a_redirect(service: str, path: str) -> None:
    async for http in _client(service):
        r = await http.get(path)
    assert r.status_code == 404, (r.status_code, r.headers)
    assert r.json()["code"] == "not_found"


# (service, path, accepted types the message names)
UPLOADS = [
    ("ledger", "/imports", ["text/csv", XLSX, "application/octet-stream"]),
    ("registry", "/divisions/import", ["text/csv", XLSX, "application/octet-stream"]),
    ("registry", "/roster/import", ["text/csv", XLSX, "application/octet-stream"]),
]


@pytest.mark.parametrize(("service", "path", "types"), UPLOADS)
@pytest.mark.parametrize(
    "label",
    [
        "application/json",
        "multipart/form-data; boundary=x",
        "text/plain",
        "application/x-www-form-urlencoded",
    ],
)
async def test_an_import_labelled_with_a_type_it_does_not_read_is_415_naming_those_it_does(
    service: str, path: str, types: list[str], label: str
) -> None:
    async for http in _client(service):
        csv = "代码,名称\n621025,正宁县\n".encode()
        r = await http.post(path, content=csv, headers={"Content-Type": label})
    _refused(r, 415, "unsupported_media_type", "Content-Type")
    assert all(t in r.json()["message"] for t in types), r.json()


async def test_a_form_sent_to_the_web_services_json_routes_is_415() -> None:
    async for http in _client("web"):
        r = await http.post("/auth/dev/token", data={"role": "county_admin", "scope": "621025"})
        plain = {"Content-Type": "text/plain"}
        checked = await http.post("/auth/dev/check", content=b"token=x", headers=plain)
    _refused(r, 415, "unsupported_media_type", "Content-Type")
    _refused(checked, 415, "unsupported_media_type", "Content-Type")


async def test_a_content_type_with_a_control_character_is_not_repeated_raw() -> None:
    async for http in _client("ledger"):
        r = await http.post("/consultations", content=b"{}", headers={"Content-Type": "text/pl\tain"})
    _refused(r, 415, "unsupported_media_type", "Content-Type")
    assert "收到 text/pl<U+0009>ain" in r.json()["message"]  # `vc_contracts.text.quoted`, as imports quote


async def test_a_long_content_type_is_quoted_cut() -> None:
    """The edge had its own copy of the quoting rule, which cut nothing past its caller's slice
    and wrote code points without brackets; now the one rule (`vc_contracts.text.quoted`)."""
    async for http in _client("ledger"):
        r = await http.post("/consultations", content=b"{}", headers={"Content-Type": "text/" + "x" * 300})
    _refused(r, 415, "unsupported_media_type", "Content-Type")
    assert "收到 text/" + "x" * 95 + "…" in r.json()["message"]
