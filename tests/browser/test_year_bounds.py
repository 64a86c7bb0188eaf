"""The county's year fields (年度考核, 协议与备案, 台账导出) take the years the services take, 2018-2100
(`vc_contracts.catalogue.fields.YEAR_MIN`): a year typed before 2018 was kept as 2000, every read of
it was refused 422, and the page said only 请求内容有误，请检查标出的字段 with nothing marked, above
"2000 年已作出的结论（0）"."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Locator, Page, expect
from support.browser import shoot
from test_county import open_county
from vc_contracts.catalogue.fields import YEAR_MAX, YEAR_MIN


def _year_field(
    signed_in_page: Callable[[str], Page], path: str, field: str
) -> tuple[Page, Locator, list[str]]:
    """A county page's year field, ready; and the addresses of the reads refused from now on."""
    page = signed_in_page("county_admin")
    refused: list[str] = []
    page.on("response", lambda r: refused.append(r.url) if r.status == 422 else None)
    open_county(page, path)
    year = page.locator(f"#{field}")
    expect(year).to_be_enabled()
    return page, year, refused


@pytest.mark.parametrize(
    ("path", "field"),
    [("assessments", "vc-as-year"), ("agreements", "vc-agr-year"), ("exports", "vc-ex-year")],
)
def test_a_year_typed_outside_the_programs_years_is_held_at_its_bounds(
    signed_in_page: Callable[[str], Page], path: str, field: str
) -> None:
    page, year, refused = _year_field(signed_in_page, path, field)
    for typed, held in (("1900", YEAR_MIN), ("2300", YEAR_MAX)):
        year.fill(typed)
        year.press("Tab")
        expect(year).to_have_value(str(held))
    page.wait_for_timeout(1000)  # a read of the year held would be refused by now
    shoot(page, f"year-bounds-{path}")
    assert refused == []
    expect(page.get_by_text("请求内容有误")).to_have_count(0)


@pytest.mark.parametrize(
    ("path", "field", "read"),
    [
        ("assessments", "vc-as-year", "/api/assessment/assessments?"),
        ("agreements", "vc-agr-year", "/api/registry/filings?"),
        ("exports", "vc-ex-year", None),
    ],
)
def test_a_cleared_year_comes_back_as_this_year_and_no_read_goes_without_one(
    signed_in_page: Callable[[str], Page], path: str, field: str, read: str | None
) -> None:
    # given a county page with its year field (the year shown first: this one)
    page, year, refused = _year_field(signed_in_page, path, field)
    this_year = year.input_value()
    year.fill("2019")
    year.press("Tab")
    expect(year).to_have_value("2019")
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if read and read in r.url else None)
    # when the field is cleared and left
    year.fill("")
    year.press("Tab")
    # then it holds this year again, and the reads it made name that year (none went without one)
    expect(year).to_have_value(this_year)
    page.wait_for_timeout(1000)  # a read without a year would be refused by now
    assert refused == []
    if read:
        assert asked and all(f"year={this_year}" in url for url in asked), asked


def test_conclusions_that_could_not_be_read_are_not_shown_as_none(
    signed_in_page: Callable[[str], Page],
) -> None:
    # given the year's conclusions refused by the service
    page = signed_in_page("county_admin")
    page.route("**/api/assessment/assessments?**", lambda route: route.fulfill(
        status=503, content_type="application/json",
        body='{"code":"unavailable","message":"考核服务暂时不可用，请稍后再试","field":null,"errors":[],"correlation_id":null}',
    ))  # fmt: skip
    # when 年度考核 opens
    open_county(page, "assessments")
    # then the list says it could not be read, and why; not （0） and 尚无结论
    expect(page.get_by_test_id("conclusions-refused")).to_have_text("考核服务暂时不可用，请稍后再试")
    expect(page.get_by_role("heading", name="年已作出的结论")).to_contain_text("（未能读取）")
    expect(page.get_by_text("尚无结论")).to_have_count(0)
    shoot(page, "assessments-conclusions-refused")
