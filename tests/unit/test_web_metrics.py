"""The web service's own `/metrics` (tester 24b: 404, so the gateway's answers could not be counted):
Prometheus text with the requests the web process answered, its pages and the gateway's alike, and
no token needed (as every service's); a service's `/metrics` is still not proxied by the gateway."""

from __future__ import annotations

import socket

import httpx
import pytest
from devstack.procs import free_port
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


async def test_with_a_metrics_port_the_pages_port_has_no_metrics_and_the_other_port_has_them() -> None:
    """Production (deploy: VC_WEB_METRICS_PORT): the Ingress forwards everything on the pages' port
    to the public, so /metrics must not be there at all; Prometheus scrapes the metrics port, which
    counts the pages' requests all the same. The listener is closed when the app stops."""
    port = free_port()
    settings = WebSettings(metrics_port=port, metrics_host="127.0.0.1")
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
            # given a request answered on the pages' port
            assert (await http.get("/healthz")).status_code == 200
            # when /metrics is asked there (what the Ingress would forward) and on the metrics port
            public = await http.get("/metrics")
            public_slash = await http.get("/metrics/")
        async with httpx.AsyncClient() as internal:
            scraped = await internal.get(f"http://127.0.0.1:{port}/metrics")
    # then the pages' port answers 404 in the error format; the metrics port has them all
    assert public.status_code == 404 and public.json()["code"] == "not_found", public.text[:200]
    assert public_slash.status_code == 404
    assert scraped.status_code == 200 and scraped.headers["content-type"].startswith("text/plain")
    assert 'route="/healthz"' in scraped.text
    with socket.socket() as probe:  # the listener went with the app
        assert probe.connect_ex(("127.0.0.1", port)) != 0


def test_the_metrics_port_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VC_WEB_METRICS_PORT", "9000")
    assert WebSettings().metrics_port == 9000
    monkeypatch.setenv("VC_WEB_METRICS_PORT", " ")  # blank, as `${VAR:-}` in compose: the pages' port
    assert WebSettings().metrics_port is None
    monkeypatch.delenv("VC_WEB_METRICS_PORT")
    assert WebSettings().metrics_port is None
