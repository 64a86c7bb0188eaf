"""The live dashboard's API: the overview of a division for a period, and the server-sent event
stream telling an open dashboard which divisions' figures just changed (contract: README, API).

The stream is fed by the projections' commits (eventkit.changes: one LISTEN connection per
process, fanned out); the token comes in the Authorization header like everywhere else (the SPA
reads the stream with fetch), never in the URL.
"""

from __future__ import annotations

from typing import Annotated, Any

from eventkit.changes import stream_changes
from eventkit.clock import now_cst
from eventkit.dependencies import CurrentPrincipal, CurrentRuntime
from eventkit.errors import AppError
from eventkit.params import YearOrQuarterQuery
from eventkit.periods import quarter_of
from eventkit.scoping import scope_prefix
from fastapi import APIRouter, Header, Query
from sse_starlette import EventSourceResponse
from vc_contracts.numerals import ascii_whole

from reporting.application.due_rules_view import rule_sets
from reporting.application.overview import overview

router = APIRouter(tags=["dashboard"])
HEARTBEAT_SECONDS = 15


class InvalidLastEventIdError(AppError):
    status, code = 422, "validation_failed"


@router.get(
    "/dashboard/overview", summary="看板总览 Dashboard overview of a division (drill-down, no ranking)"
)
async def dashboard_overview(
    who: CurrentPrincipal,
    runtime: CurrentRuntime,
    division: Annotated[
        str | None, Query(description="Division code inside your scope (6 or 12 digits)")
    ] = None,
    period: YearOrQuarterQuery = None,
) -> dict[str, Any]:
    """Tiles (with last year's values), children in code order, the village grid (county level and
    below) and the 工作预警 list of `division` (default: your scope) for `period` (2026Q4 or 2026;
    default: this quarter). 403 outside your scope, 404 for a division the dashboard does not know,
    422 for a malformed code or a period not begun."""
    prefix = scope_prefix(who, division)
    sets = await rule_sets(runtime.pool, runtime.settings.schema)
    key = period or quarter_of(now_cst())
    return await overview(runtime.pool, runtime.settings.schema, who.scope_prefix, prefix, key, sets)


@router.get(
    "/dashboard/stream",
    summary="看板实时推送 Server-sent events: divisions whose figures changed (scoped)",
    response_class=EventSourceResponse,
    responses={200: {"description": "An endless event stream", "content": {"text/event-stream": {}}}},
)
async def dashboard_stream(
    who: CurrentPrincipal,
    runtime: CurrentRuntime,
    last_event_id: Annotated[str | None, Header(alias="Last-Event-ID")] = None,
) -> EventSourceResponse:
    """`event: changed` with `{"divisions": [...], "position": n}` for each commit touching your
    scope, `ready` first (or the replay since `Last-Event-ID`, or `reset` when that is too old),
    `: ping` comments every 15 s."""
    # ASCII digits only: "²" passes isdigit() and makes int() raise, 20 digits overflow bigint (500s)
    last = ascii_whole(last_event_id) if last_event_id is not None else None
    if last_event_id is not None and last is None:
        raise InvalidLastEventIdError("Last-Event-ID 须为非负整数", field="Last-Event-ID")
    hub = runtime.changes
    assert hub is not None  # the reporting service keeps a change feed (main.SPEC)
    return EventSourceResponse(
        stream_changes(hub, who.scope_prefix, last),
        ping=HEARTBEAT_SECONDS,
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
