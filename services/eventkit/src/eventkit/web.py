"""HTTP plumbing shared by every service: errors, correlation ids, health, readiness, metrics."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Mapping
from typing import Annotated, Any, TypeVar
from uuid import uuid4

from fastapi import Depends, FastAPI, Header, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect

from eventkit import metrics
from eventkit.auth import Principal
from eventkit.edge import BODY_BYTES_READ, BodyTooLargeError, EdgeGuard
from eventkit.errors import AppError, ErrorBody, FieldError
from eventkit.logs import correlation_id
from eventkit.reasons import reason_for
from eventkit.store import ConcurrencyError

log = logging.getLogger(__name__)

_VALIDATION_MESSAGE = "请求内容有误，请检查标出的字段"
_CORRELATION_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
Hints = Mapping[str, str]
"""Expected formats by field name, used as the reason of a format mismatch (e.g. registry codes)."""

HTTP_ERRORS: dict[int, tuple[str, str]] = {
    400: ("malformed_json", "请求体无法解析：不是有效的 JSON（格式或编码错误、嵌套过深），请检查后重试"),
    401: ("unauthenticated", "缺少或无效的身份令牌"),
    403: ("forbidden", "无权执行此操作"),
    404: ("not_found", "请求的资源不存在"),
    405: ("method_not_allowed", "不支持该请求方法"),
    406: ("not_acceptable", "无法按请求的格式作答"),
    413: ("payload_too_large", "请求体过大"),
    415: ("unsupported_media_type", "不支持该请求内容类型"),
    422: ("validation_failed", _VALIDATION_MESSAGE),
}
"""Status → (code, Chinese message) for errors raised by the framework itself (Starlette's 404/405,
FastAPI's 400 on an unparsable body, our edge guard's 413). Any other status answers OTHER_ERROR."""
OTHER_ERROR = ("request_refused", "请求无法处理")
CLIENT_CLOSED_REQUEST = 499
"""The status counted for a request whose client went away before it was answered (nginx's "client
closed request"): nobody reads the answer, and it is no fault of the server (never a 500)."""


_DECLARED = {
    400: "请求体无法解析，或请求头重复 Malformed JSON body, or a header sent twice (duplicate_header)",
    401: "缺少或无效的身份令牌 Missing or invalid bearer token",
    403: "超出权限或管辖范围 Outside the caller's role or scope",
    404: "资源不存在 Not found",
    406: "无法按 Accept 所列的格式作答 Accept takes none of the types this operation answers",
    409: "与现有数据冲突 Conflicts with existing state",
    413: "请求体过大 Body above the size limit",
    415: "请求体类型不符（JSON，导入为其文件类型） Body is not of a type this operation reads (Content-Type)",
    422: "请求内容有误或违反业务规则 Invalid input or a broken rule",
}


def error_responses() -> dict[int | str, dict[str, Any]]:
    """The error answers every operation declares in OpenAPI, all with the ErrorBody schema; the
    422 replaces FastAPI's default HTTPValidationError, which no answer uses."""
    return {status: {"model": ErrorBody, "description": text} for status, text in _DECLARED.items()}


def install_error_schema(app: FastAPI) -> None:
    """Make every declared 4xx answer `application/json` with the ErrorBody schema, also on routes
    whose success is HTML, a spreadsheet or plain text (FastAPI would give them the route's type)."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        document = build()
        error = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
        for operations in document.get("paths", {}).values():
            for operation in operations.values():
                for status, answer in operation.get("responses", {}).items():
                    if status.startswith("4"):
                        answer["content"] = error
        app.openapi_schema = document
        return document

    app.openapi = openapi  # type: ignore[method-assign]


def _field_path(loc: tuple[Any, ...]) -> str:
    return ".".join(str(p) for p in loc) or "body"  # a model-level refusal names the whole body


def _of_item(loc: tuple[Any, ...], reason: str) -> str:
    """`reason` led by the item it is of when `loc` ends in a list's index: a page shows it at the
    list's one field (协办单位, 参与股室 one a line), where "（第 1 个字符）" alone, counted in the
    item, pointed at the wrong character of the text typed."""
    if len(loc) > 1 and type(loc[-1]) is int:
        return f"第 {loc[-1] + 1} 项：{reason}"
    return reason


def _json(status: int, body: ErrorBody) -> JSONResponse:
    return JSONResponse(status_code=status, content=body.model_dump(mode="json"))


def framework_error(status: int, message: str | None = None) -> ErrorBody:
    """The error body of an error FastAPI or Starlette raised itself (404 route, 405, …)."""
    code, default = HTTP_ERRORS.get(status, OTHER_ERROR)
    return ErrorBody(code=code, message=message or default, correlation_id=correlation_id.get())


def validation_response(exc: RequestValidationError, hints: Hints | None = None) -> JSONResponse:
    """422 `validation_failed` with a Chinese reason per field; an unparsable JSON body is a 400
    `malformed_json` (FastAPI reports it as a validation error of type json_invalid)."""
    details = list(exc.errors())
    if any(e.get("type") == "json_invalid" for e in details):
        return _json(400, framework_error(400))
    hints = hints or {}
    errors = [
        FieldError(
            field=_field_path(e["loc"]),
            reason=_of_item(e["loc"], reason_for(e, hints.get(str(e["loc"][-1]) if e["loc"] else ""))),
        )
        for e in details
    ]
    body = ErrorBody(
        code="validation_failed",
        message=_VALIDATION_MESSAGE,
        field=errors[0].field if errors else None,
        errors=errors,
        correlation_id=correlation_id.get(),
    )
    return _json(422, body)


def went_away(exc: BaseException) -> bool:
    """Whether `exc` is, or was raised because of, the client going away in the middle of its
    request (Starlette's ClientDisconnect; FastAPI wraps it in a 400 when it reads a JSON body, a
    proxy may wrap it in its own error)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, ClientDisconnect):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


