"""How long an idle HTTP connection between our own processes stays open, on each side.

A client that sends a request on a pooled connection the server is closing at that moment gets a
transport error, not an answer: the web gateway answered 502 `upstream_unavailable` ("名册服务暂时无法
访问") to a page, now and then, because uvicorn's default keep-alive (5 s) and httpx's pool (idle
connections kept 5 s) were the same: a request could leave on a connection the service was closing.
`make bench` met the same race and kept its own shorter setting. The rule load balancers document for
their back ends: the server keeps an idle connection open longer than any client keeps it for reuse.
"""

from __future__ import annotations

SERVER_KEEP_ALIVE_SECONDS = 30
"""uvicorn's `--timeout-keep-alive` for every service (devstack, the container image)."""

CLIENT_KEEP_ALIVE_SECONDS = 2.0
"""How long our clients of the services (the web gateway, the benchmark) keep an idle connection;
well below SERVER_KEEP_ALIVE_SECONDS."""
