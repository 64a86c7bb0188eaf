"""Who may call each registry command route (eventkit.writes; the README's Registry API "who" column).

Where the column is silent, least privilege: a unit registers no unit and no advisor (it nominates);
the village committee records its own village's notice board (it keeps it), and an advisor counts the
members of the WeChat group of the village it serves (it runs it) — which village, whose advisor and
whose agreement stay the handlers' checks (`registry.application`).
"""

from __future__ import annotations

from eventkit.auth import Role
from eventkit.reads import ADMINISTRATORS, PROVIDING_UNITS
from eventkit.writes import WriteRules, anyone, writers

_AGREEMENT = writers("签订、续签或终止法律顾问协议", ADMINISTRATORS, PROVIDING_UNITS)
_VETTING = writers("审核顾问提名", Role.county_admin)

WRITES: WriteRules = {
    "POST /divisions": writers("登记行政区划", ADMINISTRATORS),
    "POST /divisions/import": writers("导入行政区划", ADMINISTRATORS),
    "POST /roster/import": writers("导入顾问名册", ADMINISTRATORS),
    "POST /units": writers("登记服务单位", ADMINISTRATORS),
    "POST /advisors": writers("直接登记法律顾问（服务单位请提名）", ADMINISTRATORS),
    "POST /advisors/{advisor_id}/status": writers("变更顾问状态", ADMINISTRATORS, PROVIDING_UNITS),
    "POST /assignments": writers("指派法律顾问", ADMINISTRATORS),
    "POST /villages/{code}/assignment/end": writers("结束指派", ADMINISTRATORS),
    "POST /villages/{code}/notice-board": writers(
        "登记公示栏", ADMINISTRATORS, PROVIDING_UNITS, Role.village_committee
    ),
    "POST /villages/{code}/service-group": writers("建立法律服务微信群", ADMINISTRATORS, PROVIDING_UNITS),
    "POST /villages/{code}/service-group/counts": writers(
        "登记微信群成员数", ADMINISTRATORS, PROVIDING_UNITS, Role.advisor
    ),
    "POST /agreements": _AGREEMENT,
    "POST /agreements/{agreement_id}/filing": writers("登记协议备案", ADMINISTRATORS),
    "POST /agreements/{agreement_id}/renewal": _AGREEMENT,
    "POST /agreements/{agreement_id}/termination": _AGREEMENT,
    "POST /nominations": writers("提名法律顾问", PROVIDING_UNITS),
    "POST /nominations/{advisor_id}/approval": _VETTING,
    "POST /nominations/{advisor_id}/rejection": _VETTING,
    "POST /public/villages/{code}/feedback": anyone("提问"),
    "PUT /counties/{code}/responsibilities": writers("登记县级工作职责分工", Role.county_admin),
}
