"""The advisor's phone pages at 390×844: a visit in a few taps moves the village's hours; entries
made without signal are sent once on reconnect (never twice, whatever the retries); the committee's
confirmation shows; a correction and a void keep the original visible."""

from __future__ import annotations

import re
import secrets
import uuid
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from typing import Any

import httpx
import pytest
from playwright.sync_api import Locator, Page, Playwright, Route, expect
from support.browser import PHONE, WebStack, launch_chromium, shoot
from support.held import SLOW, Held
from support.waiting import until
from vc_contracts import CST

ADVISOR = "A-zhengda-1"


def _client(web_stack: WebStack, token: str) -> httpx.Client:
    return httpx.Client(base_url=f"{web_stack.url}/api", headers={"Authorization": f"Bearer {token}"},
                        timeout=15, trust_env=False)  # fmt: skip


@pytest.fixture(scope="module")
def advisor_api(web_stack: WebStack) -> Iterator[httpx.Client]:
    with _client(web_stack, web_stack.token("advisor")) as client:
        yield client


def _mine(api: httpx.Client, marker: str) -> list[dict[str, Any]]:
    """The advisor's entries whose text carries `marker` (the ledger's own count, not the page's)."""
    page = api.get("/ledger/entries", params={"advisor_id": ADVISOR, "page_size": 200}).json()
    return [e for e in page["items"] if marker in str(e["data"].get("summary", ""))]


def _phone(signed_in_page: Callable[[str], Page]) -> Page:
    page = signed_in_page("advisor")
    page.set_viewport_size(PHONE)
    expect(page).to_have_url(re.compile(r"/advisor$"))
    expect(page.get_by_role("article").first).to_be_visible()
    # and its reads done (the open questions' count comes after the figures and the counts): a tap
    # made while the home still loaded was lost twice in CI of 7a4972b (no route chunk asked for)
    expect(page.get_by_test_id("open-questions")).to_be_visible(timeout=30_000)
    return page


def _wechat_entry(api: httpx.Client, village: str, text: str) -> str:
    return _entry(api, "consultations", village, 0, channel="wechat", category="labour", outcome="resolved",
                  summary=text)  # fmt: skip


def _first_village(api: httpx.Client) -> str:
    card = api.get(f"/registry/advisors/{ADVISOR}").json()
    return str(card["villages_served"][0]["village_code"])


