"""Every service's /docs renders its operations with no network beyond this machine."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import BrowserContext, Route, expect
from support.browser import WebStack, shoot

LOCAL = {"127.0.0.1", "localhost"}


@pytest.mark.parametrize("service", ["registry", "ledger", "assessment", "reporting"])
def test_api_docs_render_offline(service: str, context: BrowserContext, web_stack: WebStack) -> None:
    outside: list[str] = []

    def only_local(route: Route) -> None:
        if urlsplit(route.request.url).hostname in LOCAL:
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", only_local)
    page = context.new_page()
    page.goto(f"{web_stack.urls[service]}/docs")
    expect(page.locator(".opblock").first).to_be_visible()
    assert page.locator(".opblock").count() > 3
    assert page.get_by_text("Unable to render").count() == 0
    assert not outside, f"/docs of {service} reached outside: {outside}"
    if service == "registry":
        shoot(page, "docs-registry")


def test_api_docs_also_work_through_the_gateway(context: BrowserContext, web_stack: WebStack) -> None:
    page = context.new_page()
    page.goto(f"{web_stack.url}/api/ledger/docs")
    expect(page.locator(".opblock").first).to_be_visible()
