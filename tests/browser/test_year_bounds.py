"""The county's year fields (年度考核, 协议与备案, 台账导出) take the years the services take, 2018-2100
(`vc_contracts.catalogue.fields.YEAR_MIN`): a year typed before 2018 was kept as 2000, every read of
it was refused 422, and the page said only 请求内容有误，请检查标出的字段 with nothing marked, above
"2000 年已作出的结论（0）"."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect
from support.browser import shoot
from test_county import open_county
from vc_contracts.catalogue.fields import YEAR_MAX, YEAR_MIN


@pytest.mark.parametrize(
    ("path", "field"),
    [("assessments", "vc-as-year"), ("agreements", "vc-agr-year"), ("exports", "vc-ex-year")],
)
def test_a_year_typed_outside_the_programs_years_is_held_at_its_bounds(
    signed_in_page: Callable[[str], Page], path: str, field: str
) -> None:
    page = signed_in_page("county_admin")
    refused: list[str] = []
    page.on("response", lambda r: refused.append(r.url) if r.status == 422 else None)
    open_county(page, path)
    year = page.locator(f"#{field}")
    expect(year).to_be_enabled()
    for typed, held in (("1900", YEAR_MIN), ("2300", YEAR_MAX)):
        year.fill(typed)
        year.press("Tab")
        expect(year).to_have_value(str(held))
    page.wait_for_timeout(1000)  # a read of the year held would be refused by now
    shoot(page, f"year-bounds-{path}")
    assert refused == []
    expect(page.get_by_text("请求内容有误")).to_have_count(0)