def test_a_visit_takes_two_taps_and_the_village_hours_move(signed_in_page: Callable[[str], Page]) -> None:
    page = _phone(signed_in_page)
    # the phone's clock stays at the start: its home shows the quarter of its clock, and a run across
    # the midnight +08:00 that begins a quarter showed the new quarter's hours after 提交
    started = datetime.now(CST).replace(microsecond=0)
    page.clock.set_fixed_time(started)
    page.reload()
    expect(page.get_by_test_id("open-questions")).to_be_visible(timeout=30_000)
    card = page.get_by_role("article").first
    hours = card.get_by_test_id("quarter-hours")
    page.wait_for_timeout(500)  # the figure sheet of the first load (the page was idle already)
    before = hours.inner_text()
    shoot(page, "advisor-home")
    page.set_viewport_size(PHONE)
    taps = 0
    card.get_by_role("button", name="登记驻点").click()
    taps += 1
    expect(page.get_by_label("开始时间")).not_to_have_value("")
    offered = date.fromisoformat(page.get_by_label("日期", exact=True).input_value())
    shoot(page, "advisor-log-visit")
    page.set_viewport_size(PHONE)
    page.get_by_role("button", name="提交").click()
    taps += 1
    assert taps <= 5
    expect(page).to_have_url(re.compile(r"/advisor$"))
    moved = page.get_by_role("article").first.get_by_test_id("quarter-hours")
    today = started.date()
    if (offered.year, (offered.month - 1) // 3) != (today.year, (today.month - 1) // 3):
        # a quarter's first day before the schedule's hours: the form offers the last scheduled day,
        # of the quarter before, which the card's quarter does not count (it failed so, ~0.4 % of runs)
        expect(moved).to_have_text(before)
        return
    expect(moved).not_to_have_text(before, timeout=30_000)


def test_hours_already_logged_in_another_village_are_not_offered_again(
    signed_in_page: Callable[[str], Page], advisor_api: httpx.Client
) -> None:
    """The visit form offers the schedule's last hours; when the advisor has already logged a visit
    then (here in another village), it offers the next free ones back. Before, it offered the same
    hours, and 提交 earned 同一时间不能在两个村（社区）现场服务 (CI of f664d6d, at 00:01 +08:00: the demo's
    visit of the Monday before in another village)."""
    page = _phone(signed_in_page)
    card = advisor_api.get(f"/registry/advisors/{ADVISOR}").json()
    first, other = (v["village_code"] for v in card["villages_served"][:2])
    page.get_by_role("article").first.get_by_role("button", name="登记驻点").click()
    start, end = page.get_by_label("开始时间"), page.get_by_label("结束时间")
    day = page.get_by_label("日期", exact=True)
    expect(start).not_to_have_value("")
    offered = (day.input_value(), start.input_value(), end.input_value())
    # given a visit in the other village over exactly those hours (or one there already: the
    # demo's visits are 09:00–12:00 of days past, which the form offers before 09:00)
    marker = f"已登记{secrets.token_hex(3)}"
    answer = advisor_api.post("/ledger/visits", json={
        "village_code": other, "started_at": f"{offered[0]}T{offered[1]}:00+08:00",
        "ended_at": f"{offered[0]}T{offered[2]}:00+08:00", "place": "村委会", "summary": marker,
    }, headers={"Idempotency-Key": f"taken-{uuid.uuid4()}"})  # fmt: skip
    assert answer.status_code == 201 or answer.json()["code"] == "conflict", answer.text
    # when the form is opened again for the first village
    page.reload()
    expect(start).not_to_have_value("")
    again = (day.input_value(), start.input_value(), end.input_value())
    # then other hours are offered, and 提交 logs them
    assert again[0] != offered[0] or again[2] <= offered[1] or offered[2] <= again[1], (offered, again)
    assert again[0] <= datetime.now(CST).date().isoformat()
    page.get_by_role("button", name="提交").click()
    expect(page).to_have_url(re.compile(r"/advisor$"), timeout=SLOW)
    mine = {"advisor_id": ADVISOR, "village_code": first, "kind": "visit", "page_size": 200}
    logged = advisor_api.get("/ledger/entries", params=mine).json()["items"]
    wanted = datetime.fromisoformat(f"{again[0]}T{again[1]}:00+08:00")
    assert any(datetime.fromisoformat(e["started_at"]) == wanted for e in logged), (wanted, logged[:3])


def _button_boxes(page: Page) -> list[tuple[float, float]]:
    """Where each card's buttons are on the phone screen (x, y of each, in the page's order)."""
    page.set_viewport_size(PHONE)
    page.wait_for_timeout(300)  # the layout at the phone's width (not an assertion)
    boxes = [b.bounding_box() for b in page.get_by_role("article").get_by_role("button").all()]
    assert boxes and all(boxes), boxes
    return [(round(b["x"], 1), round(b["y"], 1)) for b in boxes if b]


def test_the_home_buttons_stay_put_while_its_lines_arrive(signed_in_page: Callable[[str], Page]) -> None:
    """The counts to confirm, 下次驻点 and the open questions' line arrive after the cards: each keeps
    its room meanwhile, so a tap aimed at 登记驻点 while the home reads lands on it. Before, the
    questions' line appeared above the cards and pushed every button down (CI of 7a4972b lost two
    taps this way)."""
    page = _phone(signed_in_page)
    held = Held(page, r"/api/(ledger/entries|registry/feedback)\?")
    with page.expect_request(lambda r: "/api/ledger/entries?" in r.url, timeout=SLOW):
        page.reload()
    expect(page.get_by_role("article").first).to_be_visible(timeout=SLOW)
    expect(page.get_by_test_id("open-questions")).to_have_count(0)  # still reading
    loading = _button_boxes(page)
    shoot(page, "advisor-home-loading")
    assert _button_boxes(page) == loading
    held.release(settle=True)
    expect(page.get_by_test_id("open-questions")).to_be_visible(timeout=SLOW)
    expect(page.locator(".vc-placeholder")).to_have_count(0)  # every line in (its room kept before)
    page.wait_for_load_state("networkidle")  # every read of the home answered
    assert _button_boxes(page) == loading
    shoot(page, "advisor-home-loaded")


def test_entries_made_without_signal_are_sent_once(
    signed_in_page: Callable[[str], Page], advisor_api: httpx.Client
) -> None:
    page = _phone(signed_in_page)
    marker = f"离线{secrets.token_hex(3)}"
    page.get_by_role("button", name="微信群咨询").first.click()  # the form's code is in the page now
    expect(page.get_by_label("群内问题")).to_be_visible()
    shoot(page, "advisor-log-wechat")
    page.set_viewport_size(PHONE)
    page.context.set_offline(True)
    for n in range(2):
        if n:
            page.get_by_role("button", name="微信群咨询").first.click()
        page.get_by_label("群内问题").fill(f"{marker} 第{n}条：土地流转合同到期后如何续签")
        page.get_by_role("button", name="提交").click()
        expect(page).to_have_url(re.compile(r"/advisor$"))
    expect(page.get_by_test_id("pending-count")).to_have_text("2 条待发送")
    expect(page.get_by_text("当前无网络")).to_be_visible()
    shoot(page, "advisor-offline-pending")
    page.set_viewport_size(PHONE)
    assert _mine(advisor_api, marker) == []
    page.context.set_offline(False)
    expect(page.get_by_test_id("pending-count")).to_have_count(0, timeout=20_000)
    assert len(_mine(advisor_api, marker)) == 2
    sent: list[str] = []  # what the page sends from now on, to show if an entry is logged twice
    page.on(
        "request", lambda r: sent.append(r.url) if r.method == "POST" and "/api/ledger/" in r.url else None
    )
    page.context.set_offline(True)  # a second reconnect, and a reload: nothing is logged again
    page.context.set_offline(False)
    page.reload()
    expect(page.get_by_role("article").first).to_be_visible()
    page.wait_for_load_state("networkidle")  # the reloaded page's start-up sending is over
    assert len(_mine(advisor_api, marker)) == 2, sent


def test_pages_open_offline_once_the_worker_is_installed(
    playwright_session: Playwright, web_stack: WebStack
) -> None:
    """Signed in with signal, then none: a reload of /advisor and the first open of a form (its code
    never loaded yet) come from the service worker's cache. A worker whose precache list names a file
    the build did not write never installs, and both fail with ERR_INTERNET_DISCONNECTED.
    A browser of its own: the other tests block workers (see conftest's signed_in_page)."""
    browser = launch_chromium(playwright_session)
    try:
        ctx = browser.new_context(viewport=PHONE, locale="zh-CN", timezone_id="Asia/Shanghai")
        token = web_stack.token("advisor")
        ctx.add_init_script(
            f"sessionStorage.setItem('vc.token', {token!r}); sessionStorage.setItem('vc.name', '王建国')"
        )
        page = ctx.new_page()
        page.goto(f"{web_stack.url}/advisor")
        expect(page.get_by_role("article").first).to_be_visible(timeout=30_000)
        page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=30_000)
        ctx.set_offline(True)
        page.reload()
        expect(page.get_by_role("article").first).to_be_visible()
        expect(page.get_by_text("当前无网络")).to_be_visible()
        page.get_by_role("button", name="微信群咨询").first.click()
        expect(page.get_by_label("群内问题")).to_be_visible()
        shoot(page, "advisor-offline-form")
    finally:
        browser.close()


