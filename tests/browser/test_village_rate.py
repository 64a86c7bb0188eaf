"""The committee's rating of the year on a phone: once given, the rate page shows it (本年度已评价，
可修改) instead of an empty form; a revision replaces it, and the figure sheet counts one rating (份数 1)
with the later score."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import httpx
from playwright.sync_api import Page, expect
from support.browser import WebStack, shoot
from support.held import Held
from test_village_support import committee_page  # noqa: F401 (the fixture `committee`)


def test_the_rate_page_shows_the_rating_given_and_a_revision_replaces_it(
    committee: Page, web_stack: WebStack
) -> None:
    page = committee
    page.get_by_role("tab", name="评价顾问").click()
    expect(page).to_have_url(re.compile(r"/village/rate$"))
    page.get_by_role("radio").nth(3).click()
    page.get_by_label("意见建议").fill("每月按时驻村")
    page.get_by_role("button", name=re.compile("^(提交|修改)评价$")).click()
    expect(page.get_by_role("status")).to_contain_text("感谢评价")
    with page.expect_request(re.compile(r"/api/assessment/feedback\?")) as asked:
        page.reload()
    given = page.get_by_test_id("given-rating")
    expect(given).to_contain_text("本年度已评价：4★（每月按时驻村），可修改", timeout=30_000)
    expect(page.get_by_label("意见建议")).to_have_value("每月按时驻村")
    shoot(page, "village-rate-given")
    page.get_by_role("radio").nth(1).click()
    page.get_by_role("button", name="修改评价").click()
    expect(page.get_by_role("status")).to_contain_text("感谢评价")
    query = {k: v[0] for k, v in parse_qs(urlparse(asked.value.url).query).items()}
    headers = {"Authorization": f"Bearer {web_stack.token('county_admin')}"}
    sheet = httpx.get(
        f"{web_stack.urls['assessment']}/advisors/{query['advisor_id']}/assessments/{query['year']}",
        headers=headers, timeout=10, trust_env=False,
    )  # fmt: skip
    sheet.raise_for_status()
    assert sheet.json()["feedback"]["committee"] == {"count": 1, "average": 2.0}


def test_the_form_waits_for_the_rating_given_so_nothing_typed_is_overwritten(committee: Page) -> None:
    """CI of 41643d5: the form showed before the rating given arrived; what the committee typed
    meanwhile was replaced by the old comment when it came, and the old comment was sent."""
    page = committee
    page.get_by_role("tab", name="评价顾问").click()
    page.get_by_role("radio").nth(2).click()
    page.get_by_label("意见建议").fill("第一次的意见")
    page.get_by_role("button", name=re.compile("^(提交|修改)评价$")).click()
    expect(page.get_by_role("status")).to_contain_text("感谢评价")

    held = Held(page, r"/api/assessment/feedback\?")  # the rating given arrives only when released
    page.reload()
    expect(page.get_by_text("正在读取本村顾问和本年度的评价")).to_be_visible()
    expect(page.get_by_label("意见建议")).to_have_count(0)  # no empty form to type into yet
    held.release()
    comment = page.get_by_label("意见建议")
    expect(comment).to_have_value("第一次的意见", timeout=30_000)
    comment.fill("改后的意见")
    page.get_by_role("radio").nth(1).click()
    with page.expect_request(lambda r: r.method == "POST" and "/api/assessment/feedback" in r.url) as sent:
        page.get_by_role("button", name="修改评价").click()
    expect(page.get_by_role("status")).to_contain_text("感谢评价")
    body = sent.value.post_data_json
    assert (body["rating"], body["comment"]) == (2, "改后的意见")
