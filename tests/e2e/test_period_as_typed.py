"""A period typed in lower case, with spaces around it or in full-width characters is the period,
in every service, and is answered (echoed) in its one form; what is still no period is refused in
the one documented error format. Before, `2025h2`, ` 2025H2 ` and `２０２５Ｈ２` were 422 while
`２０２５H2` passed (the period fields took the text as typed; `vc_contracts.periods.normalise_period`)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from urllib.parse import quote

import pytest
from devstack.pytest_plugin import DevStack
from support.fuzzing import COUNTY, Started, four_services
from test_http_edge import assert_error

pytestmark = [pytest.mark.timeout(300)]

TYPED = ["2025h2", "  2025H2  ", "２０２５Ｈ２", "２０２５ｈ２\u3000"]


@pytest.fixture(scope="module")
async def apps(devstack: DevStack) -> AsyncIterator[dict[str, Started]]:
    async with four_services(devstack.dsn, devstack.bootstrap) as started:
        yield started


@pytest.mark.parametrize("typed", TYPED)
@pytest.mark.parametrize(
    ("service", "path", "echoed"),
    [
        ("reporting", "/statistics?period={period}", True),
        ("reporting", "/deadlines/overdue?kind=half_year_ledger&period={period}", True),
        ("ledger", "/entries?period={period}", False),
        ("assessment", f"/breaches?county={COUNTY}&period={{period}}", False),
    ],
)
async def test_a_period_as_typed_is_read_as_the_period(
    apps: dict[str, Started], service: str, path: str, echoed: bool, typed: str
) -> None:
    # given a period as a person types it, when it is sent as the period of a read
    svc = apps[service]
    if service == "assessment":  # breaches are of a year or a quarter: 2025Q2 as typed
        typed = typed.translate(str.maketrans("hHｈＨ", "qQｑＱ"))
    response = await svc.http.get(path.format(period=quote(typed)), headers=svc.headers())
    # then it is answered, for 2025H2
    assert response.status_code == 200, response.text
    if echoed:
        assert response.json()["period"] == "2025H2"


async def test_a_quarter_as_typed_is_evaluated_as_the_quarter(apps: dict[str, Started]) -> None:
    """A body's period (the contracts' `Period`): 年度考核's 评估 of ` 2025q1 `."""
    svc = apps["assessment"]
    response = await svc.http.post(
        "/evaluations", json={"county": COUNTY, "period": " ２０２５ｑ１ "}, headers=svc.headers()
    )
    assert response.status_code in (200, 201), response.text
    assert "2025Q1" in response.text and "ｑ" not in response.text


@pytest.mark.parametrize(
    ("service", "path", "code"),
    [
        ("reporting", "/statistics?period={period}", "validation_failed"),
        ("reporting", "/deadlines/overdue?kind=half_year_ledger&period={period}", "rule_violated"),
        ("ledger", "/entries?period={period}", "validation_failed"),
    ],
)
@pytest.mark.parametrize("typed", ["2025 H2", "2025h3", "２０２５Ｈ"])
async def test_what_is_still_no_period_is_refused_in_the_documented_format(
    apps: dict[str, Started], service: str, path: str, code: str, typed: str
) -> None:
    svc = apps[service]
    response = await svc.http.get(path.format(period=quote(typed)), headers=svc.headers())
    body = assert_error(response, 422, code)
    assert body["field"] == "period", body