def test_an_answer_lost_on_the_way_back_is_replayed_not_logged_twice(
    signed_in_page: Callable[[str], Page], advisor_api: httpx.Client
) -> None:
    """The ledger got the entry but the phone never saw the answer: it stays queued under its key,
    and the retry is answered as a replay (Idempotency-Replayed: true) instead of a second entry."""
    page = _phone(signed_in_page)
    marker = f"断线{secrets.token_hex(3)}"
    replays: list[str] = []
    lost = {"done": False}

    def lose_first_answer(route: Route) -> None:
        response = route.fetch()
        if not lost["done"]:
            lost["done"] = True
            route.abort("connectionreset")  # the request reached the ledger; its answer is lost
            return
        replays.append(response.headers.get("idempotency-replayed", ""))
        route.fulfill(response=response)

    page.route("**/api/ledger/consultations", lose_first_answer)
    page.get_by_role("button", name="微信群咨询").first.click()
    page.get_by_label("群内问题").fill(f"{marker} 宅基地退出补偿标准")
    page.get_by_role("button", name="提交").click()
    expect(page).to_have_url(re.compile(r"/advisor$"))  # kept on the phone: no answer came
    expect(page.get_by_test_id("pending-count")).to_have_text("1 条待发送")
    assert len(_mine(advisor_api, marker)) == 1
    page.get_by_role("button", name="立即发送").click()
    expect(page.get_by_test_id("pending-count")).to_have_count(0)
    assert replays == ["true"]
    assert len(_mine(advisor_api, marker)) == 1


