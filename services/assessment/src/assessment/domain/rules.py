"""Compliance rules are data: province defaults, stricter county versions, each effective from a day.

`rules_for(division, day, rule_sets)` (vc_contracts.rules, shared with reporting) picks the newest rule
set in force on that day among the division's own, its city's and its province's; a period is judged
by the rule in force on its last day; every figure records which version it applied.
One stream per division (`rules-<code>`); versions count up per division. A county may only tighten
what is in force above it on its effective day: never fewer hours or lectures, never a later deadline.
Rules the same as the latest version, from the same day, are entered once: nothing is appended.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from eventkit.decider import Decider
from eventkit.errors import RuleViolationError
from vc_contracts import Event
from vc_contracts.catalogue.assessment import ComplianceRulesSet
from vc_contracts.rules import DEFAULT_RULES
from vc_contracts.rules import rule_in_force as rules_for

THRESHOLDS = ("min_quarter_onsite_hours", "min_year_lectures")  # stricter = higher
DEADLINES = ("filing_deadline_month_day", "annual_report_due")  # stricter = earlier

HOURS_RULE_TEXT = (
    "驻点时长按季度累计：每条驻点记录的起止时间（北京时间）计入其所在季度；跨季度的记录在季度交界"
    "零点拆分；作废的记录不计，更正后的记录按更正后的时间计。"
)


def stream_id(division_code: str) -> str:
    return f"rules-{division_code}"


@dataclass(frozen=True)
class DivisionRules:
    versions: tuple[ComplianceRulesSet, ...] = ()


@dataclass(frozen=True)
class SetRules:
    """Rules for `division_code` from `effective_from`; `above` = every rule set of the divisions above it."""

    division_code: str
    effective_from: date
    values: dict[str, Any]
    above: Sequence[ComplianceRulesSet] = field(default_factory=tuple)


def _level(division_code: str) -> str:
    """The level of a rule-setting division, said instead of its code (names are not held here)."""
    significant = len(division_code.rstrip("0"))
    return "省级" if significant <= 2 else "市级" if significant <= 4 else "县级"


def looser_fields(rules: ComplianceRulesSet, parent: ComplianceRulesSet) -> list[tuple[str, str]]:
    """(field, reason) for every value of `rules` that is looser than `parent`'s."""
    whose = f"{_level(parent.division_code)}规则（第 {parent.version} 版）"
    found = [
        (f, f"不得低于{whose}的 {getattr(parent, f)}")
        for f in THRESHOLDS
        if getattr(rules, f) < getattr(parent, f)
    ]
    found += [
        (f, f"不得晚于{whose}的 {getattr(parent, f)}")
        for f in DEADLINES
        if getattr(rules, f) > getattr(parent, f)
    ]
    if rules.question_answer_working_days > parent.question_answer_working_days:
        limit = parent.question_answer_working_days
        found.append(("question_answer_working_days", f"居民提问答复时限不得长于{whose}的 {limit} 个工作日"))
    h1, h2 = rules.half_year_report_due
    p1, p2 = parent.half_year_report_due
    # H1 is due in the same year, H2 in the next: MM-DD strings compare in calendar order within each
    if h1 > p1 or h2 > p2:
        found.append(("half_year_report_due", f"半年报告期限不得晚于{whose}的 {p1}、{p2}"))
    return found


def same_rules(rules: ComplianceRulesSet, other: ComplianceRulesSet) -> bool:
    """Whether two rule sets say the same for the same division from the same day (versions aside)."""
    return rules.model_dump(exclude={"version"}) == other.model_dump(exclude={"version"})


def decide(state: DivisionRules, command: SetRules, now: datetime) -> list[Event]:
    """The new version of the division's rules, or nothing when the latest version already says the
    same from the same day (`same_rules`). RuleViolationError: a value out of range, an effective day
    before the latest version's, a county's value looser than the rules above it (LooserRulesError)."""
    code = command.division_code
    built_in = 1 if code == DEFAULT_RULES.division_code else 0
    version = len(state.versions) + built_in + 1
    try:
        rules = ComplianceRulesSet(
            division_code=code, version=version, effective_from=command.effective_from, **command.values
        )
    except ValueError as exc:
        raise RuleViolationError(f"规则取值无效：{exc}", field="body") from None
    # enter once: the latest version (the built-in defaults before the province's first) saying the
    # same from the same day is these rules already; a tester's nine posts made v1-v9, identical. Like
    # an idempotent replay, it is answered as it stands, not judged again against the rules above.
    latest = state.versions[-1] if state.versions else DEFAULT_RULES if built_in else None
    if latest is not None and same_rules(rules, latest):
        return []
    last = state.versions[-1] if state.versions else None
    if last is not None and command.effective_from < last.effective_from:
        raise RuleViolationError(
            f"生效日期不得早于本级上一版规则（第 {last.version} 版，{last.effective_from} 起）",
            field="effective_from",
        )
    if len(code.rstrip("0")) > 2:  # below the province: never looser than what is in force above
        parent = rules_for(
            code, command.effective_from, [r for r in command.above if r.division_code != code]
        )
        looser = looser_fields(rules, parent)
        if looser:
            raise LooserRulesError(looser)
    return [rules]


class LooserRulesError(RuleViolationError):
    """A county rule looser than the one above it; every offending field is named in the body."""

    def __init__(self, looser: list[tuple[str, str]]) -> None:
        super().__init__(
            "县级规则只能比上级规则更严格：" + "；".join(r for _, r in looser),
            field=looser[0][0],
            reasons=looser,
        )
        self.looser = looser


def evolve(state: DivisionRules, event: Event) -> DivisionRules:
    if isinstance(event, ComplianceRulesSet):
        return DivisionRules((*state.versions, event))
    return state


division_rules: Decider[DivisionRules, SetRules] = Decider(DivisionRules(), evolve, decide)
