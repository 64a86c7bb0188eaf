"""Residents' questions over HTTP: the public form's endpoint (no token), the answer read back with
the short code (no token), and the scoped list for the village's advisor and the county.

The public endpoints are what the notice-board pages (vc_web.public) call. The form's endpoint
takes no token, so it is rate-limited per client address (eventkit.clients), and a double submit is
recognised by the form's `submission_id` (one per rendered form): the same submission again gets
the first answer back (`Idempotency-Replayed: true`, the same code) and appends nothing.
"""

from __future__ import annotations

import hashlib
import json
from typing import Annotated, Any, Literal, Self

from eventkit.clients import client_address, client_key, trusted_set
from eventkit.clock import today_cst
from eventkit.dependencies import CurrentPrincipal, CurrentRuntime
from eventkit.idempotency import Idempotency
from eventkit.paging import Paging
from fastapi import APIRouter, Path, Query, Request
from pydantic import Field, model_validator
from vc_contracts import ShanghaiDateTime
from vc_contracts.catalogue.enums import ConsultationCategory, ResidentRequestKind
from vc_contracts.catalogue.fields import VILLAGE_CODE_PATTERN, FreeText, Phone

from registry.adapters.http_bodies import Body
from registry.application.feedback import PUBLIC_ACTOR, FeedbackCommands, list_feedback, public_answer
from registry.application.sql_queries import ReadModel
from registry.domain.feedback import ResidentRequest

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
    kind: ResidentRequestKind = Field(
        default=ResidentRequestKind.question, description="question (answered in writing) or meeting"
    )
    meeting_at: ShanghaiDateTime | None = Field(
        default=None,
        description="A meeting: the start of one of the village's coming on-site times (+08:00), as the"
        " board offers them",
    )

    @model_validator(mode="after")
    def _meeting_time_only_for_a_meeting(self) -> Self:
        if self.kind is ResidentRequestKind.question and self.meeting_at is not None:
            raise ValueError("只有预约面谈需要选择驻村时间")
        return self


@router.post(
    "/public/villages/{code}/feedback",
    status_code=201,
    summary="居民留言提问或预约面谈（公开，无需令牌）A resident's question from the notice board",
    responses={429: {"description": "Too many submissions from this client within a minute"}},
)
async def leave_feedback(
    code: Village, body: FeedbackIn, request: Request, runtime: CurrentRuntime
) -> dict[str, Any]:
    """201 `{feedback_id, code, village_code, kind, stream_id, version, events}` (`code`: the short
    code the resident reads the answer with); 404 unknown village; 422 a field (Chinese reason), a
    meeting time that is not one of the village's on-site times; 429 `rate_limited`. No personal
    data is required."""
    settings = runtime.settings
    client = client_key(client_address(request, trusted_set(settings.trusted_proxies)), settings.jwt_secret)
    content = json.dumps([code, body.model_dump(mode="json")], sort_keys=True, ensure_ascii=True)
    idem = Idempotency(
        runtime.store.schema,
        PUBLIC_ACTOR,
        body.submission_id,
        f"POST /public/villages/{{code}}/feedback#{hashlib.sha256(content.encode()).hexdigest()}",
        201,
        field="submission_id",
        shown=f"留言编号“{body.submission_id}”",
    )
    commands = FeedbackCommands(runtime.store, settings.questions_per_minute)
    asked = ResidentRequest(body.kind, body.category, body.text, body.meeting_at)
    outcome = await commands.receive(code, asked, body.callback_phone, client, idem, today_cst())
    return outcome.as_json()


@router.get(
    "/public/villages/{code}/questions/{question_code}",
    summary="凭查询码查看答复（公开，无需令牌）A resident reads the answer with the question's code",
)
async def read_answer(
    code: Village,
    question_code: Annotated[str, Path(min_length=4, max_length=20, pattern=r"^[A-Za-z0-9 -]+$")],
    runtime: CurrentRuntime,
) -> dict[str, Any]:
    """`{village_code, village_name, kind, kind_label, category, category_label, text, received_at,
    meeting_at, status: open|answered, answer, answered_at, channel, channel_label}`; never the phone.
    404 when no question of this village has that code (case and dashes ignored)."""
    return await public_answer(ReadModel(runtime.pool, runtime.settings.schema), code, question_code)


@router.get("/feedback", summary="居民留言列表 Residents' feedback (the village's advisor, the county)")
async def feedback_list(
    who: CurrentPrincipal,
    runtime: CurrentRuntime,
    paging: Paging,
    village_code: Annotated[str | None, Query(pattern=VILLAGE_CODE_PATTERN)] = None,
    status: Annotated[Literal["open", "answered"] | None, Query(description="open or answered")] = None,
) -> dict[str, Any]:
    """Newest first (`status=open`: oldest first), with `callback_phone` and the answer: a county
    admin sees its villages, an advisor the villages it serves today; anyone else, or a village
    outside that, 403."""
    db = ReadModel(runtime.pool, runtime.settings.schema)
    return await list_feedback(db, who, village_code, paging, today_cst(), status)
