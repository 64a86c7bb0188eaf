"""A county onboards from its roster spreadsheet: units, advisors and assignments in one file.

Every row is checked (formats, then the domain rules against what is registered and what earlier
rows of the file add) before anything is written; all problems come back in one answer by row
and column, and nothing is imported unless every row is valid.

Each new advisor claims its person (domain/nominees.py) in the import's one transaction: a person
another advisor of the county holds, in the store or in an earlier row, refuses the file at that
row's licence (or name) column; a concurrent import or nomination that claimed first makes this
one plan again (importing.run_import) and be refused the same way.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

from eventkit.auth import UNITS, Principal
from eventkit.errors import AppError
from eventkit.idempotency import Idempotency
from eventkit.import_errors import Problems
from eventkit.imports import ImportProgress
from eventkit.spreadsheets import read_sheet
from eventkit.store import EventStore
from pydantic import ValidationError

from registry.application import roster_rows as rr
from registry.application.import_batch import Workspace
from registry.application.importing import run_import
from registry.domain import advisors, assignments, divisions, nominees, units

# Which column a refusal points at, per stage, by the field the domain names.
UNIT_COLUMNS = {
    "division_code": "unit_division_code",
    "credit_code": "unit_credit_code",
    "unit_id": "unit_id",
}
ADVISOR_COLUMNS = {
    "licence_no": "licence_no",
    "name": "advisor_name",
    "advisor_id": "advisor_id",
    "unit_id": "unit_name",
    "kind": "advisor_kind",
}
ASSIGNMENT_COLUMNS = {"valid_from": "valid_from", "advisor_id": "advisor_name"}


async def import_roster(
    store: EventStore,
    who: Principal,
    content: bytes,
    idem: Idempotency,
    progress: ImportProgress | None = None,
) -> dict[str, Any]:
    sheet = await asyncio.to_thread(read_sheet, content, rr.COLUMNS)
    if progress:
        progress.rows = sheet.count

    async def plan(ws: Workspace) -> dict[str, Any]:
        problems = sheet.problems
        rows: list[tuple[int, rr.RosterRow]] = []
        # Rows that do not read whole (a cell unreadable or invalid), with their valid cells: those
        # are still checked against the registry (`_Planner.check_loose`), so that every problem of
        # a row comes in one answer, not one upload per problem.
        loose: list[tuple[int, dict[str, str]]] = []
        for partial, lines in ((False, sheet.rows), (True, sheet.partial)):  # partial: a cell refused
            for number, raw in lines:
                try:
                    parsed = rr.RosterRow.parse(raw)
                except ValidationError as exc:
                    problems.add_validation(number, exc, rr.HINTS)
                    wrong = {str(e["loc"][0]) for e in exc.errors() if e["loc"]}
                    loose.append((number, {k: v for k, v in raw.items() if k not in wrong}))
                    continue
                if partial:  # its read cells all pass, but it is never imported
                    loose.append((number, raw))
                else:
                    rows.append((number, parsed))
        if progress:
            progress.step("parsed", len(sheet.rows))
        villages = {cells["village_code"] for _, cells in loose if cells.get("village_code")}
        await ws.load(_streams(rows) | {divisions.stream_id(code) for code in villages})
        await _load_claims(ws, rows)
        planner = _Planner(ws, who, problems)
        await asyncio.to_thread(planner.plan_all, rows)
        for number, cells in loose:
            planner.check_loose(number, cells)
        if progress:
            progress.step("checked", len(rows))
        problems.raise_if_any()
        return {"rows": sheet.count, **planner.report(), **sheet.named()}

    return await run_import(store, who, idem, plan)


def _streams(rows: list[tuple[int, rr.RosterRow]]) -> set[str]:
    wanted: set[str] = set()
    for _, r in rows:
        wanted |= {divisions.stream_id(r.unit_division_code), units.unit_stream(r.unit_key)}
        wanted.add(advisors.advisor_stream(r.advisor_key))
        if r.village_code:
            wanted |= {divisions.stream_id(r.village_code), assignments.stream_id(r.village_code)}
    return wanted


def _person(ws: Workspace, row: rr.RosterRow) -> nominees.Person:
    """The person a row's advisor is, in the county of the unit as stored, else as the row says."""
    unit = ws.state(units.units, units.unit_stream(row.unit_key))
    if not unit.exists:
        unit = units.Unit(row.unit_key, division_code=row.unit_division_code)
    return nominees.Person.of(unit, row.advisor_name, row.licence_no)