def test_the_committee_confirmation_shows_on_my_entries(
    signed_in_page: Callable[[str], Page], advisor_api: httpx.Client, web_stack: WebStack
) -> None:
    village = _first_village(advisor_api)
    entry = _wechat_entry(advisor_api, village, f"待确认{secrets.token_hex(3)} 赡养纠纷咨询")
    page = _phone(signed_in_page)
    page.get_by_role("tab", name="我的记录").click()
    article = page.locator(f"[data-entry='{entry}']")
    expect(article.get_by_text("待确认", exact=True)).to_be_visible()
    with _committee(web_stack, village) as committee:
        response = committee.post(f"/ledger/entries/{entry}/confirmation",
                                  headers={"Idempotency-Key": secrets.token_hex(8)})  # fmt: skip
        assert response.status_code == 201, response.text
    page.reload()
    expect(article.get_by_text("村委会已确认")).to_be_visible()


def _committee(web_stack: WebStack, village: str) -> httpx.Client:
    body = {"role": "village_committee", "scope": village, "subject": f"committee-{village}"}
    minted = httpx.post(f"{web_stack.url}/auth/dev/token", json=body, timeout=10, trust_env=False)
    return _client(web_stack, minted.json()["token"])


def test_a_queried_entry_shows_as_queried_with_the_reason_and_a_correction_answers_it(
    signed_in_page: Callable[[str], Page], advisor_api: httpx.Client, web_stack: WebStack
) -> None:
    village, tag = _first_village(advisor_api), secrets.token_hex(3)
    entry = _wechat_entry(advisor_api, village, f"质疑{tag} 宅基地纠纷咨询")
    reason = f"群里没有这条咨询{tag}，请核实"
    with _committee(
        web_stack, village
    ) as committee:  # as the committee's page does it (test_village_query.py)
        response = committee.post(f"/ledger/entries/{entry}/queries", json={"reason": reason},
                                  headers={"Idempotency-Key": secrets.token_hex(8)})  # fmt: skip
        assert response.status_code == 201, response.text
    page = _phone(signed_in_page)
    page.get_by_role("tab", name="我的记录").click()
    article = page.locator(f"[data-entry='{entry}']")
    expect(article.get_by_text("被质疑", exact=True)).to_be_visible()
    expect(article.get_by_text(f"村委会质疑：{reason}（请核实后更正）")).to_be_visible()
    article.scroll_into_view_if_needed()
    shoot(page, "advisor-entries-queried")
    _correct_text(page, article, f"质疑{tag} 宅基地纠纷咨询（电话转微信）", "咨询先经电话，后在微信群答复")
    expect(
        article.get_by_text("待确认", exact=True)
    ).to_be_visible()  # answered: waits for the committee again
    expect(article.get_by_text("被质疑", exact=True)).to_have_count(0)
    expect(article.get_by_text(f"村委会质疑：{reason}", exact=False)).to_have_count(0)
    stored = advisor_api.get(f"/ledger/entries/{entry}").json()
    assert stored["queried"] is False and stored["confirmed"] is False
    assert [h["event_type"] for h in stored["history"]] == ["EntryQueried", "EntryCorrected"]


