"""Characters drawn as nothing in the public board's question form, on a phone (session 32's
newcomer): a Hangul filler U+3164 is refused beside the field, in Chinese, with the question kept
as typed; a flag from the emoji keyboard (🏴󠁧󠁢󠁥󠁮󠁧󠁿, an emoji tag sequence) is received as typed.

Before, the flag was refused as 不能包含不可见的格式字符 U+E0067, a character the resident never typed
(`vc_contracts.text.invisible_character` knew the emoji joiner U+200D but not an emoji's tags)."""

from __future__ import annotations

import re
import secrets

from playwright.sync_api import Browser, expect
from support.browser import PHONE, WebStack, shoot

BOARD = "/v/621025100201"
ENGLAND = "🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f"


def test_a_question_holding_a_hangul_filler_is_refused_beside_it_and_kept(
    browser: Browser, web_stack: WebStack
) -> None:
    ctx = browser.new_context(viewport=PHONE, locale="zh-CN", timezone_id="Asia/Shanghai")
    try:
        page = ctx.new_page()
        page.goto(f"{web_stack.url}{BOARD}")
        marker = secrets.token_hex(3)
        question = f"邻居占了我家的宅基地\u3164怎么办（{marker}）"
        # when a resident pastes a question holding a character drawn as nothing
        page.get_by_label("问题类别").select_option(label="土地")
        page.get_by_label("您的问题").fill(question)
        page.get_by_role("button", name="提交", exact=True).click()
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
    finally:
        ctx.close()


def test_a_question_with_a_flag_from_the_emoji_keyboard_is_received(
    browser: Browser, web_stack: WebStack
) -> None:
    ctx = browser.new_context(viewport=PHONE, locale="zh-CN", timezone_id="Asia/Shanghai")
    try:
        page = ctx.new_page()
        page.goto(f"{web_stack.url}{BOARD}")
        marker = secrets.token_hex(3)
        page.get_by_label("问题类别").select_option(label="土地")
        page.get_by_label("您的问题").fill(f"我在{ENGLAND}打工，老家的地被占了怎么办？👍️（{marker}）")
        page.get_by_role("button", name="提交", exact=True).click()
        expect(page.get_by_role("heading", name="问题已收到")).to_be_visible()
        expect(page.get_by_test_id("question-code")).to_have_text(re.compile(r"[2-9A-HJ-NP-Z]{8}"))
        expect(page.get_by_text("U+E00")).to_have_count(0)
        shoot(page, "question-flag-sent")
    finally:
        ctx.close()
