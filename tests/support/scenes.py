"""Scenes several API test modules share, set up once per session on the e2e `stack`.

`board_villages`: a township of Zhengning with two villages, a law firm, two advisors, each assigned
one village with on-site times (V1 → advisor 1, V2 → advisor 2). The public board's feedback tests
(tests/e2e/test_registry_feedback.py) and the resident-question tests (test_resident_questions.py)
both stand on it; neither writes anything the other counts (each asks from client addresses of its
own, and only the question tests answer). Registered as a fixture by tests/e2e/conftest.py; the
registry helpers it uses live in tests/e2e (on sys.path there).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from test_registry_helpers import COUNTY, Api, advisor_body, days_ago, register_divisions, unit_body

TOWN, V1, V2 = "621025308000", "621025308201", "621025308202"
NAMES = {TOWN: "问答镇", V1: "问答一村", V2: "问答二村"}
UNIT = "U-q"
ADVISORS = {V1: "A-q-1", V2: "A-q-2"}
SCHEDULE = "每周一、周三、周五 9:00-12:00"


@dataclass
class BoardVillages:
    """The scene: one HTTP client for it, the stack's URLs, and tokens of its people."""

    http: httpx.AsyncClient
    stack: Any  # tests/e2e/conftest.py's Stack

    @property
    def registry(self) -> str:
        return str(self.stack.urls["registry"])

    @property
    def ledger(self) -> str:
        return str(self.stack.urls["ledger"])

    def county(self) -> Api:
        return Api(self.http, self.registry, self.stack.headers("county_admin", COUNTY, "q-county-admin"))

    def advisor(self, n: int) -> dict[str, str]:
        """Headers of advisor `n` (1 serves V1, 2 serves V2)."""
        return self.stack.headers("advisor", COUNTY, f"A-q-{n}", UNIT)  # type: ignore[no-any-return]


@pytest.fixture(scope="session")
async def board_villages(stack: Any) -> AsyncIterator[BoardVillages]:
    async with httpx.AsyncClient(timeout=15, trust_env=False) as http:
        scene = BoardVillages(http, stack)
        county = scene.county()
        province = Api(http, scene.registry, stack.headers("province_admin", "620000", "q-province"))
        levels = {TOWN: "township", V1: "village", V2: "village"}
        await register_divisions(county, province, [(c, NAMES[c], levels[c]) for c in (TOWN, V1, V2)])
        await county.ok("/units", unit_body(UNIT, COUNTY, 402))
        for n in (1, 2):
            await county.ok("/advisors", advisor_body(f"A-q-{n}", UNIT, 410 + n))
        for village, advisor in ADVISORS.items():
            body = {"village_code": village, "advisor_id": advisor, "valid_from": days_ago(30),
                    "schedule": SCHEDULE}  # fmt: skip
            await county.ok("/assignments", body)
        yield scene
