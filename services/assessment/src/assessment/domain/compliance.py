"""Evaluating a closed period: who fell short of which rule in which village (R5, R6).

Accountability: an obligation belongs to the advisor assigned to the village; an advisor assigned for
part of the period owes the share of the minimum for the days served, and only their own ledger
entries count for them. The share is an exact fraction (minimum x days served / days in the period),
taken once over the union of all the advisor's assignments to the village in the period (so
back-to-back assignments covering the period owe exactly the minimum) and compared unrounded with the
exact actual; it is rounded only where it is shown (`vc_contracts.durations.shown_owed`). Only closed
periods are evaluated (quarters for hours, years for lectures). One stream per county and period
(`breaches-<county>-<period>`) holds one ComplianceBreached per (village, advisor, rule): a re-run
appends nothing new.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from fractions import Fraction
from typing import assert_never

from eventkit.decider import Decider
from eventkit.errors import RuleViolationError
from eventkit.periods import PeriodKind, parse_period, require_started
from vc_contracts import Event
from vc_contracts.catalogue.assessment import ComplianceBreached
from vc_contracts.durations import exact_minimum, shown_hours, shown_owed

HOURS, LECTURES = "min_quarter_onsite_hours", "min_year_lectures"
LECTURES_RULE_TEXT = (
    "讲座及普法宣传活动按年度计数：每条讲座或普法活动记录计一次，按活动开始时间（北京时间）计入其所在"
    "年度；作废的记录不计，更正后的记录按更正后的时间计。"
)
SHARE_RULE_TEXT = (
    "年（季）中调整人员的，按本人在该村的实际服务天数折算应达标准（标准 × 服务天数 ÷ 期间天数，"
    "同一期间内的多次指派合并计算），与实际时长或次数精确比较，只计本人的记录；"
    "折算值仅在显示时保留两位小数：未达标的向上取，已达标的向下取，使显示的对比与结论一致。"
)


def stream_id(county: str, period: str) -> str:
    return f"breaches-{county}-{period}"


def bounds(period: str) -> tuple[date, date]:
    """First and last CST day of a year (2025) or quarter (2025Q2)."""
    judged = parse_period(period, kinds=(PeriodKind.year, PeriodKind.quarter))
    return judged.first_day, judged.last_day


def rule_of(period: str) -> str:
    return LECTURES if parse_period(period).kind is PeriodKind.year else HOURS


def require_closed(period: str, today: date) -> None:
    if parse_period(period).kind is PeriodKind.half:
        raise RuleViolationError(
            "只能按季度（驻点时长）或年度（讲座宣传）评估，例如 2025Q1、2025", field="period"
        )
    require_started(period, today, then="不能评估")  # said as the dashboard says it
    if bounds(period)[1] >= today:
        raise RuleViolationError(f"{period} 尚未结束，只能评估已结束的期间", field="period")


def days_served(period: str, spans: Iterable[tuple[date, date | None]]) -> int:
    """Days of the period covered by at least one of the spans ([from, to], to None = open-ended);
    overlapping spans count each day once."""
    first, last = bounds(period)
    days = 0
    reached = first - timedelta(days=1)  # the last day already counted
    for start, end in sorted((max(first, a), min(last, b or last)) for a, b in spans):
        fresh = max(start, reached + timedelta(days=1))
        if end >= fresh:
            days += (end - fresh).days + 1
            reached = end
    return days


def owed(minimum: float | int | Fraction, period: str, spans: Iterable[tuple[date, date | None]]) -> Fraction:
    """The exact part of `minimum` (hours or a count, as the rule writes it) owed for the days served
    inside the period by one advisor in one village over all their assignments (`spans`); never rounded,
    so shares of a period split into back-to-back assignments add up to exactly the minimum."""
    first, last = bounds(period)
    return exact_minimum(minimum) * days_served(period, spans) / ((last - first).days + 1)


@dataclass(frozen=True)
class Obligation:
    """What one advisor owed one village over the period, and what the ledger shows.

    Both are exact (hours as fractions of whole seconds, or counts) and compared unrounded; they are
    rounded to 2 decimals only in the breach they may record."""

    village_code: str
    advisor_id: str
    expected: Fraction
    actual: Fraction

    @property
    def short(self) -> bool:
        return self.actual < self.expected


@dataclass(frozen=True)
class Evaluate:
    county: str
    period: str
    today: date
    obligations: tuple[Obligation, ...]
    rule_version: int
    rule_division_code: str
    breach_ids: tuple[str, ...]  # one fresh id per obligation (ids are not generated in the domain)


@dataclass(frozen=True)
class Breaches:
    found: frozenset[tuple[str, str, str]] = frozenset()  # (village, advisor, rule)


def decide(state: Breaches, command: Evaluate, now: datetime) -> list[Event]:
    match command:
        case Evaluate():
            require_closed(command.period, command.today)
            rule = rule_of(command.period)
            return [
                ComplianceBreached(
                    breach_id=breach_id,
                    advisor_id=o.advisor_id,
                    village_code=o.village_code,
                    rule=rule,
                    period=command.period,
                    # shown by the one display rule, the owed share raised: never below the actual
                    expected=shown_owed(o.expected, met=False),
                    actual=shown_hours(o.actual),
                    rule_version=command.rule_version,
                    rule_division_code=command.rule_division_code,
                )
                for o, breach_id in zip(command.obligations, command.breach_ids, strict=True)
                if o.short and (o.village_code, o.advisor_id, rule) not in state.found
            ]
        case _:
            assert_never(command)


def evolve(state: Breaches, event: Event) -> Breaches:
    if isinstance(event, ComplianceBreached):
        return Breaches(state.found | {(event.village_code, event.advisor_id, event.rule)})
    return state


breaches: Decider[Breaches, Evaluate] = Decider(Breaches(), evolve, decide)
