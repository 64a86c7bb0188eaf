"""One report as its pages show it: the read-model row, its events in order (the escalation path)
and names for people; also who may read it (reviewers inside their scope, the submitting unit)."""

from __future__ import annotations

import json
from typing import Any

import asyncpg
from eventkit.auth import UNITS, Principal
from eventkit.errors import ForbiddenError, NotFoundError
from eventkit.store import EventStore
from vc_contracts.base import CST
from vc_contracts.catalogue.enums import Level, ReportKind, wire_labels
from vc_contracts.catalogue.reporting import ReportApproved, ReportEscalated, ReportReturned, ReportSubmitted
from vc_contracts.divisions import province_of

from reporting.domain.reports import FINAL_LEVEL, STATUS_NAMES

LEVEL_NAMES = wire_labels(Level)
LEVEL_BELOW = {"city": "county", "province": "city"}
_GENERIC = {"county": "县", "city": "市", "province": "省"}
KIND_NAMES = wire_labels(ReportKind)


async def report_row(pool: asyncpg.Pool, schema: str, who: Principal, report_id: str) -> dict[str, Any]:
    """The report's row (figures and confirmed_by parsed) once the caller may read it.

    Errors: 404 not_found (no such report), 403 forbidden (outside the caller's scope, another unit's
    report, or a role that reads no reports: advisors and village committees)."""
    row = await pool.fetchrow(
        f"SELECT report_id, kind, period, submitter, county, city, status, at_level, reason,"
        f" confirmed_by::text, figures::text, first_submitted_at, updated_at FROM {schema}.reports"
        " WHERE report_id = $1",
        report_id,
    )
    if row is None:
        raise NotFoundError(f"报告 {report_id} 不存在", field="report_id")
    if who.role in UNITS:
        if row["submitter"] != who.unit_id:
            raise ForbiddenError("只能查看本单位报送的报告", field="report_id")
    elif who.role.value not in ("county_admin", "city_admin", "province_admin"):
        raise ForbiddenError("当前角色无权查看报告", field="report_id")
    who.require_division(row["county"], "report_id")
    item = dict(row)
    item["confirmed_by"], item["figures"] = json.loads(row["confirmed_by"]), json.loads(row["figures"])
    return item


async def names_of(pool: asyncpg.Pool, schema: str, ids: list[str]) -> dict[str, str]:
    rows = await pool.fetch(f"SELECT id, name FROM {schema}.st_names WHERE id = ANY($1::text[])", ids)
    return {r["id"]: r["name"] for r in rows}


def _step(event: Any, offices: Offices, submissions: int) -> tuple[str, str, str | None]:
    """(kind of step, title, detail) of one report event, in Chinese."""
    match event:
        case ReportSubmitted():
            title = "报送" if submissions == 1 else f"重新报送（第{submissions}次）"
            return (
                "submitted",
                title,
                f"数据指纹 {event.figures.get('digest', '')}，"
                f"确认人 {'、'.join(offices.of(c, 'submitted', None) for c in event.confirmed_by)}",
            )
        case ReportReturned():
            return "returned", f"{LEVEL_NAMES[event.by_level.value]}退回", event.reason
        case ReportApproved():
            return "approved", f"{LEVEL_NAMES[event.by_level.value]}审核通过", None
        case ReportEscalated():
            to = offices.names.get(event.to_division_code, event.to_division_code)
            return "escalated", f"上报{LEVEL_NAMES[event.to_level.value]}", f"报送至{to}"
    return "other", type(event).__name__, None


class Offices:
    """Who acted on a report, for people: events record only the sign-in id (`actor`), which means
    nothing to a reader. An id the registry names (an advisor, a unit) reads as that name; else the
    office acting at that step, e.g. 正宁县司法局（县级管理员）, or the submitting unit（报送单位）."""

    def __init__(self, row: dict[str, Any], names: dict[str, str]) -> None:
        self.row, self.names = row, names
        codes = {"county": row["county"], "city": row["city"], "province": province_of(row["county"])}
        # a division the registry has not named (yet) reads as its level's office, never a code
        self.office = {
            level: f"{names.get(code, _GENERIC[level])}{'司法厅' if level == 'province' else '司法局'}"
            for level, code in codes.items()
        }

    def submitter(self) -> str:
        submitter = self.row["submitter"]
        if submitter in self.names:
            return f"{self.names[submitter]}（报送单位）"
        return f"{self.office['county']}（县级管理员）"

    def at_level(self, level: str) -> str:
        return f"{self.office[level]}（{LEVEL_NAMES[level]}管理员）"

    def of(self, actor: str, step: str, level: str | None) -> str:
        if actor in self.names:
            return self.names[actor]
        if step == "submitted" or level is None:
            return self.submitter()
        return self.at_level(LEVEL_BELOW[level] if step == "escalated" else level)


async def timeline(store: EventStore, report_id: str, offices: Offices) -> list[dict[str, Any]]:
    """The report's events in stream order: `[{step, title, detail, level, at (ISO, +08:00), at_text,
    actor (sign-in id), actor_name (for people)}]`; `step` is submitted | returned | approved |
    escalated."""
    steps: list[dict[str, Any]] = []
    submissions = 0
    for stored in await store.read_stream(report_id):
        event, envelope = stored.event, stored.envelope
        submissions += isinstance(event, ReportSubmitted)
        step, title, detail = _step(event, offices, submissions)
        at = envelope.recorded_at.astimezone(CST)
        level = getattr(event, "by_level", None) or getattr(event, "to_level", None)
        level_value = level and level.value
        steps.append({
            "step": step, "title": title, "detail": detail or "", "level": level_value,
            "at": at.isoformat(), "at_text": at.strftime("%Y-%m-%d %H:%M +08:00"), "actor": envelope.actor,
            "actor_name": offices.of(envelope.actor, step, level_value),
        })  # fmt: skip
    return steps


def describe(row: dict[str, Any], steps: list[dict[str, Any]], offices: Offices) -> dict[str, Any]:
    """The row with what people read: kind, status and level names, names of submitter, county and
    city, who confirmed the figures (`confirmed_by_names`, in the order of `confirmed_by`), the
    version (how many times it was submitted) and the level that ends its review."""
    names = offices.names
    submitter = row["submitter"]
    county_name = names.get(row["county"], row["county"])
    return {
        **row,
        "kind_name": KIND_NAMES.get(row["kind"], row["kind"]),
        "status_name": STATUS_NAMES.get(row["status"], row["status"]),
        "at_level_name": LEVEL_NAMES.get(row["at_level"], row["at_level"]),
        "final_level": FINAL_LEVEL_OF.get(row["kind"]),
        "submitter_name": names.get(submitter)
        or (f"{county_name}司法局" if submitter.startswith("county-") else submitter),
        "county_name": county_name,
        "city_name": names.get(row["city"], row["city"]),
        "confirmed_by_names": [offices.of(c, "submitted", None) for c in row["confirmed_by"]],
        "version": sum(s["step"] == "submitted" for s in steps),
        "events": steps,
    }


FINAL_LEVEL_OF = {kind.value: level.value for kind, level in FINAL_LEVEL.items()}
