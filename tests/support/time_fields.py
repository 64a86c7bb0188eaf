"""A request body with one date-time and one date field, as the services declare them, and the
reason the shared reasons give for a refused value: for tests of how times are read."""

from __future__ import annotations

from eventkit.reasons import reason_for
from pydantic import BaseModel, ValidationError
from vc_contracts.base import ShanghaiDate, ShanghaiDateTime


class Body(BaseModel):
    at: ShanghaiDateTime | None = None
    day: ShanghaiDate | None = None


def body_reason(**fields: str) -> str | None:
    """The first refusal's reason of `Body(**fields)` (None: accepted)."""
    try:
        Body(**fields)  # type: ignore[arg-type]
    except ValidationError as refused:
        return reason_for(refused.errors()[0])
    return None
