"""The statistics table's columns: each figure with its Chinese heading and its counting rule.

Every figure is derived from ledger entries (never typed in): voided entries do not count, a
corrected entry counts with its corrected values. Periods are half-years in China Standard Time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from eventkit.periods import PeriodKind, require_started
from vc_contracts.catalogue.enums import (
    ConsultationCategory,
    ConsultationChannel,
    MediationOutcome,
    wire_labels,
)
from vc_contracts.durations import display_hours, total_seconds


@dataclass(frozen=True)
class Metric:
    """One column: `key` (the figure's name), its Chinese `heading` and its counting `rule`."""

    key: str
    heading: str
    rule: str


CHANNELS = wire_labels(ConsultationChannel)
CATEGORIES = wire_labels(ConsultationCategory)
MEDIATIONS = wire_labels(MediationOutcome)

_ONE = "一条台账记录计一次；作废的记录不计，更正后的记录按更正后的内容计。"
METRICS: list[Metric] = [
    Metric("visits", "驻村服务次数", "一次驻点服务记录计一次，计入开始时间（北京时间）所在半年。" + _ONE),
    Metric("visit_hours", "驻村服务时长（小时）",
           "按驻点起止时间（北京时间）计算，跨半年的按时间拆分计入各半年。"),
    Metric("lectures", "法治讲座次数", "一场讲座计一次，不论听众人数。" + _ONE),
    Metric("publicity_events", "法治宣传活动次数", "一次宣传活动计一次。" + _ONE),
    Metric("audience", "讲座及宣传受众人次", "讲座与宣传活动登记的受众人数之和。"),
    Metric("consultations", "法律咨询件数", "一位群众就一件事的一次咨询计一件，不论渠道。" + _ONE),
    *[Metric(f"consultations_{k}", f"咨询·{v}", f"渠道为“{v}”的咨询件数。") for k, v in CHANNELS.items()],
    *[Metric(f"consultations_{k}", f"咨询·{v}类", f"类别为“{v}”的咨询件数。") for k, v in CATEGORIES.items()],
    Metric("mediations", "调解纠纷件数", "一起纠纷的一次调解计一件。" + _ONE),
    *[Metric(f"mediations_{k}", f"调解·{v}", f"调解结果为“{v}”的件数。") for k, v in MEDIATIONS.items()],
    Metric("document_reviews", "审核文件份数", "审核一份村规民约、合同或决定等文件计一份。" + _ONE),
]  # fmt: skip
RULES = {m.key: m.rule for m in METRICS}
HOURS = "visit_hours"
"""The one figure that is not a count: hours, kept as exact seconds and shown to two decimals."""


def check_half_year(period: str, today: date) -> str:
    """A statistics period: a half-year such as 2025H1 that has begun on `today` (CST). Errors: 422
    rule_violation on `period` (`eventkit.periods.require_started`, the dashboard's check too)."""
    return str(require_started(period, today, kinds=(PeriodKind.half,)))


def totals(rows: list[dict[str, Any]]) -> dict[str, int | float]:
    """The 合计 of `rows`: every count an integer, the sum of the rows' counts (as the rows give them);
    the hours from the exact seconds (`visit_seconds`, kept too), shown by the one rule
    (`display_hours`), never a sum of the rows' rounded hours."""
    summed: dict[str, int | float] = {
        m.key: sum(int(r.get(m.key) or 0) for r in rows) for m in METRICS if m.key != HOURS
    }
    seconds = total_seconds(int(r.get("visit_seconds") or 0) for r in rows)
    return {**summed, "visit_seconds": seconds, HOURS: display_hours(seconds)}
