"""Who may read each assessment GET route (eventkit.reads; the README's Assessment API "who" column).

The figure sheet is the advisor's own, its unit's and the administrators' (the handler narrows to
the advisor itself and its unit). The committee's rating is read back by the committee and the
administrators (the README: "in scope of the village"; least privilege: not the advisor rated,
nor other units). Rules are read by the administrators' pages only.
"""

from __future__ import annotations

from eventkit.auth import Role
from eventkit.reads import ADMINISTRATORS, EVERYONE, PROVIDING_UNITS, ReadRules, readers

READS: ReadRules = {
    "/villages/{village_code}/quarter-hours": readers("村（居）季度驻点时长", EVERYONE),
    "/rules": readers("考核规则", ADMINISTRATORS),
    "/advisors/{advisor_id}/assessments/{year}": readers(
        "顾问年度考核数据表", ADMINISTRATORS, PROVIDING_UNITS, Role.advisor
    ),
    "/feedback": readers("村（居）委会的评价", ADMINISTRATORS, Role.village_committee),
    "/assessments": readers("年度考核结论", ADMINISTRATORS),
    "/breaches": readers("未达标记录", ADMINISTRATORS),
    "/rectifications": readers("整改情况", ADMINISTRATORS, PROVIDING_UNITS),
}
