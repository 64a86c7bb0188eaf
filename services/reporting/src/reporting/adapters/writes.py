"""Who may call each reporting command route (eventkit.writes; the README's Reporting API "who").

The advisor confirms its own half-year figures, a unit submits its half-year report, the county its
annual one and records deadline misses; administrators review a report at their level (which level,
and whose report, stay the handler's checks).
"""

from __future__ import annotations

from eventkit.auth import Role
from eventkit.reads import ADMINISTRATORS, PROVIDING_UNITS
from eventkit.writes import WriteRules, writers

_REVIEW = writers("审核报告", ADMINISTRATORS)

WRITES: WriteRules = {
    "POST /reports/half-year/{period}/confirmations": writers("确认本人半年数据", Role.advisor),
    "POST /reports/half-year/{period}": writers("报送半年台账报告", PROVIDING_UNITS),
    "POST /reports/annual/{year}": writers("报送年度工作报告", Role.county_admin),
    "POST /reports/{report_id}/approve": _REVIEW,
    "POST /reports/{report_id}/return": _REVIEW,
    "POST /deadlines/misses": writers("记录逾期", Role.county_admin),
}
