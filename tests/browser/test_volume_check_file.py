"""A volume an auditor can check (issue 14), in the browser: the committee's printable volume (phone)
and the county's volume page (desktop) show the chain head with its QR code (which decodes to
"<volume_id> <head>"), the canonical version, and a "下载校验文件" button whose file recomputes
to the head shown."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from pathlib import Path

import zxingcpp
from PIL import Image
from playwright.sync_api import Locator, Page, expect
from support.browser import WebStack, shoot
from test_village_support import committee_page  # noqa: F401 (the fixture `committee`)
from vc_contracts.chain import GENESIS, link

HEX64 = re.compile(r"^[0-9a-f]{64}$")
# What may stay Latin on a committee's screen: ids and codes (a chain head, a version "v2"); any other
# Latin word ("python", "verify", "JSON") is a word the committee cannot read
HASHES = re.compile(r"\b[0-9a-f]{16,}\b")
CODES = re.compile(r"v\d+")


def _latin_words(text: str) -> list[str]:
    """The Latin words of `text` that are not an id or a code."""
    words = re.findall(r"[A-Za-z][A-Za-z0-9_.-]*", HASHES.sub(" ", text))
    return [w for w in words if not CODES.fullmatch(w)]


def _decoded(qr: Locator) -> str:
    """The text of the QR code as the browser drew it (a screenshot of the image, decoded)."""
    expect(qr).to_have_attribute("src", re.compile(r"^blob:"))
    expect(qr).to_have_js_property("complete", True)
    image = Image.open(io.BytesIO(qr.screenshot()))
    found = zxingcpp.read_barcodes(image)
    assert found, "no QR code in the image"
    return str(found[0].text)


def _check_file(page: Page, tmp_path: Path) -> dict[str, object]:
    """Click the button, keep the download, and return its JSON after recomputing its chain."""
    with page.expect_download() as download:
        page.get_by_role("button", name="下载校验文件").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name.startswith("校验文件-") and saved.suffix == ".json"
    check = json.loads(saved.read_text(encoding="utf-8"))
    previous = GENESIS
    for item in check["links"]:
        previous = link(previous, item["canonical"].encode())
        assert previous == item["link"]
    assert check["format"] == "vc-volume/1" and previous == check["head"]
    return dict(check)


def test_the_committees_volume_shows_the_heads_qr_code_version_and_check_file(
    committee: Page, web_stack: WebStack, tmp_path: Path
) -> None:
    page = committee
    village = web_stack.person("village_committee").scope
    page.get_by_role("tab", name="本村台账").click()
    expect(page.get_by_test_id("verification")).to_contain_text("校验通过", timeout=30_000)
    head = page.get_by_test_id("chain-head")
    expect(head).to_have_text(HEX64)
    expect(page.get_by_test_id("canonical-versions")).to_have_text("v2")
    check = _check_file(page, tmp_path)
    assert str(check["volume_id"]).startswith(f"village:{village}:") and check["head"] == head.inner_text()
    assert _decoded(page.get_by_test_id("head-qr")) == f"{check['volume_id']} {check['head']}"
    assert str(check["length"]) == page.get_by_test_id("chain-length").inner_text().split("（")[0]
    # the screen is Chinese: the auditors' command line is not shown to a village committee
    assert _latin_words(page.locator("body").inner_text()) == []
    shoot(page, "village-volume-check")
    page.emulate_media(media="print")  # the code prints with the sheet, the button does not
    expect(page.get_by_test_id("head-qr")).to_be_visible()
    expect(page.get_by_role("button", name="下载校验文件")).to_be_hidden()
    expect(page.get_by_text("链值算法")).to_be_visible()  # the paper record keeps the algorithm


def test_the_countys_volume_page_offers_the_same_code_and_check_file(
    signed_in_page: Callable[[str], Page], web_stack: WebStack, tmp_path: Path
) -> None:
    page = signed_in_page("county_admin")
    village = web_stack.person("village_committee").scope
    page.goto(f"{web_stack.url}/volume/{village}")
    head = page.get_by_test_id("chain-head")
    expect(head).to_have_text(HEX64, timeout=30_000)
    expect(page.get_by_test_id("canonical-versions")).to_have_text("v2")
    check = _check_file(page, tmp_path)
    assert str(check["volume_id"]).startswith(f"village:{village}:") and check["head"] == head.inner_text()
    assert _decoded(page.get_by_test_id("head-qr")) == f"{check['volume_id']} {check['head']}"
    # the verifier's command is offered here, folded under a label saying whom it is for
    command = page.get_by_test_id("verify-command")
    expect(command).to_contain_text("供技术人员使用的校验命令")
    expect(command.locator("code")).to_be_hidden()
    command.locator("summary").click()
    expect(command.locator("code")).to_have_text(re.compile(r"^python -m vc_contracts\.verify "))
    shoot(page, "volume-check")
