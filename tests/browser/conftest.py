"""Browser tests: Debian's Chromium driven by Playwright (Python), against a whole running stack.

One stack per session: PostgreSQL + Tansu (the `devstack` fixture), the four services and the web
service (gateway + dev sign-in) on free ports, on a copy of the session's seeded Zhengning demo
(the `demo` fixture, support/demo.py), the pages built.
Helpers (WebStack, shoot, ensure_chromium) live in support/browser.py.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from devstack import frontend, procs
from devstack.tansu import start_tansu
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, expect, sync_playwright
from support.browser import DESKTOP, WebStack, ensure_chromium, launch_chromium
from support.demo import Demo, copy_of
from support.lifetimes import stop_after_last_user
from support.servers import running_services

BROWSER_DATABASE = "villagecounsel_browser"

# Playwright's default of 5 s per `expect` is shorter than a page load on a loaded CI machine (the
# CI runner failed sign-in and unit-home checks at load 20 that pass in 1 s on a quiet one). A
# passing expectation returns as soon as it holds, so a longer ceiling costs nothing when green;
# the one timing promise (the dashboard's push within a second) keeps its own explicit timeout.
expect.set_options(timeout=20_000)


@pytest.fixture(scope="session")
def web_stack(  # type: ignore[no-untyped-def]
    devstack, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[WebStack]:
    """A database of its own and a broker of its own: the e2e stack's services use the same service
    names, hence the same consumer groups, and must not share partitions or rows with this one.
    Stopped once the last browser test is over (support/lifetimes.py)."""
    state: Path = tmp_path_factory.mktemp("web-stack")
    with contextlib.ExitStack() as resources:
        # the pages build (skipped when dist/ is fresh) while the demo is seeded (the first time in
        # the session: hence `demo` asked for here, not as a parameter) and the services start
        builder = resources.enter_context(ThreadPoolExecutor(1))
        built = builder.submit(frontend.build)
        demo: Demo = request.getfixturevalue("demo")
        dsn = copy_of(demo, devstack.dsn, BROWSER_DATABASE)
        broker = start_tansu(state, procs.free_port())
        resources.callback(broker.stop)
        secret = secrets.token_urlsafe(48)
        # 2 s sessions: quicker group joins, one per read model in turn (see tests/e2e/conftest.py)
        env = {**os.environ, "DATABASE_URL": dsn, "KAFKA_BOOTSTRAP_SERVERS": broker.bootstrap,
               "VC_JWT_SECRET": secret, "VC_CONSUMER_SESSION_TIMEOUT_MS": "2000"}  # fmt: skip
        urls = resources.enter_context(running_services(env, state, web=True, pages=built.result))
        stop_after_last_user(request, resources.close)
        yield WebStack(urls["web"], urls, secret, state / "logs")


# Module scope, not session: sync Playwright keeps its event loop marked as running in this thread
# while it is open, and pytest-asyncio cannot run the async tests of other modules meanwhile.
@pytest.fixture(scope="module")
def playwright_session() -> Iterator[Playwright]:
    ensure_chromium()
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="module")
def browser(playwright_session: Playwright) -> Iterator[Browser]:
    instance = launch_chromium(playwright_session)
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
        # service workers blocked: once one controls a page, Playwright's routing misses its fetches
        # and an offline toggle can stick in the browser (test_advisor's worker test has its own browser)
        ctx = browser.new_context(viewport=DESKTOP, locale="zh-CN", timezone_id="Asia/Shanghai",
                                  service_workers="block")  # fmt: skip
        contexts.append(ctx)
        token, name = web_stack.token(role), web_stack.person(role).label.split("（")[0]
        ctx.add_init_script(
            f"sessionStorage.setItem('vc.token', {token!r}); sessionStorage.setItem('vc.name', {name!r})"
        )
        page = ctx.new_page()
        page.goto(f"{web_stack.url}/")
        # not "networkidle": the dashboard keeps its live event stream open, so the network never idles
        page.wait_for_load_state("load")
        return page

    yield open_as
    for ctx in contexts:
        ctx.close()
