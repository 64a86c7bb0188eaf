"""The public board's pages when something is wrong: residents get a Chinese page, never JSON, a
500 or a stack trace (the happy paths run against the real stack in tests/browser/test_board.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from devstack import procs
from fastapi import FastAPI
from vc_web.public import router
from vc_web.public.settings import PublicSettings


@pytest.fixture
async def web() -> AsyncIterator[httpx.AsyncClient]:
    """The public router with both services pointing at a port nobody listens on."""
    down = f"http://127.0.0.1:{procs.free_port()}"
    app = FastAPI()
    app.include_router(router)
    app.state.public_settings = PublicSettings(VC_WEB_REPORTING_URL=down, VC_WEB_REGISTRY_URL=down)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://web") as client:
        yield client


@pytest.mark.parametrize(
    "path",
    [
        "/v/12345",
        "/v/621025100000",
        "/v/621025100201x/poster",
        "/v/county/62102/posters",
        "/v/county/621000/posters",
    ],
)
async def test_an_address_that_cannot_be_a_board_is_a_friendly_404_page(
    web: httpx.AsyncClient, path: str
) -> None:
    response = await web.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html") and "没有找到" in response.text


async def test_a_malformed_code_is_refused_before_any_service_is_asked(web: httpx.AsyncClient) -> None:
    response = await web.post(
        "/v/abc/feedback", content=b"text=x", headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert response.status_code == 404 and "12348" in response.text


@pytest.mark.parametrize(
    "path",
    [
        "/v/621025100201",
        "/v/621025100201/poster",
        "/v/county/621025/posters",
        # typed by hand in a Chinese input method's full-width mode: the same boards are asked for
        # (here: down, 503), never the "no such village" page (the APIs read such digits alike)
        "/v/６２１０２５１００２０１",
        "/v/６２１０２５１００２０１/poster",
        "/v/county/６２１０２５/posters",
        "/v/county/６２１０２５/cases",
    ],
)
async def test_a_service_that_is_down_gives_a_chinese_503_page(web: httpx.AsyncClient, path: str) -> None:
    response = await web.get(path)
    assert response.status_code == 503 and "暂时无法打开" in response.text
    assert "Traceback" not in response.text and response.headers["cache-control"] == "no-store"


async def test_feedback_while_the_registry_is_down_says_to_submit_again_later(web: httpx.AsyncClient) -> None:
    body = "submission_id=abcdefgh12&category=land&text=%E9%97%AE"
    response = await web.post("/v/621025100201/feedback", content=body.encode(),
                              headers={"Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
    assert response.status_code == 503 and "重新提交" in response.text
