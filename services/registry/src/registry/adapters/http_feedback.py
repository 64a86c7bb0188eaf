"""Residents' feedback over HTTP: the public form's endpoint (no token) and the scoped list.

The public endpoint is what the notice-board page (vc_web.public) posts to. It takes no token, so
it is rate-limited per client address and village (eventkit.clients), and a double submit is
recognised by the form's `submission_id` (one per rendered form): the same submission again gets
the first answer back (`Idempotency-Replayed: true`) and appends nothing.
"""

from __future__ import annotations

import hashlib
import json
from typing import Annotated, Any

from eventkit.clients import client_address, client_key, trusted_set
from eventkit.clock import today_cst
from eventkit.dependencies import CurrentPrincipal, CurrentRuntime
from eventkit.idempotency import Idempotency
from eventkit.paging import Paging
from fastapi import APIRouter, Path, Query, Request
from pydantic import Field
from vc_contracts.catalogue.enums import ConsultationCategory
from vc_contracts.catalogue.fields import VILLAGE_CODE_PATTERN, FreeText, Phone

from registry.adapters.http_bodies import Body
from registry.application.feedback import PUBLIC_ACTOR, FeedbackCommands, list_feedback
from registry.application.sql_queries import ReadModel

router = APIRouter(tags=["resident feedback"])
Village = Annotated[str, Path(pattern=VILLAGE_CODE_PATTERN, description="12-digit village or community code")]
SUBMISSION_PATTERN = r"^[A-Za-z0-9_-]{8,64}$"


class FeedbackIn(Body):
    submission_id: str = Field(
        pattern=SUBMISSION_PATTERN,
        description="Id of this submission, chosen once per form shown (a UUID): a double submit "
        "under it replays the first answer",
    )
    category: ConsultationCategory = Field(description="What the question is about")
    text: FreeText = Field(description="The feedback or question, 1-2000 characters")
    callback_phone: Phone | None = Field(
        default=None, description="Optional phone to be called back on; never published"
    )


@router.post(
    "/public/villages/{code}/feedback",
    status_code=201,
    summary="居民留言（公开，无需令牌）Resident feedback from the notice board",
    responses={429: {"description": "Too many submissions from this client for this village this hour"}},
)
async def leave_feedback(
    code: Village, body: FeedbackIn, request: Request, runtime: CurrentRuntime
) -> dict[str, Any]:
    """201 `{feedback_id, village_code, stream_id, version, events}`; 404 unknown village; 422 a
    field (Chinese reason); 429 `rate_limited`. No personal data is required."""
    settings = runtime.settings
    client = client_key(client_address(request, trusted_set(settings.trusted_proxies)), settings.jwt_secret)
    content = json.dumps([code, body.model_dump(mode="json")], sort_keys=True, ensure_ascii=True)
    idem = Idempotency(
        runtime.store.schema,
        PUBLIC_ACTOR,
        body.submission_id,
        f"POST /public/villages/{{code}}/feedback#{hashlib.sha256(content.encode()).hexdigest()}",
        201,
        field="body.submission_id",
        shown=f"留言编号“{body.submission_id}”",
    )
    commands = FeedbackCommands(runtime.store, settings.feedback_per_hour)
    outcome = await commands.receive(code, body.category, body.text, body.callback_phone, client, idem)
    return outcome.as_json()


@router.get("/feedback", summary="居民留言列表 Residents' feedback (the village's advisor, the county)")
async def feedback_list(
    who: CurrentPrincipal,
    runtime: CurrentRuntime,
    paging: Paging,
    village_code: Annotated[str | None, Query(pattern=VILLAGE_CODE_PATTERN)] = None,
) -> dict[str, Any]:
    """Newest first, with `callback_phone`: a county admin sees its villages, an advisor the villages
    it serves today; anyone else, or a village outside that, 403."""
    db = ReadModel(runtime.pool, runtime.settings.schema)
    return await list_feedback(db, who, village_code, paging, today_cst())
