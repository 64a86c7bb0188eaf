"""HTTP plumbing shared by every service: errors, correlation ids, health, readiness, metrics."""

from __future__ import annotations

import logging
import time
from typing import Annotated, Any
from uuid import uuid4

from fastapi import Depends, FastAPI, Header, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.exceptions import HTTPException as StarletteHTTPException

from eventkit import metrics
from eventkit.auth import Principal
from eventkit.errors import AppError, ErrorBody, FieldError
from eventkit.logs import correlation_id
from eventkit.store import ConcurrencyError

log = logging.getLogger(__name__)

_VALIDATION_MESSAGE = "请求内容有误，请检查标出的字段"


def _field_path(loc: tuple[Any, ...]) -> str:
    return ".".join(str(p) for p in loc)


def _json(status: int, body: ErrorBody) -> JSONResponse:
    return JSONResponse(status_code=status, content=body.model_dump(mode="json"))


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(AppError)
    async def app_error(_: Request, exc: AppError) -> JSONResponse:
        return _json(exc.status, exc.body(correlation_id.get()))

    @app.exception_handler(ConcurrencyError)
    async def conflict(_: Request, exc: ConcurrencyError) -> JSONResponse:
        body = ErrorBody(
            code="version_conflict",
            message=f"数据已被他人修改（当前版本 {exc.actual}，预期 {exc.expected}），请刷新后重试",
            field="expected_version",
            errors=[FieldError(field="expected_version", reason=str(exc))],
            correlation_id=correlation_id.get(),
        )
        return _json(409, body)

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [FieldError(field=_field_path(e["loc"]), reason=e["msg"]) for e in exc.errors()]
        body = ErrorBody(
            code="validation_failed",
            message=_VALIDATION_MESSAGE,
            field=errors[0].field if errors else None,
            errors=errors,
            correlation_id=correlation_id.get(),
        )
        return _json(422, body)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        messages = {404: "请求的资源不存在", 405: "不支持该请求方法"}
        body = ErrorBody(
            code=f"http_{exc.status_code}",
            message=messages.get(exc.status_code, str(exc.detail)),
            correlation_id=correlation_id.get(),
        )
        return _json(exc.status_code, body)

    @app.middleware("http")
    async def with_correlation_id(request: Request, call_next: Any) -> Response:
        value = request.headers.get("x-correlation-id") or str(uuid4())
        token = correlation_id.set(value)
        started = time.perf_counter()
        try:
            response: Response = await call_next(request)
        except Exception:
            log.exception("unhandled error")  # the trace goes to the log, never to the caller
            response = _json(500, _internal_error())
        finally:
            correlation_id.reset(token)
        route = getattr(request.scope.get("route"), "path", "unmatched")  # the template, not the raw path
        metrics.HTTP_REQUESTS.labels(request.method, route, str(response.status_code)).observe(
            time.perf_counter() - started
        )
        response.headers["x-correlation-id"] = value
        return response


def _internal_error() -> ErrorBody:
    return ErrorBody(
        code="internal_error", message="服务器内部错误，请稍后重试", correlation_id=correlation_id.get()
    )


def metrics_response() -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


def authenticate(request: Request, authorization: Annotated[str | None, Header()] = None) -> Principal:
    verifier = request.app.state.runtime.verifier
    return verifier.verify(authorization)  # type: ignore[no-any-return]


CurrentPrincipal = Annotated[Principal, Depends(authenticate)]
