"""One village's compliance figures for a quarter, each against the rule in force for its period.

- On-site time: the quarter's exact seconds against the quarter's minimum (the rule set in force on
  the quarter's last day); hours are rounded for display only.
- Lectures and publicity events: the year's count against the year's minimum (the rule set in force
  on the year's last day).
- The advisor named is the one whose assignment is in force on the reference day: the quarter's last
  day for a past quarter, today for the current one, its first day for a future one.
Each figure names its rule: the division whose rule it is (the province's default or the county's own
stricter one), the version and the day it took effect.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from eventkit.periods import parse_period
from vc_contracts.catalogue.assessment import ComplianceRulesSet
from vc_contracts.durations import display_hours, meets_hours
from vc_contracts.rules import rule_for_period, rule_label

HOURS_RULE_TEXT = (
    "每村每季度驻点服务累计时长不少于规则规定的小时数（按该季度末日有效的规则版本）；按驻点记录起止时间"
    "（北京时间）精确累计，计入所在季度，跨季度拆分；只在显示时保留两位小数。"
)
LECTURES_RULE_TEXT = (
    "每村每年讲座及普法宣传活动次数不少于规则规定的次数（按该年末日有效的规则版本）；按活动开始时间"
    "（北京时间）计入所在年度；作废的记录不计。"
)


def reference_day(first: date, last: date, today: date) -> date:
    """The day whose assignment a quarter [first, last] names: last day, today, or first day."""
    return max(first, min(last, today))


def village_figures(
    village_code: str, quarter: str, seconds: int, lectures: int, sets: Sequence[ComplianceRulesSet]
) -> dict[str, Any]:
    """The on-site and lecture figures of one village, each with its minimum and its rule."""
    hours_rule = rule_for_period(village_code, quarter, sets)
    year = str(parse_period(quarter).year)
    year_rule = rule_for_period(village_code, year, sets)
    return {
        "hours": display_hours(seconds),
        "min_quarter_onsite_hours": hours_rule.min_quarter_onsite_hours,
        "meets_onsite_minimum": meets_hours(seconds, hours_rule.min_quarter_onsite_hours),
        "onsite_rule": rule_label(hours_rule),
        "lectures": {
            "year": int(year),
            "count": lectures,
            "minimum": year_rule.min_year_lectures,
            "meets_minimum": lectures >= year_rule.min_year_lectures,
            "rule": rule_label(year_rule),
        },
    }
