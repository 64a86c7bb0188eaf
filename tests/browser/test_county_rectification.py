"""A failed yearly assessment's rectification, opened and completed in a real browser: the county
concludes 不合格 with items and a due day (整改中), the advisor's unit sees it on its home page, is
refused next to the field without a summary, reports it completed, and both pages then show 已整改
with the day. The day is the unit page's today, not the test's: a run across midnight +08:00 may
read the next day (CI from 15:5x UTC read 已整改（2026-12-05） for the 12-04 of the test's start)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

from devstack.demo import zhengning as zn
from eventkit.clock import today_cst
from playwright.sync_api import Locator, Page, expect
from support.browser import shoot
from support.days import days_since, text_on_days
from test_county import choose, open_county, set_date

ADVISOR = "A-zhengda-4"  # of 甘肃正大律师事务所 (the demo law_firm); no other test concludes it
NAME = zn.person(3)  # the demo registers A-zhengda-1..5 first, in order


def _year_of(sheet: Locator) -> int:
    """The year of the sheet shown (`张三 · 2026 年度考核数据表`)."""
    found = re.search(r"(\d{4}) 年度考核数据表", sheet.inner_text())
    assert found, sheet.inner_text()
    return int(found[1])


def test_a_failed_assessments_rectification_is_reported_completed_by_the_unit(
    signed_in_page: Callable[[str], Page],
) -> None:
    county = signed_in_page("county_admin")
    opened = today_cst()
    open_county(county, "assessments")
    choose(county, "vc-as-advisor", NAME)
    sheet = county.get_by_label("考核数据表")
    expect(sheet).to_contain_text(re.compile(r"\d{4} 年度考核数据表"))
    year = _year_of(sheet)  # the page's year: past midnight of 31 December +08:00 the next one
    assert year in {day.year for day in days_since(opened)}, year
    sheet.get_by_text("不合格", exact=True).click()
    reason = county.locator("#vc-as-reason")
    if reason.count():
        reason.fill("年度结束前先行作出结论")
    county.locator("#vc-as-items").fill("补足第一季度驻点时长\n补办法治讲座一次")
    due = opened + timedelta(days=30)
    set_date(county, "vc-as-due", due)
    county.get_by_role("button", name="确认结论").click()
    expect(county.get_by_test_id("rectification")).to_have_text(f"整改中（期限 {due.isoformat()}）")

    unit = signed_in_page("law_firm")
    card = unit.get_by_label(f"{NAME} {year} 年度整改")
    expect(card).to_contain_text("补足第一季度驻点时长")
    expect(card.get_by_test_id("rectification")).to_have_text(f"整改中（期限 {due.isoformat()}）")
    card.get_by_role("button", name="登记整改完成").click()  # no summary yet: refused next to it
    summary = card.locator(f"#vc-rect-summary-{ADVISOR}-{year}")
    expect(card.get_by_role("alert").first).to_be_visible()
    assert card.locator(".vc-field-error").count() == 1
    summary.fill("已补足驻点时长，补办讲座一次")
    card.get_by_role("button", name="登记整改完成").click()
    expect(card.get_by_role("button", name="登记整改完成")).to_have_count(0)  # the server has answered
    # the unit page's today, offered as the completion day when it opened: any day since the start
    completed = text_on_days("已整改（{day}）", days_since(opened))
    expect(card.get_by_test_id("rectification")).to_have_text(completed)
    shoot(unit, "unit-rectification")

    county.reload()
    county.locator("#vc-as-year").fill(str(year))  # the year concluded, whatever the page opens on
    county.locator("#vc-as-year").press("Enter")
    choose(county, "vc-as-advisor", NAME)
    expect(county.get_by_test_id("rectification")).to_have_text(completed)
    expect(county.get_by_label("考核数据表")).to_contain_text("已补足驻点时长")
    shoot(county, "county-rectification")
