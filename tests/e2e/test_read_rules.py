"""Who may read what, role by role, over HTTP against the four real services (README's "who" columns).

A newcomer with an advisor token read the county's statistics (JSON and XLSX, another firm's rows
too), the compliance view of every village, the dashboard at county level, the overdue list and
other firms' advisors' phones and licence numbers: those routes checked only that the rows lay in
the token's scope. Every GET route of the four services is walked here for each of the eight roles:
`ok` is any answer but a refusal (200, or 404 for an id nobody registered: the role may ask), `no`
is 403 in the documented error format. A refusal by role names the field `role` and says, in
Chinese, who is asking and what they may not see; where a role may read a route but not these rows
(a unit another unit's volume) the refusal names the row's field instead.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from support.principals import (
    ADMINS,
    ADVISOR,
    COUNTY,
    EVERYONE,
    FIRM,
    OTHER_FIRM,
    ROLE_NAMES,
    ROLES,
    UNITS,
    VILLAGE,
    route_templates,
    unwalked,
)
from support.principals import role_headers as _headers

V_VOLUME = f"village:{VILLAGE}:2026"
# (service, path with query, the roles that may read it); every other role gets 403
READS: list[tuple[str, str, set[str]]] = [
    # registry
    ("registry", "/divisions", EVERYONE),
    ("registry", f"/villages/{VILLAGE}", EVERYONE),
    ("registry", f"/villages/{VILLAGE}/assignments", EVERYONE),
    ("registry", "/advisors", ADMINS | UNITS),
    ("registry", f"/advisors/{ADVISOR}", ADMINS | UNITS | {"advisor"}),
    ("registry", "/units", ADMINS | UNITS),
    ("registry", "/coverage", ADMINS),
    ("registry", "/filings", ADMINS),
    ("registry", "/notice-boards", ADMINS),
    ("registry", "/nominations", ADMINS | UNITS),
    ("registry", f"/counties/{COUNTY}/responsibilities", EVERYONE),
    ("registry", "/feedback", {"county_admin", "advisor"}),
    ("registry", "/imports", ADMINS),
    ("registry", "/imports/I-none", ADMINS),
    # ledger
    ("ledger", "/entries", EVERYONE),
    ("ledger", "/entries/E-none", EVERYONE),
    ("ledger", f"/volumes/village/{VILLAGE}/2026", ADMINS | {"village_committee"}),
    ("ledger", f"/volumes/village/{VILLAGE}/2026/export.xlsx", ADMINS | {"village_committee"}),
    ("ledger", f"/volumes/village/{VILLAGE}/2026/export.html", ADMINS | {"village_committee"}),
    ("ledger", f"/volumes/village/{VILLAGE}/2026/export.json", ADMINS | {"village_committee"}),
    ("ledger", f"/volumes/village/{VILLAGE}/2026/head.svg", ADMINS | {"village_committee"}),
    ("ledger", f"/volumes/{V_VOLUME}/export.json", ADMINS | {"village_committee"}),
    ("ledger", f"/volumes/unit/{FIRM}/2026", ADMINS | {"law_firm"}),
    ("ledger", f"/advisors/{ADVISOR}/export.xlsx?period=2026Q2", ADMINS | UNITS | {"advisor"}),
    ("ledger", "/imports/template", UNITS),
    ("ledger", "/imports/template/columns", UNITS),
    ("ledger", "/imports", UNITS),
    ("ledger", "/imports/I-none", UNITS),
    ("ledger", "/entries/E-none/typical-case", ADMINS | UNITS | {"advisor"}),
    ("ledger", "/typical-cases", ADMINS | UNITS | {"advisor"}),
    # assessment
    ("assessment", f"/villages/{VILLAGE}/quarter-hours?year=2026", EVERYONE),
    ("assessment", f"/rules?division_code={COUNTY}", ADMINS),
    (
        "assessment",
        f"/feedback?advisor_id={ADVISOR}&village_code={VILLAGE}&year=2026",
        ADMINS | {"village_committee"},
    ),
    ("assessment", f"/assessments?county={COUNTY}&year=2026", ADMINS),
    ("assessment", f"/breaches?county={COUNTY}", ADMINS),
    ("assessment", f"/advisors/{ADVISOR}/assessments/2026", ADMINS | UNITS | {"advisor"}),
    ("assessment", f"/rectifications?unit_id={FIRM}", ADMINS | {"law_firm"}),
    # reporting
    ("reporting", "/statistics?period=2026H2", ADMINS | UNITS),
    ("reporting", "/statistics?period=2026H2&format=xlsx", ADMINS | UNITS),
    ("reporting", "/compliance?quarter=2026Q4", ADMINS),
    ("reporting", "/deadlines/overdue?kind=half_year_ledger&period=2026H1", ADMINS),
    ("reporting", "/dashboard/overview", ADMINS),
    ("reporting", "/dashboard/stream", ADMINS),
    ("reporting", "/reports", ADMINS | UNITS),
    ("reporting", "/reports/R-none", ADMINS | UNITS),
    ("reporting", "/reports/R-none/document", ADMINS | UNITS),
    ("reporting", "/reports/half-year/2026H1/preview", UNITS),
    ("reporting", "/reports/half-year/2026H1/my-figures", {"advisor"}),
    ("reporting", "/reports/annual/2026/preview", {"county_admin"}),
    ("reporting", "/reports/annual/2026/document", {"county_admin"}),
    ("reporting", f"/sealed-volumes/{V_VOLUME}", ADMINS | {"village_committee"}),
]


@pytest.fixture(scope="module")
async def http(stack: Any) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=30, trust_env=False) as client:
        yield client


async def _status(http: httpx.AsyncClient, url: str, headers: dict[str, str]) -> tuple[int, dict[str, Any]]:
    """The status and the JSON body (none for a success that is a file or a stream, read no further)."""
    async with http.stream("GET", url, headers=headers) as response:
        if response.status_code < 400:
            return response.status_code, {}
        await response.aread()
        return response.status_code, response.json()


def _cases() -> list[Any]:
    return [
        pytest.param(service, path, role, role in readers, id=f"{service}{path}-{role}")
        for service, path, readers in READS
        for role in ROLES
    ]


@pytest.mark.parametrize(("service", "path", "role", "allowed"), _cases())
async def test_each_role_reads_what_the_readme_lets_it_and_nothing_else(
    stack: Any, http: httpx.AsyncClient, service: str, path: str, role: str, allowed: bool
) -> None:
    status, body = await _status(http, f"{stack.urls[service]}{path}", _headers(stack, role))
    if allowed:
        assert status in (200, 404), (status, body)
        return
    assert status == 403, (status, body)
    assert body["code"] == "forbidden" and body["field"], body
    if body["field"] == "role":
        assert ROLE_NAMES[role] in body["message"] and "无权查看" in body["message"], body


def test_every_get_route_of_the_four_services_is_walked() -> None:
    """A route added later without a row here fails this test (and without a rule, the app)."""
    walked = {(service, path.split("?")[0]) for service, path, _ in READS}
    assert not unwalked(route_templates("GET"), walked)


@pytest.mark.parametrize(
    ("service", "path"),
    [
        ("reporting", "/statistics?period=2026H2"),
        ("reporting", f"/statistics?period=2026H2&unit_id={OTHER_FIRM}"),
        ("reporting", "/statistics?period=2026H2&format=xlsx"),
        ("reporting", "/compliance?quarter=2026Q4"),
        ("reporting", "/dashboard/overview"),
        ("reporting", "/deadlines/overdue?kind=half_year_ledger&period=2026H1"),
        ("registry", f"/advisors?unit_id={OTHER_FIRM}"),
    ],
)
async def test_the_newcomer_s_advisor_token_is_refused_by_role(
    stack: Any, http: httpx.AsyncClient, service: str, path: str
) -> None:
    status, body = await _status(http, f"{stack.urls[service]}{path}", _headers(stack, "advisor"))
    assert status == 403 and body["field"] == "role", body
    assert body["message"].startswith("当前角色（法律顾问）无权查看"), body


async def test_a_refused_role_learns_nothing_from_the_parameters(stack: Any, http: httpx.AsyncClient) -> None:
    """The role is checked before the query: a malformed period is 403 for an advisor, 422 for an admin."""
    url = f"{stack.urls['reporting']}/statistics?period=soon"
    status, body = await _status(http, url, _headers(stack, "advisor"))
    assert (status, body["field"]) == (403, "role")
    status, body = await _status(http, url, _headers(stack, "county_admin"))
    assert status == 422
    with contextlib.suppress(KeyError):
        assert body["field"] != "role"
