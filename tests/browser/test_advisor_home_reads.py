"""The advisor's home when its reads fail: each read stands on its own (a refused figure sheet hid
the committee's confirmation tags and the residents' questions line with it, and said nothing of
what was missing), and figures shown from the phone's saved copy say they are saved, and since when
(a server that answered nothing showed that morning's figures as if they were current)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from playwright.sync_api import Page, Route, expect
from support.browser import PHONE, shoot

SHEET = "**/api/assessment/advisors/*/assessments/*"
UNAVAILABLE = json.dumps({"code": "unavailable", "message": "评估服务暂时不可用，请稍后再试", "field": None,
                          "errors": [], "correlation_id": None}, ensure_ascii=False)  # fmt: skip


def _unavailable(route: Route) -> None:
    route.fulfill(status=503, content_type="application/json", body=UNAVAILABLE)


def _home(signed_in_page: Callable[[str], Page]) -> Page:
    """The advisor's home at phone size, its first reads answered (and saved on the phone)."""
    page = signed_in_page("advisor")
    page.set_viewport_size(PHONE)
    expect(page).to_have_url(re.compile(r"/advisor$"))
    expect(page.get_by_test_id("open-questions")).to_be_visible(timeout=30_000)
    expect(page.locator(".vc-placeholder")).to_have_count(0)
    return page


def test_a_refused_figure_sheet_hides_only_its_own_figures_and_is_named(
    signed_in_page: Callable[[str], Page],
) -> None:
    # given an advisor's phone with nothing saved, and the figure sheet refused
    page = _home(signed_in_page)
    page.evaluate("() => localStorage.clear()")
    page.route(SHEET, _unavailable)
    # when the home is opened again
    page.reload()
    # then the message names what could not be read and why
    alert = page.get_by_role("alert")
    expect(alert).to_have_text("无法读取本年指标：评估服务暂时不可用，请稍后再试")
    # and the other reads still show: the questions line and each village's confirmation tag
    expect(page.get_by_test_id("open-questions")).to_be_visible()
    first = page.get_by_role("article").first
    expect(first.locator(".van-tag").filter(has_text=re.compile("待村委会确认|均已确认"))).to_be_visible()
    expect(page.get_by_test_id("saved-copy")).to_have_count(0)  # nothing saved: nothing said to be
    shoot(page, "advisor-home-sheet-refused")


