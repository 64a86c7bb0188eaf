"""Holding a page's GETs in a browser test: the answers a slow network would give late.

`Held(page, pattern)` keeps every GET whose URL matches `pattern` (a regular expression, searched)
until `release()`; other requests, and GETs after the release, go on at once. `method="POST"` holds
a POST instead (a volume's verify is one: a read, though not a GET). Release rather than
unroute: unrouting hands the held requests on itself (Playwright 1.65), and continuing them
afterwards fails with "Route is already handled"."""

from __future__ import annotations

import re

from playwright.sync_api import Page, Route

SLOW = 30_000  # ms: a loaded CI machine renders pages slowly


class Held:
    """The requests of `method` matching `pattern` wait until `release()`; other requests go on."""

    def __init__(self, page: Page, pattern: str, *, method: str = "GET") -> None:
        self.routes: list[Route] = []
        self.released, self.method = False, method
        self.page, self.pattern = page, re.compile(pattern)
        page.route(self.pattern, self._hold)

    def _hold(self, route: Route) -> None:
        if self.released or route.request.method != self.method:
            route.continue_()
        else:
            self.routes.append(route)

    def release(self, *, settle: bool = False) -> None:
        """Hand the held answers on. `settle`: at least one was held; wait until the page has
        received each, and a moment more for it to assign what it received, if it would (a test
        that an answer arriving late is dropped cannot wait for a change that must not come)."""
        self.released = True
        if settle:
            assert self.routes, "the GET was never held"
        for route in self.routes:
            if settle:
                with self.page.expect_response(lambda r, url=route.request.url: r.url == url, timeout=SLOW):
                    route.continue_()
            else:
                route.continue_()
        if settle:
            self.page.wait_for_timeout(300)
