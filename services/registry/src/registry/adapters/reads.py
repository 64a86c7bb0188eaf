"""Who may read each registry GET route (eventkit.reads; the README's Registry API "who" column).

Where the README says "in scope" of a card the handler narrows it further (an advisor reads only
its own card, a unit only its own advisors). Division names are read by every page of every role
(the header names the caller's place), so `/divisions` is open to all roles in scope. The roster
and the unit list carry phones and licence numbers: administrators, and a unit its own (least
privilege: no advisor or committee page reads them). The county's oversight lists (coverage,
filings, notice boards) are read by the administrators' pages only.
"""

from __future__ import annotations

from eventkit.auth import Role
from eventkit.reads import ADMINISTRATORS, EVERYONE, PROVIDING_UNITS, ReadRules, public, readers

READS: ReadRules = {
    "/divisions": readers("行政区划", EVERYONE),
    "/villages/{code}": readers("村（居）卡片", EVERYONE),
    "/villages/{code}/assignments": readers("村（居）任职历史", EVERYONE),
    "/advisors": readers("顾问花名册", ADMINISTRATORS, PROVIDING_UNITS),
    "/advisors/{advisor_id}": readers("顾问卡片", ADMINISTRATORS, PROVIDING_UNITS, Role.advisor),
    "/units": readers("服务单位名单", ADMINISTRATORS, PROVIDING_UNITS),
    "/coverage": readers("覆盖缺口", ADMINISTRATORS),
    "/filings": readers("协议备案情况", ADMINISTRATORS),
    "/notice-boards": readers("公示栏清单", ADMINISTRATORS),
    "/nominations": readers("顾问提名", ADMINISTRATORS, PROVIDING_UNITS),
    "/counties/{code}/responsibilities": readers("县级工作职责分工", EVERYONE),
    "/feedback": readers("居民提问", Role.county_admin, Role.advisor),
    "/public/villages/{code}/questions/{question_code}": public("居民提问的答复"),
    "/imports": readers("导入任务", ADMINISTRATORS),
    "/imports/{import_id}": readers("导入任务", ADMINISTRATORS),
}