def _correct_text(page: Page, article: Locator, text: str, reason: str) -> None:
    """Correct the entry of `article` to say `text` (its 内容), giving `reason`; it shows corrected once."""
    article.get_by_role("button", name="更正").click()
    sheet = page.get_by_role("dialog")
    sheet.get_by_label("内容").fill(text)
    sheet.get_by_label("更正原因").fill(reason)
    sheet.get_by_role("button", name="提交更正").click()
    expect(article.get_by_text("已更正 1 次")).to_be_visible()


def _entry(api: httpx.Client, path: str, village: str, minute: int, **fields: Any) -> str:
    """An entry of `path` logged over the API at 21:`minute` yesterday: work on site is a moment in the
    village, and in the evening no visit of the demo or of another test holds the advisor elsewhere."""
    when = (datetime.now(CST) - timedelta(days=1)).replace(hour=21, minute=minute, second=0, microsecond=0)
    body = {"village_code": village, "occurred_at": when.isoformat(), **fields}
    response = api.post(f"/ledger/{path}", json=body, headers={"Idempotency-Key": secrets.token_hex(8)})
    assert response.status_code == 201, response.text
    return str(response.json()["entry_id"])


def test_an_emptied_audience_is_asked_for_in_the_correction_sheet_and_a_mediation_corrects_as_before(
    signed_in_page: Callable[[str], Page], advisor_api: httpx.Client
) -> None:
    """The emptied-count rule is one helper for the log form and the correction sheet
    (`util/digits.emptiedCount`): the sheet asks for 参加人数 at its field and sends nothing, and a
    mediation, whose 当事人数 the sheet does not offer, is not held back by it."""
    village, tag = _first_village(advisor_api), secrets.token_hex(3)
    lecture = _entry(advisor_api, "lectures", village, 10, topic=f"民法典{tag}", audience=30)
    mediation = _entry(advisor_api, "mediations", village, 20, parties=2, category="land", outcome="agreed",
                       summary=f"宅基地边界{tag}")  # fmt: skip
    page = _phone(signed_in_page)
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    page.get_by_role("tab", name="我的记录").click()
    page.locator(f"[data-entry='{lecture}']").get_by_role("button", name="更正").click()
    sheet = page.get_by_role("dialog")
    audience = sheet.get_by_label("参加人数", exact=True)
    audience.fill("")
    sheet.get_by_label("更正原因").fill("核对人数")
    expect(audience).to_have_value("")
    sheet.get_by_role("button", name="提交更正").click()
    field = page.locator(".van-field").filter(has=page.get_by_label("参加人数", exact=True))
    expect(field).to_contain_text("请填写参加人数")
    shoot(page, "advisor-correct-emptied-audience")
    assert posts == [], posts  # said on the phone, nothing sent
    page.reload()
    page.get_by_role("tab", name="我的记录").click()
    second = page.locator(f"[data-entry='{mediation}']")
    _correct_text(page, second, f"宅基地边界{tag} 已签协议", "补充结果")


def test_correct_and_void_with_a_reason_keep_the_original_visible(
    signed_in_page: Callable[[str], Page], advisor_api: httpx.Client
) -> None:
    village = _first_village(advisor_api)
    tag = secrets.token_hex(3)
    fixed = _wechat_entry(advisor_api, village, f"原文{tag} 工伤认定")
    dropped = _wechat_entry(advisor_api, village, f"重复{tag} 工伤认定")
    page = _phone(signed_in_page)
    page.get_by_role("tab", name="我的记录").click()
    first = page.locator(f"[data-entry='{fixed}']")
    first.get_by_role("button", name="更正").click()
    sheet = page.get_by_role("dialog")
    # nothing changed yet: the page says so and does not send it (was 至少需要 1 项 under 更正原因)
    sheet.get_by_label("更正原因").fill("核对")
    expect(sheet.locator("[data-unchanged]")).to_contain_text("尚未修改任何内容")
    expect(sheet.get_by_role("button", name="提交更正")).to_be_disabled()
    expect(sheet.get_by_text("至少需要")).to_have_count(0)
    shoot(page, "advisor-correct-nochange")
    sheet.get_by_label("更正原因").fill("")
    sheet.get_by_label("内容").fill(f"更正{tag} 工伤认定及赔偿")
    expect(sheet.locator("[data-unchanged]")).to_have_count(0)
    sheet.get_by_role("button", name="提交更正").click()
    expect(sheet.locator(".van-field__error-message")).to_be_visible()  # no reason: the refusal, by the field
    sheet.get_by_label("更正原因").fill("补充咨询内容")
    sheet.get_by_role("button", name="提交更正").click()
    expect(first.get_by_text("已更正 1 次")).to_be_visible()
    expect(first.get_by_text(re.compile(f"内容「原文{tag} 工伤认定」→「更正{tag}"))).to_be_visible()
    # only what changed is listed: the form sent the time as it was, which is no change
    expect(first.locator(".vc-history")).not_to_contain_text("时间「")
    first.scroll_into_view_if_needed()
    shoot(page, "advisor-correction-history")
    second = page.locator(f"[data-entry='{dropped}']")
    second.get_by_role("button", name="作废").click()
    sheet.get_by_label("作废原因").fill("与上一条重复登记")
    sheet.get_by_role("button", name="确认作废").click()
    expect(second.get_by_text("已作废")).to_be_visible()
    expect(second.get_by_text("作废原因：与上一条重复登记")).to_be_visible()
    expect(second.get_by_text(f"重复{tag} 工伤认定")).to_be_visible()  # the original stays
    shoot(page, "advisor-entries")


