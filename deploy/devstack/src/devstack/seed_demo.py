"""Seed the Zhengning county demo over the services' HTTP APIs (as a county would onboard).

Run by `make run` after the services are ready; safe to run again (fixed ids, idempotency keys).
"""

from __future__ import annotations

import asyncio
import os
import sys
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import httpx
from eventkit.tokens import issue
from vc_contracts import CST

from devstack.demo import boards_and_groups
from devstack.demo import zhengning as zn
from devstack.services import SERVICES

URL = {s.name: s.url for s in SERVICES}
YEAR = datetime.now(CST).year
UNFILED, LATE = (3, 17), 8  # deliberate gaps, indexes into zn.villages(): never filed; filed after 03-31
# The oldest demo entry is this many days before today at most: visits 3 + 7·2 + k days back, k the
# village's rank among its advisor's (lectures and WeChat consultations are more recent)
HISTORY_DAYS = 3 + 7 * 2 + (len(zn.villages()) - 2) // len(zn.advisors())


def served_from(today: date) -> date:
    """The day the demo's advisors have served their villages since: 1 January, or 1 January of
    last year while the demo's history reaches into last year (1–20 January). Before, the ledger
    refused every entry dated last year (no assignment that day), and the seed retried each for
    30 s: on 1 January none of the demo's entries was logged and seeding took hours."""
    start = date(today.year, 1, 1)
    return start if today - timedelta(days=HISTORY_DAYS) >= start else date(today.year - 1, 1, 1)


# The demo county's 职责分工 (R16): fictional people, the usual sections of a county justice bureau.
RESPONSIBILITIES: dict[str, Any] = {
    "head": "局长 赵志强（全面负责）",
    "deputy": "副局长 孙丽萍（分管公共法律服务）",
    "sections": [
        "公共法律服务管理股（牵头组织、协议备案、考核）",
        "人民参与和促进法治股（人民调解指导）",
        "普法与依法治理股（法治讲座、宣传）",
        "县法律援助中心",
        "各乡镇司法所（驻村服务日常管理）",
    ],
    "filing_place": "县司法局 301 室（公共法律服务管理股）",
    "effective_on": f"{YEAR}-01-01",
}


