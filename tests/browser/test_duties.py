"""The county's 职责分工 page: the duties saved as they are keep every section whole."""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx
from playwright.sync_api import Page, expect
from support.browser import WebStack, shoot

COUNTY = "621025"


def test_sections_with_a_list_in_brackets_are_saved_whole(
    web_stack: WebStack, signed_in_page: Callable[[str], Page]
) -> None:
    """The demo's 公共法律服务管理股（牵头组织、协议备案、考核）, saved unchanged, went out as three
    sections: the page split every line at 、 and ，, inside brackets too."""
    headers = {"Authorization": f"Bearer {web_stack.token('county_admin')}"}
    kept = httpx.get(f"{web_stack.urls['registry']}/counties/{COUNTY}/responsibilities", headers=headers,
                     timeout=10, trust_env=False).json()["responsibilities"]  # fmt: skip
    assert any("、" in s for s in kept["sections"])  # the demo's own: a list inside brackets
    page = signed_in_page("county_admin")
    page.goto(f"{web_stack.url}/county/duties")
    sections = page.get_by_label("参与股室")
    expect(sections).to_have_value("\n".join(kept["sections"]))
    with page.expect_request(lambda r: r.method == "PUT" and "/responsibilities" in r.url) as put:
        page.get_by_role("button", name="保存").click()
    assert json.loads(put.value.post_data or "{}")["sections"] == kept["sections"]
    expect(page.get_by_text("已保存")).to_be_visible()
    shoot(page, "county-duties-saved")


def test_a_section_holding_a_direction_override_is_refused_beside_the_sections(
    web_stack: WebStack, signed_in_page: Callable[[str], Page]
) -> None:
    """Session 32's newcomer: the second line's U+202E was refused as `sections.1`, and the page looked
    for `sections`: only "请检查标出的字段" showed, with no field marked. Now beside 参与股室."""
    page = signed_in_page("county_admin")
    page.goto(f"{web_stack.url}/county/duties")
    sections = page.get_by_label("参与股室")
    expect(sections).not_to_have_value("")
    typed = "公共法律服务股\n法治\u202e宣传股"
    sections.fill(typed)
    page.get_by_role("button", name="保存").click()
    field = page.locator(".el-form-item").filter(has=sections)
    expect(field).to_contain_text("第 2 项：")  # the second line; "第 3 个字符" is counted in it
    expect(field).to_contain_text("从右向左覆盖符")
    expect(sections).to_have_value(typed)
    expect(page.get_by_text("已保存")).to_have_count(0)
    shoot(page, "county-duties-override-refused")
