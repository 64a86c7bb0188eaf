"""Forms prefilled from what the server keeps show only once the prefill arrived (the kind of the
rate page's fault, CI of 41643d5: a comment typed before the committee's earlier rating arrived was
overwritten by the old one, and the old one was sent). Each test holds the prefill's GET with
page.route, sees the loading line and no field to type into, releases it, then checks what is sent
carries what was typed. And a read after a save never writes into the form the person is editing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from playwright.sync_api import Page, expect
from support.browser import PHONE, WebStack, shoot
from support.held import SLOW, Held
from support.waiting import eventually_sync
from test_typical_cases import COUNTY, Api, mediation  # noqa: F401 (the fixture `mediation`)
from vc_contracts import CST

ADVISOR = "A-zhengda-1"


def test_the_county_duties_wait_for_what_is_kept_so_nothing_typed_is_overwritten(
    web_stack: WebStack, signed_in_page: Callable[[str], Page]
) -> None:
    kept = {"head": "局长 周文华", "deputy": "副局长 吴敏", "sections": ["公共法律服务股"],
            "filing_place": "县司法局档案室"}  # fmt: skip
    Api(web_stack, "county_admin").ok("PUT", "registry", f"/counties/{COUNTY}/responsibilities", kept)
    page = signed_in_page("county_admin")
    held = Held(page, rf"/api/registry/counties/{COUNTY}/responsibilities$")
    page.goto(f"{web_stack.url}/county/duties")
    expect(page.get_by_role("status").filter(has_text="正在读取本县的职责分工")).to_be_visible()
    expect(page.get_by_label("总负责")).to_have_count(0)  # no empty form to type into yet
    shoot(page, "county-duties-waiting")
    held.release()
    head = page.get_by_label("总负责")
    expect(head).to_have_value("局长 周文华", timeout=SLOW)
    head.fill("局长 郑明远")
    with page.expect_request(lambda r: r.method == "PUT" and "/responsibilities" in r.url) as sent:
        page.get_by_role("button", name="保存").click()
    body = sent.value.post_data_json
    assert (body["head"], body["deputy"]) == ("局长 郑明远", "副局长 吴敏")
    assert body["filing_place"] == "县司法局档案室"
    expect(page.get_by_role("status")).to_contain_text("已保存", timeout=SLOW)
    # the read after the save refreshes the line below the form, never the form being edited
    expect(page.get_by_label("总负责")).to_have_value("局长 郑明远")


def test_the_case_form_waits_for_the_returned_case_so_nothing_typed_is_overwritten(
    web_stack: WebStack,
    signed_in_page: Callable[[str], Page],
    mediation: dict[str, Any],  # noqa: F811
) -> None:
    advisor, county = Api(web_stack, "advisor"), Api(web_stack, "county_admin")
    entry = mediation["entry_id"]
    path = f"/entries/{entry}/typical-case"
    first = {"title": "土地承包纠纷的调解", "text": "双方因承包地边界争执，顾问现场调解。"}
    case_id = advisor.ok("POST", "ledger", path, first)["case_id"]
    county.ok("POST", "ledger", f"/typical-cases/{case_id}/return", {"reason": "请补充调解结果"})
    eventually_sync(lambda: (advisor.ok("GET", "ledger", path)["case"] or {}).get("status") == "returned",
                    within=60, what="the case returned")  # fmt: skip

    page = signed_in_page("advisor")
    page.set_viewport_size(PHONE)
    held = Held(page, rf"/api/ledger/entries/{entry}/typical-case$")
    page.goto(f"{web_stack.url}/advisor/entries/{entry}/case")
    expect(page.get_by_role("status").filter(has_text="正在读取")).to_be_visible()
    expect(page.get_by_label("案例介绍")).to_have_count(0)  # no empty form to type into yet
    shoot(page, "typical-case-waiting")
    held.release()
    text = page.get_by_label("案例介绍")
    expect(text).to_have_value(first["text"], timeout=SLOW)
    revised = "双方因承包地边界争执，顾问现场调解，双方签订协议，回访无反复。"
    text.fill(revised)
    with page.expect_request(lambda r: r.method == "POST" and r.url.endswith(path)) as sent:
        page.get_by_role("button", name="修改后再次提交").click()
    body = sent.value.post_data_json
    assert body == {"title": first["title"], "text": revised}
    expect(page).to_have_url(f"{web_stack.url}/advisor/entries", timeout=SLOW)


def test_the_visit_form_waits_for_the_villages_served_so_the_hours_typed_are_kept(
    web_stack: WebStack, signed_in_page: Callable[[str], Page]
) -> None:
    page = signed_in_page("advisor")
    page.set_viewport_size(PHONE)
    held = Held(page, rf"/api/registry/advisors/{ADVISOR}$")
    page.goto(f"{web_stack.url}/advisor/log?kind=visit")  # opened afresh: the card is not read yet
    expect(page.get_by_role("status").filter(has_text="正在读取")).to_be_visible()
    expect(page.get_by_label("开始时间")).to_have_count(0)  # no default hours to type over yet
    shoot(page, "advisor-log-waiting")
    held.release()
    start = page.get_by_label("开始时间")
    expect(start).not_to_have_value("", timeout=SLOW)
    expect(page.get_by_role("radio").first).to_be_checked()  # the village served, prefilled
    day = (datetime.now(CST) - timedelta(days=2)).date().isoformat()
    page.get_by_label("日期", exact=True).fill(day)
    start.fill("06:10")
    page.get_by_label("结束时间").fill("07:20")
    with page.expect_request(lambda r: r.method == "POST" and r.url.endswith("/ledger/visits")) as sent:
        page.get_by_role("button", name="提交").click()
    body = sent.value.post_data_json
    assert (body["started_at"], body["ended_at"]) == (f"{day}T06:10:00+08:00", f"{day}T07:20:00+08:00")


def test_the_visit_form_shows_the_schedule_s_hours_when_the_visits_logged_do_not_come(
    web_stack: WebStack, signed_in_page: Callable[[str], Page]
) -> None:
    """The visit form waits for the advisor's visits already logged (their hours are not offered
    again), but not for ever: with weak signal in a village that read may hang, and the form shows
    after a few seconds with the schedule's hours rather than a loading line that never ends."""
    page = signed_in_page("advisor")
    page.set_viewport_size(PHONE)
    held = Held(page, r"/api/ledger/entries\?.*kind=visit")
    page.goto(f"{web_stack.url}/advisor/log?kind=visit")
    start = page.get_by_label("开始时间")
    expect(start).not_to_have_value("", timeout=SLOW)  # with the read still held
    assert held.routes, "the visits logged were never asked for"
    expect(page.get_by_role("radio").first).to_be_checked()
    held.release()