async def _load_claims(ws: Workspace, rows: list[tuple[int, rr.RosterRow]]) -> None:
    """Load the rows' claim streams, then the streams of their holders (whether a claim lapsed)."""
    claims = {_person(ws, r).stream_id for _, r in rows}
    await ws.load(claims)
    holders = (ws.state(nominees.nominees, c).holder for c in claims)
    await ws.load(advisors.advisor_stream(h) for h in holders if h)


class _Planner:
    def __init__(self, ws: Workspace, who: Principal, problems: Problems) -> None:
        self.ws, self.who, self.problems = ws, who, problems
        self.first_seen: dict[str, tuple[int, tuple[object, ...]]] = {}
        self.counts: Counter[str] = Counter()

    def report(self) -> dict[str, dict[str, int]]:
        kinds = ("units", "advisors", "assignments")
        return {
            k: {"new": self.counts[f"{k}.new"], "unchanged": self.counts[f"{k}.unchanged"]} for k in kinds
        }

    def plan_all(self, rows: list[tuple[int, rr.RosterRow]]) -> None:
        """CPU-bound for a large roster: run it in a worker thread."""
        for n, row in rows:
            self.plan(n, row)

    def plan(self, n: int, row: rr.RosterRow) -> None:
        if self._unit(n, row) and self._advisor(n, row):
            if row.village_code:
                self._assignment(n, row)
        elif row.village_code:  # the row's unit or advisor refused: its village is checked all the same
            self._village(n, row.village_code)

    def check_loose(self, n: int, cells: dict[str, str]) -> None:
        """A row that does not read whole (`cells`: its valid cells only): the checks against the
        registry its cells allow, the unit's scope and the village's (scope, registered)."""
        if code := cells.get("unit_division_code"):
            self._unit_in_scope(n, code)
        if village := cells.get("village_code"):
            self._village(n, village)

    def _unit_in_scope(self, n: int, division_code: str) -> bool:
        if not self.who.can_see(division_code):
            self.problems.add(n, "unit_division_code", f"该单位不在您的管辖范围 {self.who.scope} 内")
            return False
        return True

    def _village_in_scope(self, n: int, village_code: str) -> bool:
        if not self.who.can_see(village_code):
            self.problems.add(n, "village_code", f"{village_code} 不在您的管辖范围 {self.who.scope} 内")
            return False
        return True

    def _village(self, n: int, village_code: str) -> None:
        """The village in scope and registered (`assignments.require_village`), for a row whose
        assignment cannot be decided; a decided one is checked by the decider itself."""
        if self._village_in_scope(n, village_code):
            self._village_registered(n, village_code)

    def _village_registered(self, n: int, village_code: str) -> None:
        try:
            assignments.require_village(self.ws.state(divisions.divisions, divisions.stream_id(village_code)))
        except AppError as refused:
            self.problems.add_refusal(n, refused, ASSIGNMENT_COLUMNS, "village_code")

    def _repeated(
        self, n: int, key: str, facts: tuple[object, ...], column: str, what: str, name: str
    ) -> bool | None:
        """None: first time; True: a consistent repeat; False: contradicts an earlier row (named by
        its row and the name in this row, never by `key`: a derived id is nowhere to be seen)."""
        if key not in self.first_seen:
            self.first_seen[key] = (n, facts)
            return None
        first, known = self.first_seen[key]
        if known != facts:
            self.problems.add(n, column, f"与本文件第 {first} 行的同一{what}（{name}）信息不一致，请改为一致")
        return known == facts

    def _decide(
        self, n: int, kind: str, columns: dict[str, str], default: str, *args: Any, clash: str = "冲突"
    ) -> bool:
        return self._decided(n, kind, columns, default, *args, clash=clash) is not None

    def _decided(
        self, n: int, kind: str | None, columns: dict[str, str], default: str, *args: Any, clash: str = "冲突"
    ) -> list[Any] | None:
        """The events decided, or None when refused (the refusal added to the problems; one due to
        an earlier row of the file names that row, `clash` saying how: `Workspace.decide`)."""
        try:
            decider, stream, command, tenant_of = args
            events = self.ws.decide(decider, stream, command, tenant_of, row=n, clash=clash)
        except (AppError, ValidationError) as refused:  # a decider's refusal or an event model's
            self.problems.add_refusal(n, refused, columns, default)
            return None
        if kind:
            self.counts[f"{kind}.{'new' if events else 'unchanged'}"] += 1
        return events

    def _unit(self, n: int, row: rr.RosterRow) -> bool:
        repeat = self._repeated(n, row.unit_key, row.unit_facts, "unit_name", "单位", row.unit_name)
        if repeat is not None:
            return repeat and self.ws.state(units.units, units.unit_stream(row.unit_key)).exists
        if not self._unit_in_scope(n, row.unit_division_code):
            return False
        if self.who.role in UNITS and self.who.unit_id != row.unit_key:
            self.problems.add(n, "unit_name", "只能导入本单位的人员")
            return False
        division = self.ws.state(divisions.divisions, divisions.stream_id(row.unit_division_code))
        command = units.RegisterUnit(
            row.unit_key, row.unit_kind, row.unit_name, division, row.unit_credit_code, row.unit_licence_no
        )
        stream = units.unit_stream(row.unit_key)
        if not self._decide(
            n, "units", UNIT_COLUMNS, "unit_name", units.units, stream, command, division.code or ""
        ):
            return False
        if not self.who.can_see(self.ws.state(units.units, stream).division_code or ""):
            self.problems.add(n, "unit_id", f"单位 {row.unit_key} 已登记在您的管辖范围之外")
            return False
        return True

    def _advisor(self, n: int, row: rr.RosterRow) -> bool:
        repeat = self._repeated(
            n, row.advisor_key, row.advisor_facts, "advisor_name", "顾问", row.advisor_name
        )
        if repeat is not None:
            return (
                repeat and self.ws.state(advisors.advisors, advisors.advisor_stream(row.advisor_key)).exists
            )
        unit = self.ws.state(units.units, units.unit_stream(row.unit_key))
        command = advisors.RegisterAdvisor(
            row.advisor_key, row.advisor_name, row.advisor_kind, unit, row.phone, row.licence_no
        )
        stream = advisors.advisor_stream(row.advisor_key)
        args = (advisors.advisors, stream, command, unit.division_code or "")
        created = self._decided(n, "advisors", ADVISOR_COLUMNS, "advisor_name", *args)
        return created is not None and self._claim(n, row, bool(created))

    def _claim(self, n: int, row: rr.RosterRow, created: bool) -> bool:
        """A new advisor claims its person; an unchanged one claims only a person nobody holds yet
        (registered before claims existed), so importing an old file again never refuses it."""
        person = _person(self.ws, row)
        claim = self.ws.state(nominees.nominees, person.stream_id)
        advisor = self.ws.state(advisors.advisors, advisors.advisor_stream(row.advisor_key))
        if not created and (claim.holder is not None or not nominees.stands(advisor)):
            return True
        holder = advisors.Advisor()
        if claim.holder is not None and claim.holder != row.advisor_key:
            holder = self.ws.state(advisors.advisors, advisors.advisor_stream(claim.holder))
        command = nominees.claim(person, row.advisor_key, claim, holder)
        args = (nominees.nominees, person.stream_id, command, person.county)
        clash = "冲突：两行是同一人（同一县内姓名和执业证号相同）却是不同的顾问，请合并为一名顾问"
        return self._decided(n, None, ADVISOR_COLUMNS, "advisor_name", *args, clash=clash) is not None

    def _assignment(self, n: int, row: rr.RosterRow) -> None:
        village_code = row.village_code or ""
        missing = [c for c in ("valid_from", "schedule") if getattr(row, c) is None]
        for column in missing:
            self.problems.add(n, column, "填写了村（社区）代码时必填")
        if not self._village_in_scope(n, village_code):
            return
        if missing or not (row.valid_from and row.schedule):  # no assignment to decide
            self._village_registered(n, village_code)  # the village is checked all the same
            return
        village = self.ws.state(divisions.divisions, divisions.stream_id(village_code))
        advisor = self.ws.state(advisors.advisors, advisors.advisor_stream(row.advisor_key))
        command = assignments.AssignAdvisor(
            row.assignment_key, village, advisor, row.valid_from, row.schedule, "花名册导入"
        )
        args = (assignments.assignments, assignments.stream_id(village_code), command, village_code)
        clash = f"的指派冲突：两行都为村（社区）{village_code} 指派顾问，任期重叠或重复，请删去或改正其中一行"
        self._decide(n, "assignments", ASSIGNMENT_COLUMNS, "village_code", *args, clash=clash)
