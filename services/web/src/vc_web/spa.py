"""The built single-page app (services/web/frontend/dist) with history fallback.

Vite names every file under assets/ by its content hash, so those are cached for a year
(`immutable`); index.html and any other top-level file are revalidated on every load
(`no-cache`), so a new build reaches browsers at once. Any other GET path that is not an API
answers index.html and the SPA's router draws the page (or its own "not found").
"""

from __future__ import annotations

from pathlib import Path

from eventkit.errors import NotFoundError
from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from starlette.exceptions import HTTPException

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
# Prefixes that never fall back to the SPA: a wrong API path must stay a JSON 404.
NOT_PAGES = ("api/", "auth/", "public/", "docs", "redoc", "openapi.json", "healthz", "readyz", "metrics")

NOT_BUILT = """<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>页面尚未构建</title>
<body style="font-family:sans-serif;margin:3rem"><h1>前端页面尚未构建</h1>
<p>请在仓库根目录运行 <code>make install</code>
（或 <code>uv run python -m devstack.frontend</code>）后刷新。</p>
</body></html>"""

router = APIRouter(include_in_schema=False)


def _file(dist: Path, relative: str) -> Path | None:
    """`relative` inside `dist` if it is a file there (no escaping upwards with `..`)."""
    if not relative:
        return None
    try:
        candidate = (dist / relative).resolve()
        if candidate.is_file() and candidate.is_relative_to(dist.resolve()):
            return candidate
    except (OSError, ValueError):  # a name longer than the file system's 255 bytes: no such file
        return None  # (it raised ENAMETOOLONG, a 500 for a mistyped or forged address)
    return None


@router.api_route("/{path:path}", methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
async def page(path: str, request: Request) -> Response:
    """Every method, so that an API path the app does not serve (say /auth/dev/token with dev
    sign-in off) is a 404 in the error format rather than a 405 from this route's GET."""
    if path.startswith(NOT_PAGES):
        raise NotFoundError("请求的资源不存在")
    if request.method not in {"GET", "HEAD"}:
        raise HTTPException(405)
    dist: Path = request.app.state.dist
    found = _file(dist, path)
    if found is not None:
        cache = IMMUTABLE if path.startswith("assets/") else REVALIDATE
        return FileResponse(found, headers={"Cache-Control": cache})
    if path.startswith("assets/"):  # an old hashed name after a new build: not a page
        raise NotFoundError("请求的资源不存在")
    index = dist / "index.html"
    if not index.is_file():
        return HTMLResponse(NOT_BUILT, status_code=503, headers={"Cache-Control": REVALIDATE})
    return FileResponse(index, media_type="text/html", headers={"Cache-Control": REVALIDATE})
