"""Characters drawn as nothing in the public board's question form, on a phone (session 32's
newcomer): a Hangul filler U+3164 is refused beside the field, in Chinese, with the question kept
as typed; a flag from the emoji keyboard (🏴󠁧󠁢󠁥󠁮󠁧󠁿, an emoji tag sequence) is received as typed.

Before, the flag was refused as 不能包含不可见的格式字符 U+E0067, a character the resident never typed
(`vc_contracts.text.invisible_character` knew the emoji joiner U+200D but not an emoji's tags)."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable

import pytest
from playwright.sync_api import Browser, Page, expect
from support.browser import PHONE, WebStack, ask_on_board, phone_page, shoot
from support.held import SLOW

ENGLAND = "🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f"


def test_a_question_holding_a_hangul_filler_is_refused_beside_it_and_kept(
    browser: Browser, web_stack: WebStack
) -> None:
    with phone_page(browser) as page:
        marker = secrets.token_hex(3)
        question = f"邻居占了我家的宅基地\u3164怎么办（{marker}）"
        # when a resident pastes a question holding a character drawn as nothing
        ask_on_board(page, web_stack, question)
        # then the refusal stands beside the field, in Chinese, naming where it is
        error = page.locator("#text-error")
        expect(error).to_contain_text("韩文填充符")
        expect(error).to_contain_text("第 11 个字符")
        expect(page.get_by_label("您的问题")).to_have_attribute("aria-invalid", "true")
        # and the question is still there as typed
        expect(page.get_by_label("您的问题")).to_have_value(question)
        shoot(page, "question-hangul-filler-refused")
        # when the resident deletes it and sends again, it is received
        page.get_by_label("您的问题").fill(question.replace("\u3164", "，"))
        page.get_by_role("button", name="提交", exact=True).click()
        expect(page.get_by_role("heading", name="问题已收到")).to_be_visible()


@pytest.mark.parametrize(
    ("question", "never_named", "shot"),
    [
        # 👨‍👩‍👧 is three pictures joined by U+200D: refused as 不能包含不可见的格式字符 U+200D（零宽连字）
        ("我家👨\u200d👩\u200d👧的宅基地被邻居占了😡，怎么办？🙏", "零宽连字", "question-emoji-sent"),
        # a flag of tags, refused as U+E0067; 👍️ carries a variation selector
        (f"我在{ENGLAND}打工，老家的地被占了怎么办？👍️", "U+E00", "question-flag-sent"),
    ],
)
def test_a_question_with_emoji_from_the_keyboard_is_received_as_typed(
    browser: Browser, web_stack: WebStack, question: str, never_named: str, shot: str
) -> None:
    """A phone's emoji keyboard writes characters the resident never typed inside one picture: the
    question is received (a code to read the answer with), no refusal beside the field."""
    with phone_page(browser) as page:
        ask_on_board(page, web_stack, f"{question}（{secrets.token_hex(3)}）")
        expect(page.get_by_role("heading", name="问题已收到")).to_be_visible()
        expect(page.get_by_test_id("question-code")).to_have_text(re.compile(r"[2-9A-HJ-NP-Z]{8}"))
        expect(page.get_by_text(never_named)).to_have_count(0)
        shoot(page, shot)


def _log_form(signed_in_page: Callable[[str], Page]) -> Page:
    page = signed_in_page("advisor")
    page.set_viewport_size(PHONE)
    page.get_by_role("article").first.get_by_role("button", name="登记驻点").click()
    expect(page.get_by_label("开始时间")).not_to_have_value("", timeout=SLOW)
    return page


def test_a_visit_summary_holding_a_soft_hyphen_is_refused_beside_it_and_kept(
    signed_in_page: Callable[[str], Page],
) -> None:
    page = _log_form(signed_in_page)
    summary = page.get_by_label("工作内容", exact=True)
    typed = "坐班接待，解答宅基\u00ad地咨询 2 件"
    summary.fill(typed)
    page.get_by_role("button", name="提交").click()
    field = page.locator(".van-field").filter(has=summary)
    expect(field).to_contain_text("软连字符")
    expect(summary).to_have_value(typed)
    expect(page).to_have_url(re.compile(r"/advisor/log"))
    shoot(page, "advisor-log-soft-hyphen-refused")


def test_a_co_organiser_holding_a_hangul_filler_is_refused_beside_its_field(
    signed_in_page: Callable[[str], Page],
) -> None:
    """The lecture's 协办单位 is a list: the refusal names `co_organisers.1`, and the form put it under
    a field named "1", which it has not: nothing showed beside 协办单位, only the page's line."""
    page = _log_form(signed_in_page)
    page.get_by_role("tab", name="法治讲座").click()
    page.get_by_label("主题", exact=True).fill("民法典与农村生活")
    page.get_by_label("参加人数", exact=True).fill("30")
    organisers = page.get_by_label("协办单位", exact=True)
    organisers.fill("司法所、\u3164")
    page.get_by_role("button", name="提交").click()
    field = page.locator(".van-field").filter(has=organisers)
    expect(field).to_contain_text(
        "第 2 项：不能包含不可见的字符 U+3164（韩文填充符）"
    )  # the item, then where in it
    expect(organisers).to_have_value("司法所、\u3164")
    expect(page).to_have_url(re.compile(r"/advisor/log"))
    shoot(page, "advisor-log-co-organiser-refused")
