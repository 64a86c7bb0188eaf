"""Send a plan to the running services over HTTP, through their own import paths and commands:

1. `POST /divisions/import` (registry, province admin): the province's real division list;
2. `POST /units` for the justice offices without an advisor, then `POST /roster/import` per county
   (units, advisors and their villages from 1 January, county admin);
3. `POST /assignments` for the mid-year reassignments, `POST /agreements` and
   `POST /agreements/{id}/filing` per village (county admin);
4. once the ledger has learnt the assignments from the registry's topic: `POST /imports` per unit
   (the year's backfill, with the unit's token);
5. `POST /visits` for the late entries (the advisor's token), then `POST /entries/{id}/corrections`
   and `…/void`.

Every command carries an idempotency key derived from the plan, so a rerun against the same stack
appends nothing new. Progress goes to stderr.
"""

from __future__ import annotations

import asyncio
import csv
import io
import sys
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import httpx
from eventkit.tokens import issue
from ledger.application.commands import entry_id_for

from bench.province.plan import Advisor, Entry, Plan, Unit

CONCURRENCY = 8
ROLE_OF_UNIT = {
    "law_firm": "law_firm",
    "justice_office": "justice_office",
    "legal_aid_center": "legal_aid_center",
}
LEVEL_WORD = {
    "province": "省",
    "city": "市",
    "county": "县",
    "township": "乡镇",
    "village": "村",
    "community": "社区",
}
LEDGER_HEADINGS = (
    "kind",
    "advisor_id",
    "village_code",
    "started_at",
    "ended_at",
    "place",
    "summary",
    "topic",
    "audience",
    "channel",
    "category",
    "outcome",
    "client_entry_id",
)


def say(message: str) -> None:
    print(f"… {message}", file=sys.stderr, flush=True)


@dataclass
class Phase:
    name: str
    requests: int
    seconds: float


