"""The rules an entry must pass when it is logged or corrected (pure; every limit is named here).

- The advisor was assigned to the village on the CST calendar day the work started.
- Nothing is logged in the future; late logging is fine (paper ledgers), with the real date. A phone
  whose clock runs a few minutes ahead (MAX_CLOCK_AHEAD) is not "the future": its "now" is taken.
- A visit lasts more than 0 and at most MAX_VISIT_HOURS; audiences and parties have sane caps.
- One advisor is never on site in two villages at once, and never logs the same visit twice (409).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from eventkit.errors import ConflictError, RuleViolationError
from vc_contracts import CST
from vc_contracts.base import MAX_CLOCK_AHEAD
from vc_contracts.durations import SECONDS_PER_HOUR, display_hours, over_limit_hours, seconds_between

from ledger.domain.facts import Assignment, Busy, Facts, minute, named
from ledger.domain.kinds import KIND_LABEL, Kind

MAX_VISIT_HOURS = 12
MAX_AUDIENCE = 5000
MAX_PARTIES = 50


def _not_future(at: datetime, now: datetime, what: str, field: str) -> None:
    """Work logged "now" from a phone whose clock runs up to MAX_CLOCK_AHEAD ahead (a consultation at
    00:01 on the phone, 23:58 on the server) is taken with the phone's time, not refused as future
    work. Beyond it the refusal names both times, so the person sees their clock is off."""
    if at <= now + MAX_CLOCK_AHEAD:
        return
    there, here = at.astimezone(CST), now.astimezone(CST)
    shown = "%H:%M" if there.date() == here.date() else "%Y-%m-%d %H:%M"
    raise RuleViolationError(
        f"不能登记尚未发生的工作（{what} {there:{shown}} 晚于当前时间 {here:{shown}}）；"
        "如手机时间不准，请校准后重新填写",
        field=field,
    )


def check_span(kind: Kind, start: datetime, end: datetime | None, now: datetime) -> float | None:
    """Hours of a visit (None for other kinds), after checking order, future and duration."""
    if kind is not Kind.visit:
        _not_future(start, now, "发生时间", "occurred_at")
        return None
    if end is None:
        raise RuleViolationError("驻点服务须填写结束时间", field="ended_at")
    if end <= start:
        raise RuleViolationError("结束时间须晚于开始时间", field="ended_at")
    _not_future(end, now, "结束时间", "ended_at")
    seconds = seconds_between(start, end)
    if seconds > MAX_VISIT_HOURS * SECONDS_PER_HOUR:
        lasted = over_limit_hours(seconds, MAX_VISIT_HOURS)
        raise RuleViolationError(
            f"单次驻点时长不能超过 {MAX_VISIT_HOURS} 小时（本次 {lasted}），跨天服务请按天分别登记",
            field="ended_at",
        )
    return display_hours(seconds)  # shown per entry; sums add the exact seconds


def require_assignment(advisor_id: str, village_code: str, start: datetime, facts: Facts) -> Assignment:
    found = facts.assignment
    if found is not None and found.advisor_id == advisor_id and found.village_code == village_code:
        return found
    day = start.astimezone(CST).date()
    holder = facts.holder
    if holder is not None and holder.advisor_id != advisor_id:
        who = f"当天该村（社区）的在岗顾问是{facts.advisor(holder.advisor_id)}（指派期间 {holder.period()}）"
    else:
        who = "当天该村（社区）没有该顾问的指派记录"
    raise RuleViolationError(
        f"{day} 当天顾问{facts.advisor(advisor_id)}未被指派到{facts.village(village_code)}，"
        f"不能登记该村（社区）的工作；{who}",
        field="village_code",
    )


def check_sizes(data: dict[str, object]) -> None:
    audience, parties = data.get("audience"), data.get("parties")
    if isinstance(audience, int) and audience > MAX_AUDIENCE:
        raise RuleViolationError(
            f"参加人数不能超过 {MAX_AUDIENCE} 人（本次 {audience} 人），请核实", field="audience"
        )
    if isinstance(parties, int) and parties > MAX_PARTIES:
        raise RuleViolationError(
            f"当事人数不能超过 {MAX_PARTIES} 方（本次 {parties} 方），请核实", field="parties"
        )


def _clashes(new: Busy, old: Busy) -> bool:
    if new.is_span and old.is_span:  # two visits: any overlap, even in the same village (a duplicate)
        return old.started_at < new.ended_at and new.started_at < old.ended_at
    if new.village_code == old.village_code:
        return False  # a lecture during a visit to the same village is part of that visit
    span, point = (new, old) if new.is_span else (old, new)
    return span.is_span and span.started_at <= point.started_at < span.ended_at


def check_clashes(new: Busy, busy: Iterable[Busy], names: Mapping[str, str] | None = None) -> None:
    """Refuse (409) on-site work overlapping the advisor's other on-site work. The refusal names
    the other work as a person knows it: its kind, time and village (`names`: the directory's, as
    in `Facts.names`); a logged entry's id comes last, for looking it up."""
    for old in busy:
        if old.entry_id == new.entry_id or not _clashes(new, old):
            continue
        when = minute(old.started_at)
        if old.is_span:  # an end on the same CST day is written as its time only
            end = minute(old.ended_at)
            when += f"–{end[11:] if end[:10] == when[:10] else end}"
        label = KIND_LABEL.get(Kind(old.kind), old.kind) if old.kind in set(Kind) else old.kind
        village = named(names or {}, "division", old.village_code)
        if old.row is not None:
            # a row of the same file is named by its row: its would-be entry id is nowhere to be found
            message = f"与本文件第 {old.row} 行（{when}）时间重叠"
            if old.village_code == new.village_code:
                message += "，请勿重复登记；请删去或改正其中一行"
            else:
                message = f"同一时间不能在两个村（社区）现场服务：{message}（该行为{village}的{label}）"
        elif old.village_code == new.village_code:
            message = (
                f"与已登记的{label}记录（{when}）时间重叠，请勿重复登记；"
                f"如有错误请更正原记录（记录编号 {old.entry_id}）"
            )
        else:
            message = (
                f"同一时间不能在两个村（社区）现场服务：与{village}的{label}记录（{when}）时间重叠"
                f"（记录编号 {old.entry_id}）"
            )
        raise ConflictError(message, field="started_at" if new.is_span else "occurred_at")


def check_same_year(original: datetime, corrected: datetime) -> None:
    before, after = original.astimezone(CST).year, corrected.astimezone(CST).year
    if before != after:
        raise RuleViolationError(
            f"更正不能把记录移到另一年度（原 {before} 年，更正后 {after} 年）；请作废后在正确年度重新登记",
            field="occurred_at",
        )