def client_gone(request: Request) -> Response:
    """Log, once and without a traceback, that the client went away, and give the 499 to count: the
    answer is never sent. Nothing was done for the request (its body never arrived whole)."""
    declared = request.headers.get("content-length")
    read = request.scope.get("state", {}).get(BODY_BYTES_READ)
    size = f"{read if read is not None else '?'} of {declared or 'unknown'} body bytes"
    log.warning("client went away: %s %s after %s", request.method, request.url.path, size)
    return Response(status_code=CLIENT_CLOSED_REQUEST)


def install_error_handlers(app: FastAPI, hints: Hints | None = None, *, body_caps: bool = True) -> None:
    """Every error in the one ErrorBody format, and the edge guard (`eventkit.edge`); `hints` name
    the expected format of fields.

    `body_caps=False` leaves out the guard's body caps, for the web gateway, which passes bodies
    through to the service that enforces them (its other checks hold for the web service too)."""

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
        return validation_response(exc, hints)

    @app.exception_handler(ClientDisconnect)
    async def disconnected(request: Request, _: ClientDisconnect) -> Response:
        return client_gone(request)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if went_away(exc):  # FastAPI's 400 "error parsing the body" when the client hung up
            return client_gone(request)
        # the framework's detail is English: never shown, the code says what happened
        own = exc.detail if isinstance(exc, BodyTooLargeError) else None
        return _json(exc.status_code, framework_error(exc.status_code, own))

    # inside the correlation middleware below: its answers carry the id
    app.add_middleware(EdgeGuard, body_caps=body_caps)

    @app.middleware("http")
    async def with_correlation_id(request: Request, call_next: Any) -> Response:
        given = request.headers.get("x-correlation-id", "")
        value = given if _CORRELATION_ID.fullmatch(given) else str(uuid4())  # never echo or log junk
        token = correlation_id.set(value)
        started = time.perf_counter()
        try:
            response: Response = await call_next(request)
        except Exception as exc:
            if went_away(exc):  # raised outside the handlers above (a middleware, the gateway)
                response = client_gone(request)
            else:
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
    """The Prometheus exposition of this process's metrics."""
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


def authenticate(request: Request, authorization: Annotated[str | None, Header()] = None) -> Principal:
    """The principal of the request's bearer token; UnauthorizedError if it is missing or invalid.
    Verified once per request: the read rule (`eventkit.reads`) and the route both ask for it."""
    known: tuple[str | None, Principal] | None = getattr(request.state, "principal", None)
    if known is not None and known[0] == authorization:
        return known[1]
    who: Principal = request.app.state.runtime.verifier.verify(authorization)
    request.state.principal = (authorization, who)
    return who


T = TypeVar("T")


async def checked(request: Request, check: Callable[..., T], *args: Any) -> T:
    """`check(*args)`, which may verify the request's token: on the event loop when verifying is
    CPU only (the shared secret), in a worker thread when it may fetch keys (JWKS) or the runtime
    is not known. FastAPI runs every plain `def` dependency in a worker thread: a thread hop per
    dependency and request (in-process, ~5-7 hops were ~1-2 ms of a request's CPU)."""
    runtime = getattr(request.app.state, "runtime", None)
    if runtime is None or runtime.verifier.fetches_keys:
        return await run_in_threadpool(check, *args)
    return check(*args)


async def _principal(request: Request, authorization: Annotated[str | None, Header()] = None) -> Principal:
    return await checked(request, authenticate, request, authorization)


CurrentPrincipal = Annotated[Principal, Depends(_principal)]
