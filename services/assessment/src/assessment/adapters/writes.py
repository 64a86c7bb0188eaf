"""Who may call each assessment command route (eventkit.writes; the README's Assessment API "who").

Rules: the province (its defaults) or a county (stricter), which of the two for a division stays the
handler's check; evaluations and conclusions are the county's; feedback the committee's (its village)
or the county's (residents' questionnaires); confirming and disputing the figures the advisor's own;
the rectification the unit asked to rectify.
"""

from __future__ import annotations

from eventkit.auth import Role
from eventkit.reads import PROVIDING_UNITS
from eventkit.writes import WriteRules, writers

_YEAR = "/advisors/{advisor_id}/assessments/{year}"
_ADVISOR = writers("确认或异议本人考核数据", Role.advisor)

WRITES: WriteRules = {
    "POST /rules": writers("设定考核规则", Role.province_admin, Role.county_admin),
    "POST /evaluations": writers("评估考核期间", Role.county_admin),
    "POST /feedback": writers("提交评价", Role.village_committee, Role.county_admin),
    f"POST {_YEAR}/confirmation": _ADVISOR,
    f"POST {_YEAR}/dispute": _ADVISOR,
    f"POST {_YEAR}/conclusion": writers("作出考核结论", Role.county_admin),
    f"POST {_YEAR}/rectification-completed": writers("报告整改完成", PROVIDING_UNITS),
}
