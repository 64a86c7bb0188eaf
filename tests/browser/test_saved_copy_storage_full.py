"""The advisor's reads are shown when the phone cannot save a copy of them: a phone whose storage is
full (or a private window with none) refuses localStorage.setItem (QuotaExceededError), and the read
that had been answered was thrown away with it, said as 暂时无法读取… though the services answered."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import Page, expect
from support.browser import PHONE, shoot

FULL = """
(() => {
  const setItem = Storage.prototype.setItem
  Storage.prototype.setItem = function (key, value) {
    if (String(key).startsWith('vc.adv.')) throw new DOMException('storage full', 'QuotaExceededError')
    return setItem.call(this, key, value)
  }
})()
"""


def test_the_advisors_home_shows_its_figures_when_the_phone_cannot_save_them(
    signed_in_page: Callable[[str], Page],
) -> None:
    # given an advisor's phone whose storage is full
    page = signed_in_page("advisor")
    page.set_viewport_size(PHONE)
    page.context.add_init_script(FULL)
    # when the home is read (the services answer)
    page.reload()
    expect(page).to_have_url(re.compile(r"/advisor$"))
    # then its villages and figures are shown, and nothing is said to be unreadable
    expect(page.get_by_role("article").first).to_be_visible()
    expect(page.get_by_test_id("open-questions")).to_be_visible()
    hours = re.compile(r"^\d+\.\d\d / \d+\.\d\d 小时$")
    expect(page.get_by_test_id("quarter-hours").first).to_have_text(hours)
    expect(page.get_by_role("alert")).to_have_count(0)
    expect(page.get_by_test_id("saved-copy")).to_have_count(0)
    shoot(page, "advisor-home-storage-full")
    # and the figure sheet (年度考核) too
    page.set_viewport_size(PHONE)
    page.get_by_text("年度考核", exact=True).click()
    expect(page).to_have_url(re.compile(r"/advisor/figures"))
    expect(page.get_by_role("heading", level=2).first).to_be_visible()  # a village's figures
    expect(page.get_by_role("alert")).to_have_count(0)
    shoot(page, "advisor-figures-storage-full")
