"""Domain and access errors, and the one error body every service answers with.

Error body (every 4xx, every service):
    {"code": "...", "message": "中文说明", "field": "village_code" | null,
     "errors": [{"field": "...", "reason": "..."}], "correlation_id": "..."}
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Annotated, Any, Self

from pydantic import AfterValidator, BaseModel, Field

LOCATIONS = ("body", "query", "path", "header", "cookie")
"""Where FastAPI says an input came from, as the first part of a validation error's `loc`."""


def input_name(field: str | None) -> str | None:
    """The one form every refusal names an input by: its name as the caller sent it, without where it
    came from (`ended_at`, `page`, `changes.summary`, `co_organisers.1`, `Idempotency-Key`).

    A body field was `body.ended_at` when pydantic refused it and `ended_at` when a domain rule did, a
    query filter `query.county` and `county`: a client had to match both. Applied to every error body
    (`ErrorBody`, `FieldError`), so no raise site or framework path can bring the other form back.
    `body` alone (the whole body refused) stays `body`."""
    if field is None:
        return None
    where, dot, name = field.partition(".")
    return name if dot and name and where in LOCATIONS else field


InputName = Annotated[str, AfterValidator(input_name)]


class FieldError(BaseModel):
    """One offending input of a refused request, with the reason in Chinese."""

    field: InputName = Field(
        description="Dotted path of the offending input, e.g. village_code, changes.summary"
    )
    reason: str


class ErrorBody(BaseModel):
    """The single documented error format."""

    code: str = Field(description="Stable machine code, e.g. validation_failed, version_conflict")
    message: str = Field(description="Human-readable explanation in Simplified Chinese")
    field: Annotated[str | None, AfterValidator(input_name)] = Field(
        default=None, description="The first offending input, if any (named as in `errors`)"
    )
    errors: list[FieldError] = Field(default_factory=list)
    correlation_id: str | None = None


class AppError(Exception):
    """An error the caller can act on; carries its HTTP status and error code.

    `reasons` lists every offending field as (field, reason) when there is more than one to name
    (the body's `errors`); without it `errors` names `field` with the message.
    """

    status = 400
    code = "bad_request"

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        details: dict[str, Any] | None = None,
        reasons: Sequence[tuple[str, str]] = (),
    ):
        super().__init__(message)
        self.message, self.field, self.details = message, field, details or {}
        self.reasons = list(reasons)

    def within(self, prefix: str, renamed: Mapping[str, str] | None = None) -> Self:
        """This error with every field it names (`field`, `reasons`) read as a path under `prefix`:
        `summary` under `changes` is `changes.summary`; `renamed` first maps a field to the one that
        stands for it (e.g. a derived field to the input it comes from). Returns the same error
        (changed in place), for `raise exc.within(...)`."""
        renamed = renamed or {}

        def path(name: str) -> str:
            return f"{prefix}.{renamed.get(name, name)}"

        self.field = path(self.field) if self.field else self.field
        self.reasons = [(path(name), reason) for name, reason in self.reasons]
        return self

    def body(self, correlation_id: str | None) -> ErrorBody:
        errors = [FieldError(field=f, reason=r) for f, r in self.reasons]
        if not errors and self.field:
            errors = [FieldError(field=self.field, reason=self.message)]
        return ErrorBody(
            code=self.code,
            message=self.message,
            field=self.field,
            errors=errors,
            correlation_id=correlation_id,
        )


class RuleViolationError(AppError):
    """A command breaks a domain rule (e.g. dates in the wrong order, visit in the future)."""

    status, code = 422, "rule_violated"


class ConflictError(AppError):
    """The command clashes with existing state (overlap, duplicate, already filed)."""

    status, code = 409, "conflict"


class VersionConflictError(AppError):
    """409 `version_conflict` for a request that sent no version: what it writes kept moving while
    it was decided (a command's retries, an import's plans ran out), so the caller sends it again.
    `field` names nothing the request lacks (a stale `expected_version` the caller did send is
    `store.ConcurrencyError`, answered naming `expected_version`)."""

    status, code = 409, "version_conflict"


class NotFoundError(AppError):
    """The thing asked for does not exist, or is outside the caller's scope to know of (HTTP 404)."""

    status, code = 404, "not_found"


class RateLimitedError(AppError):
    """Too many requests from one client in a window (public endpoints: no token to hold to account)."""

    status, code = 429, "rate_limited"


class UnauthorizedError(AppError):
    """No valid token (HTTP 401)."""

    status, code = 401, "unauthenticated"


class ForbiddenError(AppError):
    """A valid token whose role or scope does not allow this (HTTP 403)."""

    status, code = 403, "forbidden"
