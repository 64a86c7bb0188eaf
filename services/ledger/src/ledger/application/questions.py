"""Answering a resident's board question: the answer IS the ledger entry (a consultation).

The ledger keeps its own copy of the registry's questions (`eventkit.questions.BoardQuestions`,
`board_questions`), so it can check that the question exists, is the village's, and what was asked
(a meeting is recorded on site). Exactly one live entry answers a question: its entry id is derived
from the question (and how many earlier answers were voided), so a second answer, by anyone, meets
the first entry's stream and is refused (409), while the same request again (same key) replays.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

import asyncpg
from eventkit.errors import NotFoundError, RuleViolationError
from eventkit.questions import BoardQuestions

ANSWER_CHANNELS = ("online", "on_site")


class LedgerQuestions(BoardQuestions):
    name = "board_questions_v2"
    tables = ("board_questions", "board_question_versions")


def entry_id_for_question(question_id: str, voided_answers: int) -> str:
    """The one entry answering a board question: whoever answers, the same id, so a second answer
    meets the first's stream (409). After its answer was voided the question takes a new one."""
    digest = hashlib.sha256(f"question\x1f{question_id}\x1f{voided_answers}".encode()).hexdigest()
    return "E-" + digest[:20]


async def answering_entry_id(
    pool: asyncpg.Pool, schema: str, question_id: str, village_code: str, details: Mapping[str, Any]
) -> str:
    """The entry id an answer to `question_id` takes; 404 an unknown question (or one the ledger has
    not heard of yet: retry), 422 another village's question, a channel other than online/on site,
    or a meeting not recorded on site."""
    question = await pool.fetchrow(
        f"SELECT village_code, kind FROM {schema}.board_questions"
        " WHERE question_id = $1 AND village_code IS NOT NULL",
        question_id,
    )
    if question is None:
        raise NotFoundError("未找到该居民问题（刚提交的问题可能还在同步，请稍后再试）", field="question_id")
    if question["village_code"] != village_code:
        raise RuleViolationError("该居民问题不是本村（社区）的，不能登记在本村台账", field="question_id")
    channel = details.get("channel")
    if channel not in ANSWER_CHANNELS:
        raise RuleViolationError("答复居民问题的咨询，渠道须为“网络”或“现场”", field="channel")
    if question["kind"] == "meeting" and channel != "on_site":
        raise RuleViolationError("居民预约的是面谈，请按“现场”渠道登记面谈情况", field="channel")
    voided = await pool.fetchval(
        f"SELECT count(*) FROM {schema}.entries WHERE kind = 'consultation' AND voided"
        " AND data->>'question_id' = $1",
        question_id,
    )
    return entry_id_for_question(question_id, int(voided))