def test_calendar_and_the_figure_sheet_disputed_then_confirmed(signed_in_page: Callable[[str], Page]) -> None:
    page = _phone(signed_in_page)
    page.get_by_role("button", name="季度日历").nth(1).click()  # the demo's second village has visits
    # the home's cards also say 下次驻点: wait for the calendar page itself
    expect(page).to_have_url(re.compile(r"/advisor/village/\d{12}"))
    expect(page.get_by_role("term").filter(has_text="下次驻点")).to_be_visible()
    expect(page.get_by_test_id("village-hours")).not_to_have_text("0.00")
    shoot(page, "advisor-village")
    page.set_viewport_size(PHONE)
    page.get_by_role("tab", name="年度考核").click()
    page.get_by_role("button", name="对数据有异议").click()
    page.get_by_role("button", name="提交异议").click()
    expect(page.locator(".van-field__error-message")).to_be_visible()  # no reason: refused, by the field
    page.get_by_label("异议理由").fill("第四季度驻点时长少计一次")
    page.get_by_role("button", name="提交异议").click()
    expect(page.get_by_text("异议（")).to_be_visible()
    shoot(page, "advisor-figures")
    page.set_viewport_size(PHONE)
    page.get_by_role("button", name="确认以上数据无误").click()
    expect(page.get_by_text("本人已确认")).to_be_visible()


def test_a_visit_logged_just_after_midnight_is_prefilled_with_the_last_served_day_not_a_sliver(
    signed_in_page: Callable[[str], Page],
) -> None:
    # given 00:38 +08:00 (the newcomer's 00:00–00:40 of today), when 登记驻点 is tapped,
    # then the form holds the usual hours of a day already past, whole
    page = signed_in_page("advisor")
    today = datetime.now(CST).date()
    page.clock.set_fixed_time(datetime(today.year, today.month, today.day, 0, 38, tzinfo=CST))
    page.reload()
    page.set_viewport_size(PHONE)
    page.get_by_role("article").first.get_by_role("button", name="登记驻点").click()
    start, end = page.get_by_label("开始时间"), page.get_by_label("结束时间")
    expect(start).not_to_have_value("")
    assert page.get_by_label("日期", exact=True).input_value() < today.isoformat()
    assert "06:00" <= start.input_value() < end.input_value(), (start.input_value(), end.input_value())
    shoot(page, "advisor-visit-after-midnight")


