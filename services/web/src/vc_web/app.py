"""Composition root of the web service: pages, sign-in, the public board, the dev gateway.

`create_app(settings)` wires, in this order (the SPA's catch-all must come last):
  /healthz, /readyz, /auth/config      always
  /metrics                               here without VC_WEB_METRICS_PORT (dev stack); with it, only
                                         on that port's own listener (production: off the public port)
  /auth/dev/people, /auth/dev/token      only with VC_WEB_DEV_SIGNIN (else 404)
  /api/<service>/…                       only with VC_WEB_GATEWAY (dev stack; production: the Ingress)
  vc_web.public.router                   the public notice board and poster, when that package exists
  /…                                     the built SPA with history fallback
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import importlib.util
import logging
from collections.abc import AsyncIterator

from eventkit import logs
from eventkit.credentials import refuse_token_in_url
from eventkit.docs import install_offline_docs
from eventkit.web import install_error_handlers, metrics_response
from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from prometheus_client import start_http_server
from pydantic import BaseModel

from vc_web import dev_signin, gateway, spa
from vc_web.settings import WebSettings

SERVICE_NAME = "web"
log = logging.getLogger(__name__)


class OidcConfig(BaseModel):
    issuer: str
    client_id: str
    scope: str


class SignInConfig(BaseModel):
    """What the sign-in page offers: demo people (development) and/or the OIDC provider."""

    dev_signin: bool
    oidc: OidcConfig | None


def _public_router() -> APIRouter | None:
    """The public pages' router (vc_web/public/, the notice board), once that package exists."""
    if importlib.util.find_spec("vc_web.public") is None:
        return None
    router: APIRouter = importlib.import_module("vc_web.public").router
    return router


@contextlib.asynccontextmanager
async def internal_metrics(settings: WebSettings) -> AsyncIterator[None]:
    """With `metrics_port`, this process's metrics on a listener of their own for the app's life.

    Why a port of its own: the Ingress (or a reverse proxy in front of compose) forwards everything
    under `/` on the pages' port, so a /metrics there is public however the proxy is configured; a
    path rule in front would have to follow nginx's normalisation (case, dot segments, slashes) and
    hold for every proxy. The metrics port is simply never forwarded. prometheus_client's server
    (a thread) reads the same registry the pages' requests are counted in."""
    if settings.metrics_port is None:
        yield
        return
    server, thread = start_http_server(settings.metrics_port, addr=settings.metrics_host)
    log.info("metrics on %s:%s (not on the pages' port)", settings.metrics_host, server.server_port)
    try:
        yield
    finally:
        await asyncio.to_thread(server.shutdown)  # returns once serve_forever's loop has stopped
        server.server_close()
        thread.join(timeout=5)


def create_app(settings: WebSettings | None = None) -> FastAPI:
    settings = settings or WebSettings()
    if settings.dev_signin and not settings.jwt_secret:
        raise ValueError("VC_WEB_DEV_SIGNIN needs VC_JWT_SECRET (the dev tokens' signing key)")

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        logs.configure(SERVICE_NAME)
        async with gateway.new_client() as client, internal_metrics(settings):
            app.state.http = client
            yield

    app = FastAPI(
        title="村居法律顾问 · 网页",
        description="Pages, sign-in and (in the dev stack) the gateway to the four APIs",
        version="0.1.0",
        lifespan=lifespan,
        dependencies=[Depends(refuse_token_in_url)],  # no token in any URL, pages included
        docs_url=None,
        redoc_url=None,
    )
    install_offline_docs(app)
    install_error_handlers(app, body_caps=False)  # the services cap bodies; the gateway streams them
    app.state.settings = settings
    app.state.dist = settings.dist_dir
    app.state.upstreams = settings.upstreams()
    app.state.jwt_secret = settings.jwt_secret

    @app.get("/healthz", tags=["ops"])
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    if settings.metrics_port is None:  # else: on its own port only, and here a 404 (spa.NOT_PAGES)

        @app.get("/metrics", tags=["ops"], summary="Prometheus metrics", response_class=PlainTextResponse)
        async def metrics() -> Response:
            """This process's metrics, as every service's: the gateway's own answers are counted too
            (a client that hung up mid-upload is its 499, never a 500)."""
            return metrics_response()

    @app.get("/readyz", tags=["ops"])
    async def readyz(request: Request) -> JSONResponse:
        built = (request.app.state.dist / "index.html").is_file()
        body = {"ready": built, "checks": {"pages": built}}
        return JSONResponse(status_code=200 if built else 503, content=body)

    @app.get("/auth/config", tags=["sign-in"], summary="登录方式 How to sign in")
    async def auth_config() -> SignInConfig:
        oidc = None
        if settings.oidc_issuer and settings.oidc_client_id:
            oidc = OidcConfig(issuer=settings.oidc_issuer, client_id=settings.oidc_client_id,
                              scope=settings.oidc_scope)  # fmt: skip
        return SignInConfig(dev_signin=settings.dev_signin, oidc=oidc)

    if settings.dev_signin:
        app.include_router(dev_signin.router)
    if settings.gateway:
        app.include_router(gateway.router)
    public = _public_router()
    if public is not None:
        app.include_router(public)
    app.include_router(spa.router)  # last: its catch-all would shadow anything after it
    return app
