"""The web service's own `/metrics` (tester 24b: 404, so the gateway's answers could not be counted):
Prometheus text with the requests the web process answered, its pages and the gateway's alike, and
no token needed (as every service's); a service's `/metrics` is still not proxied by the gateway."""

from __future__ import annotations

import httpx
from vc_web.app import create_app
from vc_web.settings import WebSettings


async def test_the_web_service_counts_its_own_answers_on_its_own_metrics() -> None:
    app = create_app(WebSettings(dev_signin=True, jwt_secret="s" * 48, gateway=True))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
        # given a request the web process answers itself
        assert (await http.get("/healthz")).status_code == 200
        # when its metrics are read (no token)
        r = await http.get("/metrics")
        proxied = await http.get("/api/ledger/metrics")
    # then they are Prometheus text holding that request; the services' own are not reachable here
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain"), r.text[:200]
    assert 'route="/healthz"' in r.text and 'status="200"' in r.text
    assert proxied.status_code == 404
