"""A year in a page's address (?year=) is read the way periods are (NFKC, trimmed): ?year=２０２５ (a
Chinese keyboard's full-width digits) or ?year=2025%20 showed this year in silence. A year the page
cannot read or show is said, with the year shown instead."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import quote

import pytest
from playwright.sync_api import Page, expect
from support.browser import WebStack, busiest_volume, shoot
from support.held import SLOW
from test_village_support import committee_page  # noqa: F401 (the fixture `committee`)

CST_YEAR = "new Date().toLocaleString('en', {timeZone: 'Asia/Shanghai', year: 'numeric'})"


def _asked_year(page: Page, opened: Callable[[], None], year: int) -> None:
    """`opened()` asks the volume of `year` from the ledger (whatever else it asks)."""
    volume = re.compile(rf"/volumes/village/\d{{12}}/{year}(\?|$)")
    with page.expect_request(lambda r: volume.search(r.url) is not None):
        opened()


# an empty ?year= (the dashboard's link before its figures are read) is no year asked: this year
@pytest.mark.parametrize(
    ("written", "year"), [("２０２５", 2025), ("2025 ", 2025), ("\u30002025", 2025), ("", None)]
)
def test_the_volume_reads_a_year_written_as_typed(
    written: str, year: int | None, signed_in_page: Callable[[str], Page], web_stack: WebStack
) -> None:
    # given a village's volume, and its year written in the address as a keyboard may write it
    code, _ = busiest_volume(web_stack)
    page = signed_in_page("county_admin")
    asked = year or int(page.evaluate(CST_YEAR))
    # when it is opened, then that year's volume is asked for and shown, with nothing to say
    _asked_year(page, lambda: page.goto(f"{web_stack.url}/volume/{code}?year={quote(written)}"), asked)
    expect(page.get_by_role("combobox", name="年度")).to_be_visible(timeout=SLOW)
    expect(page.get_by_test_id("year-note")).to_have_count(0)


def test_the_volume_says_which_year_it_shows_for_a_year_it_cannot_read(
    signed_in_page: Callable[[str], Page], web_stack: WebStack
) -> None:
    code, _ = busiest_volume(web_stack)
    page = signed_in_page("county_admin")
    page.goto(f"{web_stack.url}/volume/{code}?year=2025年")
    note = page.get_by_test_id("year-note")
    expect(note).to_contain_text("地址中的年度“2025年”无法识别")
    expect(note).to_contain_text(re.compile(r"下面显示 \d{4} 年"))
    shoot(page, "volume-year-unreadable")


def test_the_village_volume_reads_a_full_width_year_and_says_one_it_cannot_show(
    committee: Page, web_stack: WebStack
) -> None:
    page = committee
    # given last year's volume asked for with full-width digits, then this year's copy
    this_year = int(page.evaluate(CST_YEAR))
    last = "".join(chr(ord(d) + 0xFEE0) for d in str(this_year - 1))
    _asked_year(page, lambda: page.goto(f"{web_stack.url}/village/volume?year={quote(last)}"), this_year - 1)
    pressed = page.get_by_role("group", name="年度").locator('[aria-pressed="true"]')
    expect(pressed).to_have_text(f"{this_year - 1} 年", timeout=SLOW)
    expect(page.get_by_test_id("year-note")).to_have_count(0)
    # when a year not offered, then one not readable, is in the address: said, and this year shown
    page.goto(f"{web_stack.url}/village/volume?year=2019")
    offered = f"（{this_year - 2}～{this_year} 年）"
    expect(page.get_by_test_id("year-note")).to_contain_text(
        f"地址中的 2019 年不在可查看的年度{offered}内。下面显示 {this_year} 年。"
    )
    expect(pressed).to_have_text(f"{this_year} 年")
    page.goto(f"{web_stack.url}/village/volume?year=abc")
    expect(page.get_by_test_id("year-note")).to_contain_text(
        f"地址中的年度“abc”无法识别：应为四位数的年份（如 {this_year}）。下面显示 {this_year} 年。"
    )
    expect(page.locator(".vc-sheet")).to_contain_text(f"{this_year} 年度", timeout=SLOW)
    shoot(page, "village-volume-year-unreadable")


@pytest.mark.parametrize("written", ["1999", "2999"])
def test_the_volume_says_a_year_outside_the_program_and_shows_this_year(
    written: str, signed_in_page: Callable[[str], Page], web_stack: WebStack
) -> None:
    # given a village's volume, and a year the program can have no records for in its address
    code, _ = busiest_volume(web_stack)
    page = signed_in_page("county_admin")
    this_year = int(page.evaluate(CST_YEAR))
    # when it is opened, then this year's volume is asked for and shown, and the year asked is said
    _asked_year(page, lambda: page.goto(f"{web_stack.url}/volume/{code}?year={written}"), this_year)
    expect(page.get_by_role("combobox", name="年度")).to_be_visible(timeout=SLOW)
    note = page.get_by_test_id("year-note")
    expect(note).to_contain_text(f"地址中的 {written} 年不在可查看的年度")
    expect(note).to_contain_text(f"下面显示 {this_year} 年")
    shoot(page, f"volume-year-outside-{written}")


def test_the_volume_of_an_older_year_names_it_in_its_year_picker(
    signed_in_page: Callable[[str], Page], web_stack: WebStack
) -> None:
    # given a village's volume asked for a year older than the picker's last three
    code, _ = busiest_volume(web_stack)
    page = signed_in_page("county_admin")
    # when it is opened, then that year is asked for, and the picker names it as it names the others
    _asked_year(page, lambda: page.goto(f"{web_stack.url}/volume/{code}?year=2019"), 2019)
    picker = page.locator(".el-select").filter(has=page.get_by_role("combobox", name="年度"))
    expect(picker).to_have_text("2019 年", timeout=SLOW)
    expect(page.get_by_test_id("year-note")).to_have_count(0)