@dataclass
class Writer:
    """The services' base URLs (registry, ledger), the JWT secret, and the database DSN (read only:
    to wait until the ledger's copy of the assignments has caught up). `transport`: None sends over
    the network; the tests pass an in-process one (the apps themselves, no server processes)."""

    urls: dict[str, str]
    secret: str
    dsn: str
    transport: httpx.AsyncBaseTransport | None = None
    phases: list[Phase] = field(default_factory=list)
    client: httpx.AsyncClient = field(init=False)

    def token(self, role: str, scope: str, subject: str, unit: str | None = None) -> dict[str, str]:
        token = issue(self.secret, role=role, scope=scope, subject=subject, unit=unit)
        return {"Authorization": f"Bearer {token}"}

    def admin(self, code: str) -> dict[str, str]:
        return self.token("county_admin", code[:6], f"gen-admin-{code[:6]}")

    def advisor(self, a: Advisor) -> dict[str, str]:
        return self.token("advisor", a.county, a.advisor_id, a.unit.unit_id)

    def unit(self, u: Unit, county: str) -> dict[str, str]:
        return self.token(ROLE_OF_UNIT[u.kind], county, f"gen-staff-{u.unit_id}", u.unit_id)

    async def send(
        self,
        service: str,
        path: str,
        headers: dict[str, str],
        key: str,
        *,
        json: Any = None,
        content: bytes | None = None,
        ok: Iterable[int] = (200, 201),
    ) -> httpx.Response:
        headers = {**headers, "Idempotency-Key": f"gen:{key}"}
        if content is not None:
            headers["Content-Type"] = "text/csv"
        for attempt in range(5):
            try:
                r = await self.client.post(
                    f"{self.urls[service]}{path}", json=json, content=content, headers=headers
                )
            except httpx.TransportError:
                if attempt == 4:
                    raise
                await asyncio.sleep(1 + attempt)
                continue
            if r.status_code in ok:
                return r
            if r.status_code in (502, 503, 504) and attempt < 4:
                await asyncio.sleep(1 + attempt)
                continue
            raise RuntimeError(f"{service} POST {path}: {r.status_code} {r.text[:800]}")
        raise AssertionError("unreachable")

    async def phase(
        self, name: str, jobs: Sequence[Callable[[], Awaitable[object]]], width: int = CONCURRENCY
    ) -> None:
        started, done = time.perf_counter(), 0
        queue = iter(jobs)
        say(f"{name}: {len(jobs):,} requests")

        async def worker() -> None:
            nonlocal done
            for job in queue:
                await job()
                done += 1
                if done % 2000 == 0:
                    say(f"  {name}: {done:,}/{len(jobs):,} ({time.perf_counter() - started:.0f} s)")

        await asyncio.gather(*(worker() for _ in range(min(width, len(jobs)) or 1)))
        self.phases.append(Phase(name, len(jobs), time.perf_counter() - started))
        say(f"  {name}: done in {time.perf_counter() - started:.1f} s")

    async def write(self, plan: Plan) -> None:
        limits = httpx.Limits(max_connections=32, max_keepalive_connections=32, keepalive_expiry=2.0)
        async with httpx.AsyncClient(
            timeout=1800, trust_env=False, limits=limits, transport=self.transport
        ) as self.client:
            await self.divisions(plan)
            await self.roster(plan)
            await self.registry_commands(plan)
            await self.ledger_knows(len(plan.first) + len(plan.reassigned))
            await self.backfill(plan)
            await self.ledger_commands(plan)

    async def divisions(self, plan: Plan) -> None:
        by_province: dict[str, list[list[str]]] = defaultdict(list)
        for d in plan.province.all_divisions():
            by_province[d.code[:2]].append([d.code, d.name, LEVEL_WORD[d.level]])
        jobs = [
            (
                lambda p=p, rows=rows: self.send(
                    "registry",
                    "/divisions/import",
                    self.token("province_admin", f"{p}0000", f"gen-admin-{p}"),
                    f"divisions:{p}",
                    content=_csv(("code", "name", "level"), rows),
                )
            )
            for p, rows in by_province.items()
        ]
        await self.phase("registry: division import", jobs, width=1)

    async def roster(self, plan: Plan) -> None:
        staffed = {a.unit.unit_id for a in plan.advisors}
        jobs: list[Callable[[], Awaitable[object]]] = [
            (
                lambda u=u: self.send(  # type: ignore[misc]  # a lambda with defaults
                    "registry",
                    "/units",
                    self.admin(u.division_code),
                    f"unit:{u.unit_id}",
                    json={
                        "unit_id": u.unit_id,
                        "kind": u.kind,
                        "name": u.name,
                        "division_code": u.division_code,
                    },
                )
            )
            for u in plan.units
            if u.unit_id not in staffed
        ]
        await self.phase("registry: units without an advisor (POST /units)", jobs)
        rows: dict[str, list[list[object]]] = defaultdict(list)
        for s in plan.first:
            a, u = s.advisor, s.advisor.unit
            rows[a.county].append(
                [
                    u.unit_id,
                    u.name,
                    u.kind,
                    u.division_code,
                    u.credit_code or "",
                    a.advisor_id,
                    a.name,
                    a.kind,
                    a.licence_no or "",
                    a.phone,
                    s.village,
                    s.valid_from.isoformat(),
                    s.schedule,
                ]
            )
        headings = (
            "unit_id",
            "unit_name",
            "unit_kind",
            "unit_division_code",
            "unit_credit_code",
            "advisor_id",
            "advisor_name",
            "advisor_kind",
            "licence_no",
            "phone",
            "village_code",
            "valid_from",
            "schedule",
        )
        jobs = [
            (
                lambda c=c, r=r: self.send(  # type: ignore[misc]  # a lambda with defaults
                    "registry", "/roster/import", self.admin(c), f"roster:{c}", content=_csv(headings, r)
                )
            )
            for c, r in rows.items()
        ]
        await self.phase("registry: roster import per county", jobs, width=2)

    async def registry_commands(self, plan: Plan) -> None:
        jobs: list[Callable[[], Awaitable[object]]] = [
            (
                lambda s=s: self.send(  # type: ignore[misc]  # a lambda with defaults
                    "registry",
                    "/assignments",
                    self.admin(s.village),
                    f"reassign:{s.village}",
                    json={
                        "village_code": s.village,
                        "advisor_id": s.advisor.advisor_id,
                        "valid_from": s.valid_from.isoformat(),
                        "schedule": s.schedule,
                    },
                )
            )
            for s in plan.reassigned
        ]
        await self.phase("registry: reassignments (POST /assignments)", jobs)

        async def agree(g: Any) -> None:
            body = {
                "agreement_id": g.agreement_id,
                "unit_id": g.unit_id,
                "village_code": g.village,
                "advisor_ids": [g.advisor_id],
                "term_start": g.term_start.isoformat(),
                "term_end": g.term_end.isoformat(),
                "signed_on": g.signed_on.isoformat(),
            }
            await self.send(
                "registry", "/agreements", self.admin(g.village), f"agree:{g.agreement_id}", json=body
            )
            if g.filed_on is not None:
                filing = {
                    "filing_no": g.filing_no,
                    "filed_on": g.filed_on.isoformat(),
                    "signed_and_stamped": True,
                }
                await self.send(
                    "registry",
                    f"/agreements/{g.agreement_id}/filing",
                    self.admin(g.village),
                    f"file:{g.agreement_id}",
                    json=filing,
                )

        jobs = [(lambda g=g: agree(g)) for g in plan.agreements]  # type: ignore[misc]  # a lambda with defaults
        await self.phase("registry: agreements and filings", jobs, width=2 * CONCURRENCY)

    async def ledger_knows(self, assignments: int, within: float = 1800) -> None:
        """Wait until the ledger's read model of the registry's assignments holds them all (the
        backfill refuses work on a village the ledger does not yet know as assigned)."""
        started = time.perf_counter()
        conn = await asyncpg.connect(self.dsn)
        try:
            while True:
                known = await conn.fetchval("SELECT count(*) FROM ledger.known_assignments")
                if known >= assignments:
                    break
                if time.perf_counter() - started > within:
                    raise RuntimeError(
                        f"the ledger knows {known} of {assignments} assignments after {within:g} s"
                    )
                await asyncio.sleep(0.5)
        finally:
            await conn.close()
        self.phases.append(
            Phase("ledger: learning the assignments (relay + projection)", 0, time.perf_counter() - started)
        )
        say(f"ledger knows the {assignments:,} assignments after {time.perf_counter() - started:.1f} s")

    async def backfill(self, plan: Plan) -> None:
        files: dict[str, list[Entry]] = defaultdict(list)
        units = {a.unit.unit_id: a.unit for a in plan.advisors}
        for e in plan.entries:
            if not e.late:
                files[e.advisor.unit.unit_id].append(e)
        jobs = [
            (
                lambda u=units[uid], es=es: self.send(
                    "ledger",
                    "/imports",
                    self.unit(u, es[0].advisor.county),
                    f"backfill:{u.unit_id}:{plan.year}",
                    content=_backfill(es),
                )
            )
            for uid, es in files.items()
        ]
        await self.phase("ledger: backfill import per unit", jobs, width=2)

    async def ledger_commands(self, plan: Plan) -> None:
        jobs: list[Callable[[], Awaitable[object]]] = [
            (
                lambda e=e: self.send(  # type: ignore[misc]  # a lambda with defaults
                    "ledger",
                    "/visits",
                    self.advisor(e.advisor),
                    e.client_entry_id,
                    json={
                        "village_code": e.village,
                        "started_at": e.started_at.isoformat(),
                        "ended_at": e.ended_at.isoformat(),  # type: ignore[union-attr]
                        "client_entry_id": e.client_entry_id,
                        **dict(e.fields),
                    },
                )
            )
            for e in plan.entries
            if e.late
        ]
        await self.phase("ledger: late entries (POST /visits)", jobs)
        jobs = [
            (
                lambda c=c: self.send(  # type: ignore[misc]  # a lambda with defaults
                    "ledger",
                    f"/entries/{_entry_id(c.entry)}/corrections",
                    self.advisor(c.entry.advisor),
                    f"correct:{c.entry.client_entry_id}",
                    json={"changes": {"ended_at": c.ended_at.isoformat()}, "reason": c.reason},
                )
            )
            for c in plan.corrections
        ]
        jobs += [
            (
                lambda v=v: self.send(  # type: ignore[misc]  # a lambda with defaults
                    "ledger",
                    f"/entries/{_entry_id(v.entry)}/void",
                    self.advisor(v.entry.advisor),
                    f"void:{v.entry.client_entry_id}",
                    json={"reason": v.reason},
                )
            )
            for v in plan.voids
        ]
        await self.phase("ledger: corrections and voids", jobs)


def _entry_id(e: Entry) -> str:
    return entry_id_for(e.advisor.advisor_id, e.client_entry_id)


def _csv(headings: Iterable[str], rows: Iterable[Iterable[object]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headings)
    writer.writerows(rows)
    return out.getvalue().encode()


def _backfill(entries: list[Entry]) -> bytes:
    rows = []
    for e in entries:
        cells: dict[str, object] = {
            "kind": e.kind,
            "advisor_id": e.advisor.advisor_id,
            "village_code": e.village,
            "started_at": e.started_at.isoformat(),
            "client_entry_id": e.client_entry_id,
            **dict(e.fields),
        }
        if e.ended_at is not None:
            cells["ended_at"] = e.ended_at.isoformat()
        rows.append([cells.get(h, "") for h in LEDGER_HEADINGS])
    return _csv(LEDGER_HEADINGS, rows)