def test_a_lecture_logged_just_after_midnight_is_dated_today_not_the_visit_s_last_day(
    signed_in_page: Callable[[str], Page], web_stack: WebStack
) -> None:
    # given 00:38 +08:00 and the visit form (dated the last scheduled day, whole), when the person
    # turns to 法治讲座, then it is dated today: its time is the clock's (newcomer 29: at 00:48 the
    # lecture kept the visit's day, with the time of now)
    page = signed_in_page("advisor")
    today = datetime.now(CST).date()
    page.clock.set_fixed_time(datetime(today.year, today.month, today.day, 0, 38, tzinfo=CST))
    page.set_viewport_size(PHONE)
    page.goto(f"{web_stack.url}/advisor/log?kind=visit")
    day = page.get_by_label("日期", exact=True)
    expect(page.get_by_label("开始时间")).not_to_have_value("", timeout=SLOW)
    assert day.input_value() < today.isoformat()
    page.get_by_role("tab", name="法治讲座").click()
    expect(day).to_have_value(today.isoformat())
    page.get_by_role("tab", name="驻点服务").click()  # and back: the visit's day again
    expect(day).not_to_have_value(today.isoformat())
    page.goto(f"{web_stack.url}/advisor/log?kind=lecture")  # opened as a lecture
    expect(day).to_have_value(today.isoformat(), timeout=SLOW)


def test_a_visit_with_its_date_cleared_asks_for_the_date_at_the_date(
    signed_in_page: Callable[[str], Page],
) -> None:
    page = _phone(signed_in_page)
    page.get_by_role("article").first.get_by_role("button", name="登记驻点").click()
    day = page.get_by_label("日期", exact=True)
    day.fill("")
    page.get_by_role("button", name="提交").click()
    field = page.locator(".van-field").filter(has=day)
    expect(field).to_contain_text("请选择日期")
    expect(page.get_by_text("YYYY-MM-DD")).to_have_count(0)
    expect(page).to_have_url(re.compile(r"/advisor/log"))


def test_the_home_counts_the_open_resident_questions_and_links_to_them(
    signed_in_page: Callable[[str], Page], web_stack: WebStack, advisor_api: httpx.Client
) -> None:
    """待回复居民提问 N 条 on the home: N is the registry's count of open questions of the villages
    served (the list 居民提问 shows), not a figure of the page's own; a tap opens that list."""
    village = _first_village(advisor_api)
    marker = secrets.token_hex(3)
    body = {"submission_id": str(uuid.uuid4()), "category": "land", "text": f"承包地补偿怎么算？（{marker}）"}
    asked = httpx.post(f"{web_stack.url}/api/registry/public/villages/{village}/feedback", json=body,
                       timeout=15, trust_env=False)  # fmt: skip
    assert asked.status_code == 201, asked.text

    def open_count() -> int | None:
        page = advisor_api.get("/registry/feedback", params={"status": "open", "page_size": 500}).json()
        return int(page["total"]) if any(marker in q["text"] for q in page["items"]) else None

    total = until(open_count, what="the question among the open ones")
    page = _phone(signed_in_page)
    badge = page.get_by_test_id("open-questions")
    expect(badge).to_have_text(re.compile(rf"待回复居民提问\s*{total}\s*条"), timeout=15_000)
    shoot(page, "home-advisor-questions")
    badge.click()
    expect(page).to_have_url(re.compile(r"/advisor/questions$"))
    expect(page.get_by_text(marker, exact=False)).to_be_visible(timeout=15_000)


def _sheet_hours(api: httpx.Client, village: str, at: datetime) -> float:
    """The advisor's hours in `village` in the quarter of `at`, as the assessment API (the home's
    source) says."""
    sheet = api.get(f"/assessment/advisors/{ADVISOR}/assessments/{at.year}").json()
    quarter = f"{at.year}Q{(at.month - 1) // 3 + 1}"
    figures = next(v for v in sheet["villages"] if v["village_code"] == village)
    return float(next(q for q in figures["quarters"] if q["quarter"] == quarter)["hours"])


