"""Bulk import of a county's or a province's division list (CSV or XLSX).

Columns: code (代码), name (名称), and optionally level (级别) and parent_code (上级代码); both are
implied by the code's shape when left empty (a community must say so: its code looks like a
village's). Rows may come in any order: parents are registered first. Rows already registered
with the same name change nothing, so importing the same list again appends no event.
"""

from __future__ import annotations

from typing import Any

from eventkit.auth import Principal
from eventkit.errors import AppError
from eventkit.idempotency import Idempotency
from eventkit.store import EventStore
from pydantic import BaseModel, Field, ValidationError
from vc_contracts.catalogue.enums import DivisionLevel
from vc_contracts.divisions import DivisionCode

from registry.application.import_errors import Problems
from registry.application.importing import run_import
from registry.application.reasons import FORMAT_HINTS
from registry.application.tabular import read_table
from registry.application.vocabulary import LEVEL_RANK, LEVELS, translated
from registry.application.workspace import Workspace
from registry.domain import divisions

COLUMNS = {
    "code": ("代码", "区划代码", "行政区划代码", "统计用区划代码"),
    "name": ("名称", "区划名称"),
    "level": ("级别", "层级"),
    "parent_code": ("上级代码", "上级区划代码"),
}
HINTS = {"code": FORMAT_HINTS["code"], "parent_code": FORMAT_HINTS["code"]}


class DivisionRow(BaseModel):
    code: DivisionCode
    name: str = Field(min_length=1, max_length=100)
    level: DivisionLevel | None = None
    parent_code: DivisionCode | None = None


async def import_divisions(
    store: EventStore, who: Principal, content: bytes, idem: Idempotency
) -> dict[str, Any]:
    table = read_table(content, COLUMNS, {"code", "name"})

    async def plan(ws: Workspace) -> dict[str, Any]:
        problems = Problems(table.headers)
        rows: list[tuple[int, DivisionRow]] = []
        for number, raw in table.rows:
            try:
                row = DivisionRow.model_validate({**raw, "level": translated(raw.get("level"), LEVELS)})
            except ValidationError as exc:
                problems.add_validation(number, exc, HINTS)
                continue
            if not who.can_see(row.code):
                problems.add(number, "code", f"{row.code} 不在您的管辖范围 {who.scope} 内")
                continue
            level = row.level or divisions.level_by_shape(row.code)
            parent = row.parent_code or divisions.parent_by_shape(row.code)
            rows.append((number, row.model_copy(update={"level": level, "parent_code": parent})))
        rows.sort(key=lambda item: LEVEL_RANK[item[1].level or DivisionLevel.village])
        codes = {r.code for _, r in rows} | {r.parent_code for _, r in rows if r.parent_code}
        await ws.load(divisions.stream_id(code) for code in codes)
        registered = sum(_register(ws, number, row, problems) for number, row in rows)
        problems.raise_if_any()
        return {"rows": len(table.rows), "registered": registered, "unchanged": len(table.rows) - registered}

    return await run_import(store, who, idem, plan)


def _register(ws: Workspace, number: int, row: DivisionRow, problems: Problems) -> bool:
    parent = (
        ws.state(divisions.divisions, divisions.stream_id(row.parent_code))
        if row.parent_code
        else divisions.Division()
    )
    command = divisions.RegisterDivision(row.code, row.name, row.level or DivisionLevel.village, parent)
    try:
        return bool(ws.decide(divisions.divisions, divisions.stream_id(row.code), command, row.code))
    except AppError as refused:
        problems.add(number, refused.field or "code", refused.message)
    except ValidationError as exc:
        problems.add_validation(number, exc, HINTS)
    return False