def test_figures_shown_from_the_phones_saved_copy_say_so_and_since_when(
    signed_in_page: Callable[[str], Page],
) -> None:
    # given an advisor whose home was read once (its answers saved on the phone)
    page = _home(signed_in_page)
    hours = page.get_by_test_id("quarter-hours").first.inner_text()
    # when the figure sheet gets no answer afterwards
    page.route(SHEET, _unavailable)
    page.reload()
    # then the saved figures are shown, said to be saved, with the time they were saved (+08:00)
    saved = page.get_by_test_id("saved-copy")
    expect(saved).to_contain_text("下列为本机保存的数据（保存于 ")
    expect(saved).to_contain_text(re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d \+08:00"))
    expect(page.get_by_test_id("quarter-hours").first).to_have_text(hours)
    expect(page.get_by_role("alert")).to_have_count(0)  # shown, from the saved copy: not missing
    shoot(page, "advisor-home-saved-copy")
    # and once the sheet answers again, the note is gone
    page.unroute(SHEET)
    page.reload()
    expect(page.get_by_test_id("open-questions")).to_be_visible()
    expect(page.get_by_test_id("saved-copy")).to_have_count(0)


CARD = "**/api/registry/advisors/*"  # the advisor's card: the villages served


def test_the_saved_copy_note_of_the_card_goes_once_the_card_answers_again(
    signed_in_page: Callable[[str], Page],
) -> None:
    """The card (the villages served) was read once per tab: shown from the saved copy when the tab
    opened without an answer, it was never read again, and the note stayed on every later visit of
    the home (after a write too) although every read answered."""
    # given an advisor's home opened while the card gets no answer (shown from the phone's copy)
    page = _home(signed_in_page)
    page.route(CARD, _unavailable)
    page.reload()
    expect(page.get_by_test_id("saved-copy")).to_contain_text("下列为本机保存的数据")
    expect(page.get_by_test_id("open-questions")).to_be_visible()
    # when the card answers again and the home is visited again in the same tab
    page.unroute(CARD)
    page.get_by_role("article").first.get_by_text("季度日历").click()
    expect(page).to_have_url(re.compile(r"/advisor/village/"))
    page.go_back()
    expect(page).to_have_url(re.compile(r"/advisor$"))
    expect(page.get_by_test_id("open-questions")).to_be_visible()
    expect(page.locator(".vc-placeholder")).to_have_count(0)
    # then the home is read afresh, and no longer said to be the saved copy
    expect(page.get_by_test_id("saved-copy")).to_have_count(0)
    shoot(page, "advisor-home-card-answers-again")


def test_reads_failing_for_different_reasons_each_say_their_own(
    signed_in_page: Callable[[str], Page],
) -> None:
    """The message named every read that failed but gave the first one's reason for them all: the
    assessment service's 评估服务暂时不可用 was said of 居民提问 too, and the registry's reason nowhere."""
    # given an advisor's phone with nothing saved, the figure sheet and the questions both refused
    page = _home(signed_in_page)
    page.evaluate("() => localStorage.clear()")
    page.route(SHEET, _unavailable)
    registry = UNAVAILABLE.replace("评估服务", "登记服务")

    def registry_down(route: Route) -> None:
        route.fulfill(status=503, content_type="application/json", body=registry)

    page.route("**/api/registry/feedback?*", registry_down)
    # when the home is opened again
    page.reload()
    # then each read is named with its own reason
    expect(page.get_by_role("alert")).to_have_text(
        "无法读取本年指标：评估服务暂时不可用，请稍后再试；居民提问：登记服务暂时不可用，请稍后再试"
    )
    shoot(page, "advisor-home-two-reasons")


def _villages(page: Page) -> list[str]:
    expect(page.get_by_test_id("open-questions")).to_be_visible(timeout=30_000)
    expect(page.locator(".vc-placeholder")).to_have_count(0)
    return [a.get_attribute("aria-label") or "" for a in page.get_by_role("article").all()]


def test_another_advisor_signed_in_on_the_same_tab_sees_their_own_villages(
    signed_in_page: Callable[[str], Page],
) -> None:
    """The villages served were read once per tab: an advisor who signed out and handed the phone to
    a colleague (退出, then 以所选人员登录 as 张志强) left the colleague's home showing the first one's
    villages, with the colleague's figures, until a reload."""
    # given 王建国's home, then 退出 and 张志强 signed in on the same tab
    page = _home(signed_in_page)
    first = _villages(page)
    page.get_by_text("退出", exact=True).click()
    expect(page).to_have_url(re.compile(r"/signin"))
    page.get_by_text("张志强（法律顾问", exact=False).click()
    page.get_by_role("button", name="以所选人员登录").click()
    expect(page).to_have_url(re.compile(r"/advisor$"))
    expect(page.get_by_text("张志强 · 甘肃正大律师事务所")).to_be_visible()
    # then the home shows the villages 张志强 serves (东关村, the demo committee's), not 王建国's
    expect(page.get_by_role("article", name="东关村")).to_be_visible(timeout=30_000)
    assert _villages(page) != first
    shoot(page, "advisor-home-colleague")


def _refused(status: int, message: str) -> Callable[[Route], None]:
    body = json.dumps({"code": "refused", "message": message, "field": None, "errors": [],
                       "correlation_id": None}, ensure_ascii=False)  # fmt: skip

    def answer(route: Route) -> None:
        route.fulfill(status=status, content_type="application/json", body=body)

    return answer


def test_a_refused_read_shows_its_reason_not_the_phones_saved_copy(
    signed_in_page: Callable[[str], Page],
) -> None:
    """A refusal (4xx) was taken for no signal: the phone's saved figures were shown, said to be saved,
    and the service's reason nowhere. A refusal is an answer: its reason is shown; only no answer
    (no network, 5xx, a timeout) falls back to the saved copy."""
    # given an advisor whose home was read once (its answers saved on the phone)
    page = _home(signed_in_page)
    # when the figure sheet is refused (out of scope) on the next visit
    page.route(SHEET, _refused(403, "无权查看该顾问的考核数据"))
    page.reload()
    # then the refusal's reason is shown, and nothing is said to come from the saved copy
    expect(page.get_by_role("alert")).to_have_text("无法读取本年指标：无权查看该顾问的考核数据")
    expect(page.get_by_test_id("quarter-hours").first).to_have_text("暂无数据")
    expect(page.get_by_test_id("saved-copy")).to_have_count(0)
    shoot(page, "advisor-home-refused-not-saved")
    # and with no network at all, the saved copy is still shown, with its note
    page.unroute(SHEET)
    page.route(SHEET, lambda route: route.abort("internetdisconnected"))
    page.reload()
    expect(page.get_by_test_id("saved-copy")).to_contain_text("下列为本机保存的数据（保存于 ")
    expect(page.get_by_role("alert")).to_have_count(0)


def test_an_expired_token_on_a_saved_read_still_leads_to_sign_in(
    signed_in_page: Callable[[str], Page],
) -> None:
    # given an advisor whose home was read once (the card saved on the phone)
    page = _home(signed_in_page)
    # when the card's read answers 401 (the token expired)
    page.route(CARD, _refused(401, "身份令牌已过期，请重新登录"))
    page.reload()
    # then the sign-in page opens, to come back to the home
    expect(page).to_have_url(re.compile(r"/signin\?next=%2Fadvisor"))


def test_the_year_s_figures_shown_from_the_saved_copy_say_so_and_a_refusal_is_said(
    signed_in_page: Callable[[str], Page],
) -> None:
    """年度考核 showed the phone's saved figure sheet in silence when the sheet got no answer (the home
    said so), and showed it for a refusal too."""
    # given an advisor whose figure sheet was read once (saved on the phone)
    page = _home(signed_in_page)
    page.get_by_role("tab", name="年度考核").click()
    expect(page.get_by_text(re.compile("本人已确认|待本人确认|请重新确认|已提出异议")).first).to_be_visible()
    # when the sheet gets no answer on the next visit
    page.route(SHEET, _unavailable)
    page.reload()
    # then the saved sheet is shown, said to be saved and since when
    expect(page.get_by_test_id("saved-copy")).to_contain_text("下列为本机保存的数据（保存于 ")
    expect(page.get_by_text(re.compile("本人已确认|待本人确认|请重新确认|已提出异议")).first).to_be_visible()
    shoot(page, "advisor-figures-saved-copy")
    # and when it is refused, the refusal is said and nothing saved is shown
    page.unroute(SHEET)
    page.route(SHEET, _refused(403, "无权查看该顾问的考核数据"))
    page.reload()
    expect(page.get_by_role("alert")).to_have_text("无权查看该顾问的考核数据")
    expect(page.get_by_test_id("saved-copy")).to_have_count(0)
