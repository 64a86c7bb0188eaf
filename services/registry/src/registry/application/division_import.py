"""Bulk import of a county's or a province's division list (CSV or XLSX).

Columns: code (代码), name (名称), and optionally level (级别) and parent_code (上级代码); both are
implied by the code's shape when left empty (a community must say so: its code looks like a
village's). Rows may come in any order: parents are registered first. Rows already registered
with the same name change nothing, so importing the same list again appends no event.
"""

from __future__ import annotations

import asyncio
from typing import Any

from eventkit.auth import Principal
from eventkit.errors import AppError
from eventkit.idempotency import Idempotency
from eventkit.import_errors import Problems
from eventkit.imports import ImportProgress
from eventkit.spreadsheets import Column, Kind, read_sheet
from eventkit.store import EventStore
from pydantic import BaseModel, TypeAdapter, ValidationError
from vc_contracts.catalogue.enums import DIVISION_LEVEL_LABELS, DivisionLevel
from vc_contracts.catalogue.fields import ShortText
from vc_contracts.divisions import DivisionCode

from registry.application.import_batch import Workspace
from registry.application.importing import run_import
from registry.application.reasons import FORMAT_HINTS
from registry.application.vocabulary import LEVEL_RANK, LEVELS, translated
from registry.domain import divisions

COLUMNS = (
    Column("code", ("代码", "区划代码", "行政区划代码", "统计用区划代码"), Kind.identifier, required=True),
    Column("name", ("名称", "区划名称"), required=True),
    Column("level", ("级别", "层级")),
    Column("parent_code", ("上级代码", "上级区划代码"), Kind.identifier),
)
HINTS = {
    "code": FORMAT_HINTS["code"],
    "parent_code": FORMAT_HINTS["code"],
    "level": "无法识别的级别，应为：" + "、".join(DIVISION_LEVEL_LABELS.values()),
}


class DivisionRow(BaseModel):
    code: DivisionCode
    name: ShortText
    level: DivisionLevel | None = None
    parent_code: DivisionCode | None = None


async def import_divisions(
    store: EventStore,
    who: Principal,
    content: bytes,
    idem: Idempotency,
    progress: ImportProgress | None = None,
) -> dict[str, Any]:
    sheet = await asyncio.to_thread(read_sheet, content, COLUMNS)
    if progress:
        progress.rows = sheet.count

    async def plan(ws: Workspace) -> dict[str, Any]:
        problems = sheet.problems
        rows: list[tuple[int, DivisionRow]] = []
        loose: list[tuple[int, str]] = []  # (row, code) of rows that do not read whole, code valid
        # a cell refused while read: the row's other problems, and the scope of its code
        partial = _validated(sheet.partial, problems, loose)
        loose += [(number, row.code) for number, row in partial]
        valid = _validated(sheet.rows, problems, loose)
        for number, code in loose:
            _in_scope(who, number, code, problems)
        for number, row in valid:
            if not _in_scope(who, number, row.code, problems):
                continue
            level = row.level or divisions.level_by_shape(row.code)
            parent = row.parent_code or divisions.parent_by_shape(row.code)
            rows.append((number, row.model_copy(update={"level": level, "parent_code": parent})))
        rows.sort(key=lambda item: LEVEL_RANK[item[1].level or DivisionLevel.village])
        codes = {r.code for _, r in rows} | {r.parent_code for _, r in rows if r.parent_code}
        await ws.load(divisions.stream_id(code) for code in codes)
        registered = await asyncio.to_thread(
            lambda: sum(_register(ws, number, row, problems) for number, row in rows)
        )
        if progress:
            progress.step("checked", len(rows))
        problems.raise_if_any()
        # the same count names as every import (ledger's too): the shared upload component says them
        return {"rows": sheet.count, "imported": registered, "unchanged": sheet.count - registered,
                **sheet.named()}  # fmt: skip

    return await run_import(store, who, idem, plan)


_ROWS: TypeAdapter[list[DivisionRow]] = TypeAdapter(list[DivisionRow])


def _in_scope(who: Principal, number: int, code: str, problems: Problems) -> bool:
    if not who.can_see(code):
        problems.add(number, "code", f"{code} 不在您的管辖范围 {who.scope} 内")
        return False
    return True


def _validated(
    sheet_rows: list[tuple[int, dict[str, str]]], problems: Problems, loose: list[tuple[int, str]]
) -> list[tuple[int, DivisionRow]]:
    """The rows that validate, by row number; the others' problems added, and their code to `loose`
    when the code itself is valid (its scope is checked all the same). One validation of the
    whole list first (one call into pydantic-core for a province's 17,000 rows); only when it
    refuses are the rows validated one by one, so each problem names its row as before."""
    inputs = [{**raw, "level": translated(raw.get("level"), LEVELS)} for _, raw in sheet_rows]
    try:
        return list(zip((number for number, _ in sheet_rows), _ROWS.validate_python(inputs), strict=True))
    except ValidationError:
        pass
    valid = []
    for (number, _), data in zip(sheet_rows, inputs, strict=True):
        try:
            valid.append((number, DivisionRow.model_validate(data)))
        except ValidationError as exc:
            problems.add_validation(number, exc, HINTS)
            if "code" in data and not any(e["loc"][:1] == ("code",) for e in exc.errors()):
                loose.append((number, str(data["code"])))
    return valid


def _register(ws: Workspace, number: int, row: DivisionRow, problems: Problems) -> bool:
    parent = (
        ws.state(divisions.divisions, divisions.stream_id(row.parent_code))
        if row.parent_code
        else divisions.Division()
    )
    command = divisions.RegisterDivision(row.code, row.name, row.level or DivisionLevel.village, parent)
    try:
        clash = f"重复：两行的区划代码都是 {row.code}，名称或级别却不同，请删去或改正其中一行"
        stream = divisions.stream_id(row.code)
        return bool(ws.decide(divisions.divisions, stream, command, row.code, number, clash))
    except (AppError, ValidationError) as refused:  # a decider's refusal or an event model's
        problems.add_refusal(number, refused, {c.name: c.name for c in COLUMNS}, "code")
    return False
