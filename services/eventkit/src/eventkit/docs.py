"""API docs pages that work without internet: Swagger UI's files from the swagger-ui-bundle package.

FastAPI's own /docs loads Swagger UI from a CDN, which government networks cannot reach. Here the
same page loads the files this service serves itself under /docs/static/. The URLs in the page are
relative, so it also works behind the Ingress's /api/<service>/ prefix. No /redoc (nothing ships it).

swagger-ui-bundle 1.1.0 (the newest) ships Swagger UI 4, which reads OpenAPI 3.0 only, while FastAPI
writes 3.1. The page therefore reads /docs/openapi.json, the same document restated in 3.0 terms
(`as_openapi_30`); /openapi.json, the contract clients and tests use, stays 3.1.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send
from swagger_ui_bundle import swagger_ui_path

from eventkit.credentials import token_in_query
from eventkit.logs import correlation_id

STATIC = "docs/static"
_NULL = {"type": "null"}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    """`anyOf: [X, {type: null}]` → X with `nullable: true` (a $ref goes under allOf: 3.0 ignores
    siblings of $ref); `type: [t, "null"]` → `type: t, nullable: true`."""
    variants = schema.get("anyOf")
    if isinstance(variants, list) and _NULL in variants:
        rest = [v for v in variants if v != _NULL]
        out = {k: v for k, v in schema.items() if k != "anyOf"}
        if len(rest) == 1 and "$ref" not in rest[0]:
            out = {**rest[0], **out}
        elif len(rest) == 1:
            out["allOf"] = rest
        else:
            out["anyOf"] = rest
        return {**out, "nullable": True}
    kinds = schema.get("type")
    if isinstance(kinds, list) and "null" in kinds:
        others = [k for k in kinds if k != "null"]
        return {**schema, "type": others[0] if len(others) == 1 else others, "nullable": True}
    return schema


def as_openapi_30(node: Any) -> Any:
    """The OpenAPI 3.1 document `node` restated for a 3.0 reader: nullable instead of null types,
    `example` instead of a list of `examples` in a schema, `enum` instead of `const`, boolean
    exclusive bounds. Pure: returns a new document."""
    if isinstance(node, list):
        return [as_openapi_30(item) for item in node]
    if not isinstance(node, dict):
        return node
    schema = _nullable(node)
    out = {key: as_openapi_30(value) for key, value in schema.items()}
    if isinstance(out.get("examples"), list) and ("type" in out or "$ref" in out or "allOf" in out):
        examples = out.pop("examples")
        if examples:
            out["example"] = examples[0]
    if "const" in out:
        out["enum"] = [out.pop("const")]
    for bound, plain in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        if isinstance(out.get(bound), int | float) and not isinstance(out[bound], bool):
            out[plain], out[bound] = out[bound], True
    if isinstance(out.get("openapi"), str) and out["openapi"].startswith("3.1"):
        out["openapi"] = "3.0.3"
    return out


class _SwaggerFiles(StaticFiles):
    """Swagger UI's files. A mount skips the app's dependencies, so the no-token-in-URL rule that
    every route has is applied here too."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        refusal = token_in_query(scope.get("query_string", b"").decode("latin-1"))
        if refusal is None:
            await super().__call__(scope, receive, send)
            return
        body = refusal.body(correlation_id.get()).model_dump(mode="json")
        await JSONResponse(body, status_code=refusal.status)(scope, receive, send)


def install_offline_docs(app: FastAPI) -> None:
    """GET /docs (Swagger UI), /docs/openapi.json (3.0 view) and /docs/static/* (Swagger UI's files).
    Build the app with docs_url=None and redoc_url=None."""
    app.mount(f"/{STATIC}", _SwaggerFiles(directory=str(swagger_ui_path)), name="swagger-ui")

    @app.get("/docs/openapi.json", include_in_schema=False)
    async def openapi_30() -> JSONResponse:
        return JSONResponse(as_openapi_30(app.openapi()))

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        page = get_swagger_ui_html(
            openapi_url="docs/openapi.json",  # relative: also right under the Ingress's /api/<service>/
            title=f"{app.title} · 接口文档",
            swagger_js_url=f"{STATIC}/swagger-ui-bundle.js",
            swagger_css_url=f"{STATIC}/swagger-ui.css",
            swagger_favicon_url=f"{STATIC}/favicon-32x32.png",
        )
        page.headers["Cache-Control"] = "no-cache"
        return page
