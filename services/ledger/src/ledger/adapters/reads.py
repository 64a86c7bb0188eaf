"""Who may read each ledger GET route (eventkit.reads; the README's Ledger API "who" column).

Entries are read by every role, each within its own rows (`ledger.application.access`). Volumes
are the committee's and the administrators' (village) or the unit's and the administrators' (unit),
never an advisor's (the advisor reads its own entries and its own work sheet). Backfill is a unit's.
"""

from __future__ import annotations

from eventkit.auth import Role
from eventkit.reads import ADMINISTRATORS, EVERYONE, PROVIDING_UNITS, ReadRule, ReadRules, readers

_VOLUME = readers("卷册", ADMINISTRATORS, PROVIDING_UNITS, Role.village_committee)
_IMPORTS = readers("补录导入", PROVIDING_UNITS)
_CASES: ReadRule = readers("典型案例", ADMINISTRATORS, PROVIDING_UNITS, Role.advisor)

READS: ReadRules = {
    "/entries": readers("台账记录", EVERYONE),
    "/entries/{entry_id}": readers("台账记录", EVERYONE),
    "/volumes/{kind}/{owner}/{year}": _VOLUME,
    "/volumes/{kind}/{owner}/{year}/export.xlsx": _VOLUME,
    "/volumes/{kind}/{owner}/{year}/export.html": _VOLUME,
    "/volumes/{kind}/{owner}/{year}/export.json": _VOLUME,
    "/volumes/{kind}/{owner}/{year}/head.svg": _VOLUME,
    "/volumes/{volume_id}/export.json": _VOLUME,
    "/advisors/{advisor_id}/export.xlsx": readers(
        "顾问工作记录", ADMINISTRATORS, PROVIDING_UNITS, Role.advisor
    ),
    "/imports/template": _IMPORTS,
    "/imports/template/columns": _IMPORTS,
    "/imports": _IMPORTS,
    "/imports/{import_id}": _IMPORTS,
    "/entries/{entry_id}/typical-case": _CASES,
    "/typical-cases": _CASES,
}
