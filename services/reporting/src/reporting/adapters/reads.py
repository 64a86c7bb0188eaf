"""Who may read each reporting GET route (eventkit.reads; the README's Reporting API "who" column).

Statistics: administrators in scope, a unit its own rows only. Compliance and deadlines:
administrators in scope. The dashboard (and its stream): administrators in scope only. Its figures
are county-wide (every village's advisor, hours, risk and warnings, coverage, filings, breaches) and
its pages are the administrators'; a unit reading it saw other units' advisors, so a unit's own
figures are its /statistics rows and its half-year preview instead. Reports:
administrators and the submitting unit (the handlers narrow a unit to its own). The half-year
preview is a unit's, the advisor's own figures the advisor's, the annual preview the county's.
"""

from __future__ import annotations

from eventkit.auth import Role
from eventkit.reads import ADMINISTRATORS, PROVIDING_UNITS, ReadRules, public, readers

_REPORTS = readers("报告", ADMINISTRATORS, PROVIDING_UNITS)
_DASHBOARD = readers("工作看板", ADMINISTRATORS)

READS: ReadRules = {
    "/statistics": readers("统计表", ADMINISTRATORS, PROVIDING_UNITS),
    "/compliance": readers("合规视图", ADMINISTRATORS),
    "/deadlines/overdue": readers("逾期未报清单", ADMINISTRATORS),
    "/dashboard/overview": _DASHBOARD,
    "/dashboard/stream": _DASHBOARD,
    "/reports": _REPORTS,
    "/reports/{report_id}": _REPORTS,
    "/reports/{report_id}/document": _REPORTS,
    "/reports/half-year/{period}/preview": readers("半年台账报告预览", PROVIDING_UNITS),
    "/reports/half-year/{period}/my-figures": readers("本人半年数据", Role.advisor),
    "/reports/annual/{year}/preview": readers("年度工作报告预览", Role.county_admin),
    "/reports/annual/{year}/document": readers("年度工作报告预览", Role.county_admin),
    "/sealed-volumes/{volume_id}": readers(
        "卷册封存校验", ADMINISTRATORS, PROVIDING_UNITS, Role.village_committee
    ),
    "/public/villages/{code}.json": public("村法律顾问公示"),
    "/public/counties/{code}/villages.json": public("全县法律顾问公示"),
    "/public/counties/{code}/cases.json": public("县级典型案例"),
}
