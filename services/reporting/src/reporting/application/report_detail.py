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

from reporting.domain.reports import FINAL_LEVEL, STATUS_NAMES

LEVEL_NAMES = wire_labels(Level)
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


def _step(event: Any, names: dict[str, str], submissions: int) -> tuple[str, str, str | None]:
    """(kind of step, title, detail) of one report event, in Chinese."""
    match event:
        case ReportSubmitted():
            title = "报送" if submissions == 1 else f"重新报送（第{submissions}次）"
            return (
                "submitted",
                title,
                f"数据指纹 {event.figures.get('digest', '')}，确认人 {'、'.join(event.confirmed_by)}",
            )
        case ReportReturned():
            return "returned", f"{LEVEL_NAMES[event.by_level.value]}退回", event.reason
        case ReportApproved():
            return "approved", f"{LEVEL_NAMES[event.by_level.value]}审核通过", None
        case ReportEscalated():
            to = names.get(event.to_division_code, event.to_division_code)
            return "escalated", f"上报{LEVEL_NAMES[event.to_level.value]}", f"报送至{to}"
    return "other", type(event).__name__, None


async def timeline(store: EventStore, report_id: str, names: dict[str, str]) -> list[dict[str, Any]]:
    """The report's events in stream order: `[{step, title, detail, level, at (ISO, +08:00), at_text,
    actor}]`; `step` is submitted | returned | approved | escalated."""
    steps: list[dict[str, Any]] = []
    submissions = 0
    for stored in await store.read_stream(report_id):
        event, envelope = stored.event, stored.envelope
        submissions += isinstance(event, ReportSubmitted)
        step, title, detail = _step(event, names, submissions)
        at = envelope.recorded_at.astimezone(CST)
        level = getattr(event, "by_level", None) or getattr(event, "to_level", None)
        steps.append({
            "step": step, "title": title, "detail": detail or "", "level": level and level.value,
            "at": at.isoformat(), "at_text": at.strftime("%Y-%m-%d %H:%M +08:00"), "actor": envelope.actor,
        })  # fmt: skip
    return steps


def describe(row: dict[str, Any], steps: list[dict[str, Any]], names: dict[str, str]) -> dict[str, Any]:
    """The row with what people read: kind, status and level names, names of submitter, county and
    city, the version (how many times it was submitted) and the level that ends its review."""
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
        "version": sum(s["step"] == "submitted" for s in steps),
        "events": steps,
    }


FINAL_LEVEL_OF = {kind.value: level.value for kind, level in FINAL_LEVEL.items()}
