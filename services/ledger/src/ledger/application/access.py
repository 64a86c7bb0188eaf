"""Who may see and change which entries (the scope rules of the ledger API).

- advisors log and see their own work only, and correct or void their own entries;
- a unit (law firm, justice office, legal aid center; `unit` claim) sees, corrects and voids its
  advisors' entries and imports backfills for them; a filter naming another unit's advisor is 403;
- a village committee sees and confirms its own village's entries;
- county, city and province administrators read everything inside their scope.
"""

from __future__ import annotations

from typing import Any

import asyncpg
from eventkit.auth import ADMINS, UNITS, Principal, Role
from eventkit.errors import ForbiddenError
from eventkit.scoping import within
from vc_contracts.text import quoted

from ledger.application.assignments_view import advisor_of_unit


def unit_of(who: Principal) -> str:
    if not who.unit_id:
        raise ForbiddenError("身份令牌缺少所属单位（unit），无法访问单位台账")
    return who.unit_id


async def require_advisor_of_unit(pool: asyncpg.Pool, schema: str, who: Principal, advisor_id: str) -> None:
    """A unit naming an advisor (a filter) may name only its own: else 403 naming `advisor_id`, not
    an empty page. Its own: assigned for the unit at any time, or with work of the unit logged."""
    if who.role in UNITS and not await advisor_of_unit(pool, schema, advisor_id, unit_of(who)):
        raise ForbiddenError(
            f"顾问「{quoted(advisor_id)}」不是本单位的法律顾问，无权查看其台账记录", field="advisor_id"
        )


def read_filter(who: Principal, args: list[Any], column_prefix: str = "") -> str:
    """A SQL condition limiting entries to what `who` may read; appends its parameter to `args`."""
    c = column_prefix
    if who.role is Role.advisor:
        args.append(who.subject)
        return f"{c}advisor_id = ${len(args)}"
    args.append(who.scope_prefix)
    inside = within(f"{c}village_code", f"${len(args)}")
    if who.role in UNITS:  # a unit acts for its own unit, and only inside its scope
        args.append(unit_of(who))
        return f"{c}unit_id = ${len(args)} AND {inside}"
    return inside


def may_read(who: Principal, entry: dict[str, Any]) -> bool:
    if who.role is Role.advisor:
        return bool(entry["advisor_id"] == who.subject)
    if who.role in UNITS:
        return bool(entry["unit_id"] == who.unit_id) and who.can_see(entry["village_code"])
    return who.can_see(entry["village_code"])


def require_read(who: Principal, entry: dict[str, Any]) -> None:
    if not may_read(who, entry):
        raise ForbiddenError("无权查看该台账记录：不在您的管辖或本人（本单位）范围内", field="entry_id")


def require_changer(who: Principal, entry: dict[str, Any]) -> None:
    """Corrections and voids: the advisor who did the work, or the advisor's unit."""
    if who.role is Role.advisor and who.subject == entry["advisor_id"]:
        return
    if who.role in UNITS and who.unit_id == entry["unit_id"] and who.can_see(entry["village_code"]):
        return
    raise ForbiddenError("只能更正或作废本人（本单位）登记的台账记录", field="entry_id")


def require_volume(who: Principal, kind: str, owner: str, county: str | None) -> None:
    """Village volumes: the committee and administrators of the village; unit volumes: the unit
    and administrators whose scope holds the unit's entries."""
    if kind == "village":
        if who.role in ADMINS or who.role is Role.village_committee:
            who.require_division(owner, "village_code")
            return
    elif who.role in UNITS:
        if unit_of(who) == owner and (county is None or who.can_see(county)):
            return
    elif who.role in ADMINS and (county is None or who.can_see(county)):
        return
    raise ForbiddenError("无权查看该卷册", field="volume")
