"""Browser tests: Debian's Chromium driven by Playwright (Python), against a whole running stack.

One stack per session: PostgreSQL + Tansu (the `devstack` fixture), the four services and the web
service (gateway + dev sign-in) on free ports, the Zhengning demo seeded, the pages built.
Helpers (WebStack, shoot, ensure_chromium) live in support/browser.py.
"""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from devstack import frontend, seed_demo
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright
from support.browser import CHROMIUM, CHROMIUM_FLAGS, DESKTOP, WebStack, ensure_chromium
from support.servers import running_services


def _seed(urls: dict[str, str], secret: str) -> None:
    saved = dict(seed_demo.URL)
    seed_demo.URL.update({k: v for k, v in urls.items() if k in saved})
    try:
        asyncio.run(seed_demo.seed(secret))
    finally:
        seed_demo.URL.clear()
        seed_demo.URL.update(saved)


@pytest.fixture(scope="session")
def web_stack(devstack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebStack]:  # type: ignore[no-untyped-def]
    frontend.build()  # skipped when dist/ is fresh
    state: Path = tmp_path_factory.mktemp("web-stack")
    secret = secrets.token_urlsafe(48)
    env = {**os.environ, **devstack.env(), "VC_JWT_SECRET": secret, "VC_CONSUMER_SESSION_TIMEOUT_MS": "6000"}
    with running_services(env, state, web=True) as urls:
        _seed(urls, secret)
        yield WebStack(urls["web"], urls, secret)


@pytest.fixture(scope="session")
def playwright_session() -> Iterator[Playwright]:
    ensure_chromium()
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright_session: Playwright) -> Iterator[Browser]:
    instance = playwright_session.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
    yield instance
    instance.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    """A fresh browser profile (own sessionStorage) for one test, Chinese, in +08:00."""
    ctx = browser.new_context(viewport=DESKTOP, locale="zh-CN", timezone_id="Asia/Shanghai")
    yield ctx
    ctx.close()


@pytest.fixture
def signed_in_page(browser: Browser, web_stack: WebStack) -> Iterator[Callable[[str], Page]]:
    """`signed_in_page("county_admin")`: a page in its own context, signed in as that demo person and
    on their home page. The token is put in sessionStorage the way the sign-in page keeps it."""
    contexts: list[BrowserContext] = []

    def open_as(role: str) -> Page:
        ctx = browser.new_context(viewport=DESKTOP, locale="zh-CN", timezone_id="Asia/Shanghai")
        contexts.append(ctx)
        token = web_stack.token(role)
        ctx.add_init_script(f"window.sessionStorage.setItem('vc.token', {token!r})")
        page = ctx.new_page()
        page.goto(f"{web_stack.url}/")
        # not "networkidle": the dashboard keeps its live event stream open, so the network never idles
        page.wait_for_load_state("load")
        return page

    yield open_as
    for ctx in contexts:
        ctx.close()
