"""Browser-test helpers: Chromium from Debian, the running stack's handle, screenshots.

Chromium and CJK fonts come from Debian (`apt-get install`, as root, when missing); Playwright never
downloads a browser. Screenshots: `shoot(page, name)` → .var/test/screenshots/<name>-desktop.png and
<name>-phone.png, for a person to look at.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from devstack.paths import var_dir
from playwright.sync_api import Browser, Page, Playwright
from vc_contracts import CST
from vc_web.dev_signin import DEMO_PEOPLE, DemoPerson

from support.debian import apt_install

CHROMIUM = Path("/usr/bin/chromium")
CJK_FONT_DIR = Path("/usr/share/fonts/opentype/noto")
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def _has_cjk_fonts() -> bool:
    return CJK_FONT_DIR.is_dir() and any(CJK_FONT_DIR.glob("NotoSansCJK*"))


CHINESE_UI = Path("/usr/lib/chromium/locales/zh-CN.pak")
"""Chromium's Chinese user interface (package chromium-l10n): without it the browser's own date
and time fields show as in the United States (12/04/2026, 09:00 AM), whatever the page's locale."""


def ensure_chromium() -> Path:
    """Debian's chromium, its Chinese interface and fonts-noto-cjk, installed when missing (root
    only; else skip)."""
    if not (CHROMIUM.exists() and _has_cjk_fonts() and CHINESE_UI.exists()):
        apt_install("chromium", "chromium-l10n", "fonts-noto-cjk", why="browser tests")
    return CHROMIUM


def launch_chromium(playwright: Playwright) -> Browser:
    """Debian's chromium, headless, in Chinese: the browser's own language is what its date and
    time fields follow (年/月/日, 24-hour times), not the context's locale, and on Linux it reads it
    from LANGUAGE (`--lang` is ignored there). Only LANGUAGE: a LANG or LC_ALL of a locale the
    system lacks (zh_CN.UTF-8 is not generated here) turns its file names ASCII, and every download
    named in Chinese was saved as "download"."""
    chinese = {**os.environ, "LANGUAGE": "zh_CN"}
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS, env=chinese)


@dataclass
class WebStack:
    """The running stack: `url` is the one address people open (the web service)."""

    url: str
    urls: dict[str, str]  # registry, ledger, assessment, reporting, web → base URL
    secret: str
    logs: Path  # <service>.log of each server

    def log_text(self, service: str) -> str:
        return (self.logs / f"{service}.log").read_text(encoding="utf-8", errors="replace")

    def person(self, role: str) -> DemoPerson:
        return next(p for p in DEMO_PEOPLE if p.role.value == role)

    def token(self, role: str) -> str:
        """A dev token of the demo person of `role` (as the sign-in page gets it)."""
        person = self.person(role)
        body = {"role": role, "scope": person.scope, "subject": person.subject, "unit": person.unit}
        response = httpx.post(f"{self.url}/auth/dev/token", json=body, timeout=10, trust_env=False)
        response.raise_for_status()
        return str(response.json()["token"])


BACKFILL_HEADINGS = ["类型", "顾问编号", "村（社区）代码", "开始时间", "内容摘要", "渠道", "类别", "结果",
                     "客户端编号"]  # fmt: skip
"""The headings of the unit pages' backfill files (consultations): the import's own labels."""


def api_get(web_stack: WebStack, role: str, service: str, path: str, **params: Any) -> Any:
    """GET a service's JSON as the demo person of `role` (straight to the service, not the pages)."""
    headers = {"Authorization": f"Bearer {web_stack.token(role)}"}
    response = httpx.get(f"{web_stack.urls[service]}{path}", params=params, headers=headers, timeout=10,
                         trust_env=False)  # fmt: skip
    response.raise_for_status()
    return response.json()


@contextmanager
def phone_page(browser: Browser) -> Iterator[Page]:
    """A page of a fresh phone-sized context in Chinese and China Standard Time (closed after)."""
    ctx = browser.new_context(viewport=PHONE, locale="zh-CN", timezone_id="Asia/Shanghai")
    try:
        yield ctx.new_page()
    finally:
        ctx.close()


def ask_on_board(page: Page, web_stack: WebStack, question: str, village: str = "621025100201") -> None:
    """On the village's public board, a resident asks `question` (category 土地) and sends it."""
    page.goto(f"{web_stack.url}/v/{village}")
    page.get_by_label("问题类别").select_option(label="土地")
    page.get_by_label("您的问题").fill(question)
    page.get_by_role("button", name="提交", exact=True).click()


def dashboard_villages(web_stack: WebStack) -> list[dict[str, Any]]:
    """The county dashboard's villages (code, name, on-site seconds…), as the county admin sees them."""
    overview = httpx.get(
        f"{web_stack.url}/api/reporting/dashboard/overview",
        headers={"Authorization": f"Bearer {web_stack.token('county_admin')}"},
        timeout=20,
        trust_env=False,
    ).json()
    return list(overview["villages"])


def busiest_volume(web_stack: WebStack) -> tuple[str, int]:
    """The village and year of the demo volume with the most visits, as (code, year). Not this
    quarter's busiest village: in a quarter's first three days all the demo's visits (3 days back
    and more) are last quarter's, every village had 0 h this quarter and the first one, without
    visits, was taken; and in 1–3 January they are all in last year's volume."""
    listed = httpx.get(
        f"{web_stack.url}/api/ledger/entries",
        params={"kind": "visit", "voided": "false", "page_size": 500},
        headers={"Authorization": f"Bearer {web_stack.token('county_admin')}"},
        timeout=20,
        trust_env=False,
    ).json()["items"]
    volumes = Counter((e["village_code"], int(e["started_at"][:4])) for e in listed)  # +08:00 times
    (code, year), _ = volumes.most_common(1)[0]
    return str(code), year


def on_the_demo_s_last_evening(page: Page, evening: datetime | None = None) -> datetime:
    """Set the page's clock to 21:00 +08:00 yesterday and reload it: the pages that open on the
    current half-year (我的半年数据) then open on the one of the demo's WeChat consultation at 20:00
    yesterday in 王建国's first village (devstack/seed_demo.py). On 1 January and 1 July the real
    half-year holds none of his entries yet (the demo's are all before today): the page said
    没有您的台账记录 and offered no 确认. Returns the instant set; pass it as `evening` to set a second
    page to the same one (read again after midnight +08:00, "yesterday" is another day)."""
    if evening is None:
        yesterday = datetime.now(CST) - timedelta(days=1)
        evening = yesterday.replace(hour=21, minute=0, second=0, microsecond=0)
    page.clock.set_fixed_time(evening)
    page.reload()
    return evening


def screenshot_dir() -> Path:
    path = var_dir("test") / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


def shoot(page: Page, name: str) -> tuple[Path, Path]:
    """Save `<name>-desktop.png` (1280×800) and `<name>-phone.png` (390×844); the page keeps the
    desktop size afterwards. Returns both paths."""
    out = screenshot_dir()
    paths = (out / f"{name}-desktop.png", out / f"{name}-phone.png")
    for size, path in zip((DESKTOP, PHONE), paths, strict=True):
        page.set_viewport_size(size)
        page.wait_for_timeout(300)  # let the layout settle at the new width (not an assertion)
        page.screenshot(path=str(path))
    page.set_viewport_size(DESKTOP)
    return paths
