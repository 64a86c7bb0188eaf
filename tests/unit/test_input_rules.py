"""The shared input rules at the HTTP edge, on a bare app: a value refused while a handler builds an
event answers 422 in the error format naming the field (not 500); a NUL in a path or query too."""

from __future__ import annotations

import unicodedata

import httpx
import pytest
from eventkit.input_rules import install_input_rules
from eventkit.web import install_error_handlers
from fastapi import Depends, FastAPI, Request
from fastapi.routing import APIRoute
from vc_contracts.catalogue.registry import NoticeBoardPosted


def _app() -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)
    install_input_rules(app)

    @app.get("/boards/{code}")
    async def board(code: str, name: str = "李川") -> dict[str, str]:
        # as a handler would, with a name taken from data stored before today's rules
        event = NoticeBoardPosted(village_code=code, advisor_id="A-1", advisor_name=name, phone="13900001111",
                                  schedule="每周三", posted_on="2025-03-01")  # fmt: skip
        return {"advisor_name": event.advisor_name}

    return app


@pytest.mark.parametrize(
    ("url", "status", "field"),
    [
        ("/boards/621025100201", 200, None),
        ("/boards/621025100201?name=%E6%9D%8E%0A%E5%B7%9D", 422, "name"),  # a line break in a name
        ("/boards/62102510020%00", 422, "code"),
        ("/boards/621025100201?name=%E6%9D%8E%00", 422, "name"),
        ("/boards/621025100201?name=" + "x" * 201, 422, "advisor_name"),  # refused building the event
        # a line break or TAB anywhere, outer ones too: the value is used as sent, never stripped
        ("/boards/%0d%0aX-Injected:%201", 422, "code"),
        ("/boards/621025100201%0d", 422, "code"),
        ("/boards/621025100201%0a", 422, "code"),
        ("/boards/%09621025100201", 422, "code"),
        ("/boards/621025100201?name=A%0d", 422, "name"),
        ("/boards/621025100201?name=%0aA", 422, "name"),
        ("/boards/621025100201?name=A%09", 422, "name"),
        ("/boards/621025100201?name=A%0b", 422, "name"),
        ("/boards/621025100201?name=A%0c", 422, "name"),
        ("/boards/621025100201?name=A%1b", 422, "name"),
        ("/boards/621025100201?name=A%7f", 422, "name"),
        ("/boards/621025100201?name=A%C2%85", 422, "name"),  # U+0085, the C1 line break
        ("/boards/621025100201%E2%80%A8", 422, "code"),  # U+2028 line separator
        ("/boards/621025100201?name=A%E2%80%A9", 422, "name"),  # U+2029 paragraph separator
        ("/boards/621025100201?name=%E2%80%AEA", 422, "name"),  # U+202E shows the rest reversed
        ("/boards/621025100201?name=%E6%9D%8E%E3%80%80%E5%B7%9D", 200, None),  # U+3000 is a space
        ("/boards/621025100201?name=%E6%9D%8E%20%E5%B7%9D", 200, None),
    ],
)
async def test_a_refused_value_answers_422_naming_the_field(url: str, status: int, field: str | None) -> None:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=_app()), base_url="http://t") as http:
        r = await http.get(url)
    _answered(r, status, field)
    assert not _raw_controls(r.json()), r.text  # no control character repeated, not even escaped


def _raw_controls(value: object) -> list[str]:
    """Every control or line-separator character in the strings of a parsed JSON answer."""
    if isinstance(value, dict):
        return [c for item in value.values() for c in _raw_controls(item)]
    if isinstance(value, list):
        return [c for item in value for c in _raw_controls(item)]
    if not isinstance(value, str):
        return []
    return [c for c in value if unicodedata.category(c) in ("Cc", "Zl", "Zp")]


def _answered(r: httpx.Response, status: int, field: str | None) -> None:
    assert r.status_code == status, r.text
    if field:
        assert r.json()["code"] == "validation_failed" and r.json()["field"] == field, r.text


async def test_full_width_digits_in_a_path_or_query_are_read_as_ascii() -> None:
    app = FastAPI()
    install_error_handlers(app)
    install_input_rules(app)

    @app.get("/villages/{code}/{year}")
    async def village(code: str, year: int, county: str, q: str = "") -> dict[str, object]:
        return {"code": code, "year": year, "county": county, "q": q}

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
        r = await http.get(
            "/villages/６２１０２５１００２０１/２０２５",
            params={"county": "６２１０２５", "q": "李川 第３期"},
        )
        plain = await http.get("/villages/621025100201/2025", params={"county": "621025"})
    assert r.status_code == 200, r.text
    assert r.json() == {"code": "621025100201", "year": 2025, "county": "621025", "q": "李川 第3期"}
    assert plain.json()["code"] == "621025100201"


def _paged() -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)
    install_input_rules(app)

    async def page(limit: int = 50) -> int:  # a dependency's query parameter is declared too
        return limit

    @app.get("/volumes")
    async def volumes(county: str = "", limit: int = Depends(page)) -> dict[str, object]:
        return {"county": county, "limit": limit}

    return app


@pytest.mark.parametrize(
    ("query", "status", "field"),
    [
        ("", 200, None),
        ("?county=621025&limit=5", 200, None),
        ("?division=621025", 422, "division"),  # misspelt: refused, never the whole scope
        ("?county=621025&period=2025Q1", 422, "period"),
    ],
)
async def test_a_query_parameter_the_route_does_not_declare_is_refused(
    query: str, status: int, field: str | None
) -> None:
    app = _paged()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
        for _ in range(2):  # the second time from what the rule kept
            _answered(await http.get("/volumes" + query), status, field)


async def test_the_declared_names_are_kept_by_the_rule_not_on_fastapis_routes() -> None:
    app = _paged()
    [route] = [r for r in app.routes if isinstance(r, APIRoute)]
    before = dict(vars(route))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
        assert (await http.get("/volumes?limit=3")).json() == {"county": "", "limit": 3}
    assert vars(route).keys() == before.keys()


def _commands_app() -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)
    install_input_rules(app)

    @app.post("/entries/{entry_id}/confirmation", status_code=201)
    async def confirm(entry_id: str) -> dict[str, str]:  # a command without a body
        return {"entry_id": entry_id}

    @app.post("/imports", status_code=201)
    async def upload(request: Request) -> dict[str, int]:  # reads its raw body itself
        return {"bytes": len(await request.body())}

    return app


@pytest.mark.parametrize(
    ("path", "content", "status"),
    [
        ("/entries/E-1/confirmation", b"", 201),
        ("/entries/E-1/confirmation", b"{}", 201),
        ("/entries/E-1/confirmation", b" { }\n", 201),
        ("/entries/E-1/confirmation", b'{"x": 1}', 422),  # a body the command never reads
        ("/entries/E-1/confirmation", b'{"reason": "\xe6\x9c\x89\xe8\xaf\xaf"}', 422),
        ("/entries/E-1/confirmation", b"not json", 422),
        ("/imports", b"a,b\n1,2\n", 201),  # an upload reads its body: left alone
    ],
)
async def test_a_command_without_a_body_refuses_one_that_says_something(
    path: str, content: bytes, status: int
) -> None:
    # given a route that declares no body, when a request sends one, then nothing but {} or nothing passes
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=_commands_app()), base_url="http://t"
    ) as http:
        r = await http.post(path, content=content, headers={"Content-Type": "application/json"})
    _answered(r, status, "body" if status == 422 else None)