class Seeder:
    def __init__(self, client: httpx.AsyncClient, secret: str, today: date | None = None) -> None:
        self.client, self.secret = client, secret
        self.today = today or datetime.now(CST).date()  # the demo's entries are dated before it
        self.admin = self._token("province_admin", "620000", "demo-province-admin")
        self.county = self._token("county_admin", zn.COUNTY[0], "demo-county-admin")

    def _token(self, role: str, scope: str, subject: str, unit: str | None = None) -> dict[str, str]:
        token = issue(self.secret, role=role, scope=scope, subject=subject, unit=unit)
        return {"Authorization": f"Bearer {token}"}

    async def post(
        self, service: str, path: str, body: dict[str, Any], headers: dict[str, str], key: str
    ) -> int:
        response = await self.client.post(
            f"{URL[service]}{path}", json=body, headers={**headers, "Idempotency-Key": f"demo:{key}"}
        )
        if response.status_code >= 400 and response.status_code != 409:
            print(f"  {service} {path}: {response.status_code} {response.text[:300]}", file=sys.stderr)
        return response.status_code

    async def upload(self, path: str, content: bytes, headers: dict[str, str], key: str) -> int:
        """A CSV file to a registry import endpoint; its row errors are printed if refused."""
        response = await self.client.post(
            f"{URL['registry']}{path}",
            content=content,
            headers={**headers, "Content-Type": "text/csv", "Idempotency-Key": f"demo:{key}"},
        )
        if response.status_code >= 400:
            errors = response.json().get("errors", [])[:10]
            print(f"  registry {path}: {response.status_code} {errors}", file=sys.stderr)
        return response.status_code

    async def registry(self, path: str, body: dict[str, Any], key: str) -> int:
        return await self.post("registry", path, body, self.county, key)

    async def responsibilities(self) -> int:
        """Who leads the program in the county (R16, 职责分工), as its public page and the annual
        report show them. A fixed `effective_on` keeps reseeding idempotent: the same arrangement
        again writes no event (the registry answers 201 with none)."""
        response = await self.client.put(
            f"{URL['registry']}/counties/{zn.COUNTY[0]}/responsibilities",
            json=RESPONSIBILITIES,
            headers={**self.county, "Idempotency-Key": f"demo:duties:{YEAR}"},
        )
        if response.status_code >= 400:
            print(
                f"  registry responsibilities: {response.status_code} {response.text[:300]}", file=sys.stderr
            )
        return response.status_code

    async def divisions(self) -> list[zn.Village]:
        for (code, name), level, parent, who in [
            (zn.PROVINCE, "province", None, self.admin),
            (zn.CITY, "city", zn.PROVINCE[0], self.admin),
            (zn.COUNTY, "county", zn.CITY[0], self.admin),
        ]:
            await self.post(
                "registry",
                "/divisions",
                {"code": code, "name": name, "level": level, "parent_code": parent},
                who,
                f"div:{code}",
            )
        villages = zn.villages()
        await self.upload("/divisions/import", zn.division_csv(villages), self.county, "divisions")
        return villages

    async def units_and_advisors(self) -> list[tuple[str, str]]:
        """Register providers and their advisors; return (advisor_id, unit_id) in assignment order."""
        units: list[tuple[str, str, str, str | None]] = [
            (uid, "law_firm", name, credit) for uid, name, credit in zn.FIRMS
        ]
        units += [(f"U-office-{s}", "justice_office", f"{n}司法所", None) for s, n in zn.TOWNSHIPS]
        units += [
            (zn.LEGAL_AID[0], "legal_aid_center", zn.LEGAL_AID[1], None),
            (zn.BUREAU[0], "county_bureau", zn.BUREAU[1], None),
        ]
        for uid, kind, name, credit in units:
            body = {
                "unit_id": uid,
                "kind": kind,
                "name": name,
                "division_code": zn.COUNTY[0],
                "credit_code": credit,
            }
            await self.post("registry", "/units", body, self.county, f"unit:{uid}")
        advisors = zn.advisors()
        await gather(
            *(
                self.post(
                    "registry",
                    "/advisors",
                    {
                        "advisor_id": a.advisor_id,
                        "name": a.name,
                        "kind": a.kind,
                        "unit_id": a.unit_id,
                        "phone": zn.phone(i),
                        "licence_no": zn.licence(i) if a.kind != "justice_office_head" else None,
                    },
                    self.county,
                    f"adv:{a.advisor_id}",
                )
                for i, a in enumerate(advisors)
            )
        )
        return [(a.advisor_id, a.unit_id) for a in advisors]

    async def assignments_and_agreements(
        self, villages: list[zn.Village], advisors: list[tuple[str, str]]
    ) -> None:
        uncovered = villages[-1]  # deliberate gap: no advisor
        jobs = []
        for i, village in enumerate(villages):
            if village == uncovered:
                continue
            advisor_id, unit_id = advisors[i % len(advisors)]
            jobs.append(self._serve(i, village, advisor_id, unit_id))
        await gather(*jobs)

    async def _serve(self, i: int, village: zn.Village, advisor_id: str, unit_id: str) -> None:
        await self.post(
            "registry",
            "/assignments",
            {
                "village_code": village.code,
                "advisor_id": advisor_id,
                "valid_from": served_from(self.today).isoformat(),
                "schedule": ["每周一 9:00-12:00", "每周三 14:30-17:30", "每周五 9:00-12:00"][i % 3],
            },
            self.county,
            f"assign:{village.code}:{YEAR}",
        )
        agreement_id = f"AG-{YEAR}-{village.code}"
        await self.post(
            "registry",
            "/agreements",
            {
                "agreement_id": agreement_id,
                "unit_id": unit_id,
                "village_code": village.code,
                "advisor_ids": [advisor_id],
                "term_start": f"{YEAR}-01-01",
                "term_end": f"{YEAR}-12-31",
                "signed_on": f"{YEAR}-01-{10 + i % 15:02d}",
            },
            self.county,
            f"agree:{agreement_id}",
        )
        if i in UNFILED:
            return  # deliberate gap: never filed
        filed_on = f"{YEAR}-04-03" if i == LATE else f"{YEAR}-03-{1 + i % 28:02d}"
        await self.post(
            "registry",
            f"/agreements/{agreement_id}/filing",
            {
                "filing_no": f"正司备〔{YEAR}〕{i + 1:03d}号",
                "filed_on": filed_on,
                "signed_and_stamped": True,
            },
            self.county,
            f"file:{agreement_id}",
        )

    async def visits(self, villages: list[zn.Village], advisors: list[tuple[str, str]]) -> int:
        """The ledger of this quarter: on-site visits (some villages reach 8 h, some don't), lectures,
        WeChat consultations; committees confirm some entries, one is corrected and one voided.
        Waits until the ledger has learnt the assignments. Returns the number of visits."""
        today = datetime(self.today.year, self.today.month, self.today.day, tzinfo=CST)
        topics = ["民法典与农村生活", "土地承包法律知识", "防范电信网络诈骗", "婚姻家庭与继承", "欠薪维权"]
        questions = [
            ("land", "宅基地确权登记办理流程"),
            ("marriage_family", "离婚后子女抚养费标准"),
            ("labour", "工地欠薪如何维权"),
            ("contract_debt", "民间借贷借条怎么写"),
            ("inheritance", "父母房产继承份额"),
            ("neighbour", "邻居排水沟占地纠纷"),
        ]

        async def log(path: str, body: dict[str, Any], token: dict[str, str], key: str) -> str | None:
            for _ in range(60):  # 422 while the ledger's read model of assignments is still catching up
                headers = {**token, "Idempotency-Key": f"demo:{key}"}
                r = await self.client.post(f"{URL['ledger']}{path}", json=body, headers=headers)
                if r.status_code != 422:
                    break
                await asyncio.sleep(0.5)
            if r.status_code >= 400:
                print(f"  ledger {path}: {r.status_code} {r.text[:300]}", file=sys.stderr)
                return None
            return str(r.json()["entry_id"])

        logged = 0
        for i, village in enumerate(villages[:-1]):
            advisor_id, unit_id = advisors[i % len(advisors)]
            k = i // len(advisors)  # which of this advisor's villages: its visits fall on other days
            token = self._token("advisor", zn.COUNTY[0], advisor_id, unit_id)
            code, entries, lecture, wechat = village.code, [], None, []
            for n in range(i % 4):  # 0-3 visits of 3 hours
                start = today - timedelta(days=3 + 7 * n + k, hours=-9)
                body: dict[str, Any] = {
                    "village_code": code,
                    "started_at": start.isoformat(),
                    "ended_at": (start + timedelta(hours=3)).isoformat(),
                    "place": "村委会法律服务室",
                    "summary": "驻村坐班，接待群众法律咨询",
                    "client_entry_id": f"demo-{code}-{n}",
                }
                entries.append(await log("/visits", body, token, f"visit:{code}:{n}"))
                logged += 1
            if i % 3 != 2:  # a lecture in two villages of three (R6 asks two a year)
                when = today - timedelta(days=10 + k, hours=-14, minutes=-30)
                body = {
                    "village_code": code,
                    "occurred_at": when.isoformat(),
                    "topic": topics[i % len(topics)],
                    "audience": 20 + (i * 7) % 60,
                    "co_organisers": ["县司法局普法与依法治理股"] if i % 2 else [],
                    "client_entry_id": f"demo-{code}-lecture",
                }
                lecture = await log("/lectures", body, token, f"lecture:{code}")
            for n in range(1 + i % 2):  # WeChat group consultations in the evening
                category, summary = questions[(i + n) % len(questions)]
                when = today - timedelta(days=1 + 2 * n + k, hours=-20)
                body = {
                    "village_code": code,
                    "occurred_at": when.isoformat(),
                    "channel": "wechat",
                    "category": category,
                    "outcome": "referred" if (i + n) % 5 == 0 else "resolved",
                    "summary": summary,
                    "client_entry_id": f"demo-{code}-wechat-{n}",
                }
                wechat.append(await log("/consultations", body, token, f"wechat:{code}:{n}"))
            committee = self._token("village_committee", code, f"committee-{code}")
            if i % 2 == 0 and entries and entries[0]:
                path = f"/entries/{entries[0]}/confirmation"
                await self.post("ledger", path, {}, committee, f"confirm:{code}")
            if i == 1 and lecture and wechat[-1]:  # the history stays readable in the village's volume
                fix = {"changes": {"audience": 48}, "reason": "按签到表更正参加人数"}
                await self.post("ledger", f"/entries/{lecture}/corrections", fix, token, f"fix:{code}")
                void = {"reason": "与电话咨询重复登记"}
                await self.post("ledger", f"/entries/{wechat[-1]}/void", void, token, f"void:{code}")
        return logged