def test_the_rules_form_keeps_the_version_just_set_not_the_one_in_force(
    web_stack: WebStack, signed_in_page: Callable[[str], Page]
) -> None:
    """A version from next year on: the read after the save (the rules in force today) filled the
    form with today's values again, as if what was just set had not been."""
    page = signed_in_page("county_admin")
    page.goto(f"{web_stack.url}/county/rules")
    hours = page.locator("#vc-rule-hours")
    expect(hours).not_to_have_value("", timeout=SLOW)
    wanted = str(int(hours.input_value()) + 1)
    new_year = f"{datetime.now(CST).year + 1}-01-01"  # once: read again past midnight +08:00, another
    page.locator("#vc-rule-from").fill(new_year)
    page.locator("#vc-rule-from").press("Enter")
    hours.fill(wanted)
    hours.press("Tab")
    page.get_by_role("button", name="设定新版本").click()
    expect(page.get_by_role("status")).to_contain_text("已设定新版本", timeout=SLOW)
    expect(page.get_by_label("规则版本")).to_contain_text(new_year)
    expect(hours).to_have_value(wanted)
    shoot(page, "county-rules-after-save")


def test_a_day_typed_before_the_village_is_chosen_is_kept(
    web_stack: WebStack, signed_in_page: Callable[[str], Page]
) -> None:
    """The village's schedule prefills the day and hours; choosing (or correcting) the village after
    typing them replaced what was typed, and a mediation was sent dated the schedule's day, not the
    one typed (newcomer 27). What the person did not touch still follows the village chosen."""
    page = signed_in_page("advisor")
    page.set_viewport_size(PHONE)
    page.goto(f"{web_stack.url}/advisor/log?kind=mediation")
    date = page.get_by_label("日期", exact=True)
    expect(date).not_to_have_value("", timeout=SLOW)
    day = (datetime.now(CST) - timedelta(days=5)).date().isoformat()
    date.fill(day)
    villages = page.get_by_role("radiogroup", name="村（社区）").get_by_role("radio")
    villages.nth(1).click()
    expect(villages.nth(1)).to_be_checked()
    expect(date).to_have_value(day)
    page.get_by_role("tab", name="驻点").click()
    page.get_by_label("开始时间").fill("06:10")
    villages.nth(2).click()
    expect(villages.nth(2)).to_be_checked()
    expect(page.get_by_label("开始时间")).to_have_value("06:10")
    expect(date).to_have_value(day)
    shoot(page, "advisor-log-typed-day-kept")


def test_work_other_than_a_visit_shows_its_form_without_waiting_for_the_visits_read(
    signed_in_page: Callable[[str], Page],
) -> None:
    """Only a visit's hours pass over the visits already logged (`recentVisits`); the forms of the
    other kinds waited for that read too, in weak signal until it was given up (4 s), then showed."""
    page = signed_in_page("advisor")
    page.set_viewport_size(PHONE)
    card = page.get_by_role("article").first
    expect(card).to_be_visible(timeout=SLOW)  # the villages served are read: kept for the tab
    given_up: list[str] = []
    page.on("requestfailed", lambda request: given_up.append(request.url))
    # given the advisor's visits read held (a slow network)
    held = Held(page, r"/api/ledger/entries\?.*kind=visit")
    # when a WeChat consultation is opened from the home
    card.get_by_role("button", name="微信群咨询").click()
    # then its form shows while that read is still on its way, not once it was given up
    expect(page.get_by_role("radiogroup", name="结果")).to_be_visible(timeout=SLOW)
    assert held.routes, "the visits were not read"
    assert not [url for url in given_up if "kind=visit" in url], given_up
    shoot(page, "advisor-log-consultation-weak-signal")
    # and a turn to 驻点服务 still offers hours (the schedule's until the read comes)
    page.get_by_role("tab", name="驻点服务").click()
    expect(page.get_by_label("开始时间")).not_to_have_value("")
    held.release()