def test_a_correction_moves_the_homes_hours_without_a_reload(
    signed_in_page: Callable[[str], Page], advisor_api: httpx.Client
) -> None:
    """The home read its figures only when opened and after an entry sent from the queue: opened right
    after a correction, before the event stream delivered it, it kept the hours from before until
    reloaded (and its tab did not lead home at all). Also: a long reason in the correction sheet is
    sent with one tap."""
    village = _first_village(advisor_api)
    now = datetime.now(CST)
    day = now if now.hour >= 5 else now - timedelta(days=1)  # 03:00–03:30: in the past, apart from others
    start = day.replace(hour=3, minute=0, second=0, microsecond=0)
    end = start + timedelta(minutes=30)
    body = {"village_code": village, "started_at": start.isoformat(), "ended_at": end.isoformat(),
            "place": "村委会", "summary": "夜间调解值守"}  # fmt: skip
    before = _sheet_hours(advisor_api, village, start)
    made = advisor_api.post("/ledger/visits", json=body, headers={"Idempotency-Key": secrets.token_hex(8)})
    assert made.status_code == 201, made.text
    entry = made.json()["entry_id"]
    until(lambda: _sheet_hours(advisor_api, village, start) >= before + 0.5, what="the visit in the sheet")
    shown = _sheet_hours(advisor_api, village, start)
    page = _phone(signed_in_page)
    # the home shows the quarter of the phone's clock: it is set just after the corrected visit, so
    # both are in one quarter (before 05:00 on a quarter's first day the visit is last quarter's)
    page.clock.set_fixed_time(start + timedelta(hours=1, minutes=40))
    page.reload()
    expect(page.get_by_test_id("open-questions")).to_be_visible(timeout=30_000)
    hours = page.get_by_role("article").first.get_by_test_id("quarter-hours")
    expect(hours).to_have_text(re.compile(rf"^{shown:.2f} / "))
    page.get_by_role("tab", name="我的记录").click()
    article = page.locator(f"[data-entry='{entry}']")
    article.get_by_role("button", name="更正").click()
    sheet = page.get_by_role("dialog")
    sheet.get_by_label("结束时间").fill("04:30")  # one hour more
    why = "\n".join(f"第{n}点：结束时间记错，实际值守至四点半" for n in range(1, 25))  # taller than the phone
    sheet.get_by_label("更正原因").fill(why)
    stale = advisor_api.get(f"/assessment/advisors/{ADVISOR}/assessments/{start.year}").json()  # before it
    shoot(page, "advisor-correction-long-reason")
    page.set_viewport_size(PHONE)
    sheet.get_by_role("button", name="提交更正").click()  # one tap, the reason still focused
    expect(article.get_by_text("已更正 1 次")).to_be_visible()
    expect(page.get_by_role("dialog", name="更正记录")).to_be_hidden()  # closed, its overlay gone
    # a busy server: the home's first read comes before the event stream delivered the correction
    stale_reads = [stale]

    def lagging(route: Route) -> None:
        if stale_reads:
            route.fulfill(json=stale_reads.pop())
        else:
            route.continue_()

    page.route("**/api/assessment/advisors/*/assessments/*", lagging)
    page.get_by_role("tab", name="首页").click()
    expect(page).to_have_url(re.compile(r"/advisor$"))
    moved = page.get_by_role("article").first.get_by_test_id("quarter-hours")
    expect(moved).to_have_text(re.compile(rf"^{shown + 1:.2f} / "), timeout=30_000)
    assert stale_reads == []  # the home was given the stale figures first, and read them again
    shoot(page, "advisor-home-after-correction")


def test_a_count_pasted_in_full_width_digits_is_kept_and_an_emptied_one_is_asked_for_at_its_field(
    signed_in_page: Callable[[str], Page],
) -> None:
    """参加人数 / 当事人数 typed on a Chinese keyboard (３０) were emptied by the digit field, and an
    empty count went out as 0: a lecture to nobody was logged, a mediation was refused as "不能小于 2"
    beside a field the advisor saw empty."""
    page = _phone(signed_in_page)
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    page.get_by_role("article").first.get_by_role("button", name="登记驻点").click()
    counts = (("法治讲座", "参加人数", "３０", "30"), ("纠纷调解", "当事人数", "２", "2"))
    for tab, label, typed, kept in counts:
        page.get_by_role("tab", name=tab).click()
        count = page.get_by_label(label, exact=True)
        count.fill(typed)
        expect(count).to_have_value(kept)
        count.fill("")
        page.get_by_role("button", name="提交").click()
        expect(page.locator(".van-field").filter(has=count)).to_contain_text(f"请填写{label}")
    shoot(page, "advisor-log-counts")
    assert posts == [], posts  # nothing was sent: both were said on the phone
    expect(page).to_have_url(re.compile(r"/advisor/log"))