async def gather(*jobs: Any, limit: int = 8) -> None:
    semaphore = asyncio.Semaphore(limit)

    async def one(job: Any) -> None:
        async with semaphore:
            await job

    await asyncio.gather(*(one(j) for j in jobs))


@dataclass(frozen=True)
class Seeded:
    """What `seed` made: the villages (zn.villages() order), (advisor_id, unit_id) pairs, the number
    of visits logged, and the name of the village whose board was left stale."""

    villages: list[zn.Village]
    advisors: list[tuple[str, str]]
    visits: int
    stale: str


async def seed(secret: str, transport: httpx.AsyncBaseTransport | None = None) -> Seeded:
    """Seed over HTTP at URL; `transport` e.g. routes to in-process apps (the tests' template)."""
    async with httpx.AsyncClient(timeout=30, trust_env=False, transport=transport) as client:
        seeder = Seeder(client, secret)
        villages = await seeder.divisions()
        advisors = await seeder.units_and_advisors()
        await seeder.assignments_and_agreements(villages, advisors)
        await seeder.responsibilities()
        today = seeder.today
        boards = await boards_and_groups.seed_boards_and_groups(seeder.registry, villages, advisors, today)
        stale = await boards_and_groups.leave_one_board_stale(seeder.registry, villages, advisors, today)
        visits = await seeder.visits(villages, advisors)
    print(
        f"  demo: {len(zn.TOWNSHIPS)} townships, {len(villages)} villages and communities, "
        f"{len(advisors)} advisors, {visits} visits"
    )
    late, unfiled = villages[LATE].name, "、".join(villages[i].name for i in UNFILED)
    print(f"  demo: {villages[-1].name} has no advisor, {late} filed late, {unfiled} never filed")
    print(f"  demo: {boards} notice boards and WeChat groups; {stale}'s board still shows its former advisor")
    return Seeded(villages, advisors, visits, stale)


def main() -> None:
    secret = os.environ.get("VC_JWT_SECRET")
    if not secret:
        sys.exit("VC_JWT_SECRET is not set")
    asyncio.run(seed(secret))


if __name__ == "__main__":
    _ = date  # dates are ISO strings in CST throughout
    main()
