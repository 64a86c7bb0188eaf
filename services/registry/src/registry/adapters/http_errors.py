"""The registry's 422 for malformed requests: the shared error body, with reasons in Chinese."""

from __future__ import annotations

from eventkit.errors import ErrorBody, FieldError
from eventkit.logs import correlation_id
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from registry.application.reasons import FORMAT_HINTS, reason_for


def explain_validation_in_chinese(app: FastAPI) -> None:
    """Replaces the shared handler for this app only; code, message and fields stay the same."""

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            FieldError(
                field=".".join(str(part) for part in e["loc"]),
                reason=reason_for(e, FORMAT_HINTS.get(str(e["loc"][-1]) if e["loc"] else "")),
            )
            for e in exc.errors()
        ]
        body = ErrorBody(
            code="validation_failed",
            message="请求内容有误，请检查标出的字段",
            field=errors[0].field if errors else None,
            errors=errors,
            correlation_id=correlation_id.get(),
        )
        return JSONResponse(status_code=422, content=body.model_dump(mode="json"))
