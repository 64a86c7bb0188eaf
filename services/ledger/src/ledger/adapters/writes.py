"""Who may call each ledger command route (eventkit.writes; the README's Ledger API "who" column).

The advisor logs its own work; the village committee confirms and queries; the advisor who logged an
entry or its unit corrects, voids and proposes it as a typical case; the county decides the cases; a
unit backfills. Verifying a volume writes nothing: it follows the volume's read rule
(`ledger.adapters.reads`). Whose entry, which village, which volume stay the handlers' checks.
"""

from __future__ import annotations

from eventkit.auth import Role
from eventkit.reads import ADMINISTRATORS, PROVIDING_UNITS
from eventkit.writes import WriteRules, writers

_LOG = writers("登记台账记录（只有法律顾问本人可以登记）", Role.advisor)
_COMMITTEE = writers("确认或质疑台账记录", Role.village_committee)
_CHANGE = writers("更正或作废台账记录", Role.advisor, PROVIDING_UNITS)
_DECIDE = writers("审核典型案例", Role.county_admin)

WRITES: WriteRules = {
    "POST /visits": _LOG,
    "POST /lectures": _LOG,
    "POST /publicity-events": _LOG,
    "POST /consultations": _LOG,
    "POST /mediations": _LOG,
    "POST /document-reviews": _LOG,
    "POST /entries/{entry_id}/confirmation": _COMMITTEE,
    "POST /entries/{entry_id}/queries": _COMMITTEE,
    "POST /entries/{entry_id}/corrections": _CHANGE,
    "POST /entries/{entry_id}/void": _CHANGE,
    "POST /volumes/{kind}/{owner}/{year}/verify": writers(
        "校验卷册", ADMINISTRATORS, PROVIDING_UNITS, Role.village_committee
    ),
    "POST /imports": writers("补录导入台账", PROVIDING_UNITS),
    "POST /entries/{entry_id}/typical-case": writers("推荐典型案例", Role.advisor, PROVIDING_UNITS),
    "POST /typical-cases/{case_id}/approval": _DECIDE,
    "POST /typical-cases/{case_id}/return": _DECIDE,
}
