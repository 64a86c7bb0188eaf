"""Ledger exports as XLSX workbooks with Chinese headings: a volume (the chain head printed under
the title; the machine-readable sheet 校验数据 with each link and the canonical text it hashes, for
a verifier without our database), and an advisor's work of a period (every volume it sits in, with
its chain head and verification result, on a second sheet)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from eventkit.workbook_bytes import table, titled, workbook_bytes
from openpyxl import Workbook
from openpyxl.styles import Font
from vc_contracts.durations import HOURS_NUMBER_FORMAT

from ledger.adapters.export_rows import (
    ADVISOR_HEADINGS,
    HEADINGS,
    HOURS_COLUMN,
    VOLUME_CHECK_HEADINGS,
    VOLUME_CHECK_WIDTHS,
    WIDTHS,
    advisor_subtitle,
    row_cells,
    subtitle,
    totals_line,
    volume_check_cells,
)

_VOID = Font(strike=True, color="888888")
_FAILED = Font(bold=True, color="C00000")


def _entry_rows(entries: list[dict[str, Any]]) -> list[tuple[list[Any], Font | None]]:
    return [(row_cells(e), _VOID if e["voided"] else None) for e in entries]


def _saved(book: Workbook) -> bytes:
    return workbook_bytes(book)  # people's text starting with "=" stays text, never a formula


def _entries_book(
    sheet_name: str, title: str, lines: list[str], headings: list[str], work: dict[str, Any]
) -> Workbook:
    """A workbook whose first sheet lists `work`'s entries under a title, then their totals."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = sheet_name
    titled(sheet, title, lines)
    # 时长 holds the exact hours (its SUM is the exact total), shown with two decimals as the footer
    table(sheet, headings, WIDTHS, _entry_rows(work["entries"]), {HOURS_COLUMN: HOURS_NUMBER_FORMAT})
    sheet.append([])
    sheet.append([totals_line(work["totals"])])
    return book


CHECK_SHEET = "校验数据"
CHECK_HEADINGS = ["seq", "entry_id", "event_id", "event_type", "canonical_version", "link", "canonical"]
DAMAGE_HEADING = "damage"


def _check_sheet(book: Workbook, check: dict[str, Any]) -> None:
    """Sheet 校验数据 (the design's shape, read by `vc_contracts.verify.load_volume`): row 1
    `format | vc-volume/1 | volume_id | id | length | n | head | hex`, row 2 the headings, then one
    row per link in seq order; text cells, seq and version integers; no styling a reader must skip.
    A volume with a damaged link (`volume_chain.ChainCopy`) has an eighth column `damage` naming it
    (empty for the sound links), and the damaged link's empty values are empty cells: verifiers read
    the first seven columns and refuse such a row (never "None" in a cell)."""
    sheet = book.create_sheet(CHECK_SHEET)
    sheet.append(["format", check["format"], "volume_id", check["volume_id"], "length", check["length"],
                  "head", check["head"]])  # fmt: skip
    damaged = any("damage" in item for item in check["links"])
    keys = [*CHECK_HEADINGS, DAMAGE_HEADING] if damaged else CHECK_HEADINGS
    sheet.append(keys)
    for item in check["links"]:
        sheet.append([item.get(key) if item.get(key) != "" else None for key in keys])
    for letter, width in zip("ABCDEFGH", (6, 24, 38, 20, 8, 66, 100, 40), strict=True):
        sheet.column_dimensions[letter].width = width


def volume_xlsx(volume: dict[str, Any], exported_at: datetime, check: dict[str, Any]) -> bytes:
    """`volume` as `volumes.volume` returns it (sheet 工作台账, for people), `check` as
    `volumes.export_json` does (sheet 校验数据, for verifiers)."""
    lines = subtitle(volume, exported_at)
    book = _entries_book("工作台账", volume["title"], lines, HEADINGS, volume)
    _check_sheet(book, check)
    return _saved(book)


def advisor_xlsx(work: dict[str, Any], exported_at: datetime) -> bytes:
    """`work` as `advisor_ledger.advisor_ledger` returns it: sheet 工作记录 (the entries, numbered
    in their village's volume) and sheet 卷册校验 (each volume: chain head, verification result)."""
    lines = advisor_subtitle(work, exported_at)
    book = _entries_book("工作记录", work["title"], lines, ADVISOR_HEADINGS, work)
    checks = book.create_sheet("卷册校验")
    titled(checks, f"{work['title']}：涉及卷册的防篡改链头与校验结果", lines[:1])
    rows = [(volume_check_cells(v), None if v["ok"] else _FAILED) for v in work["volumes"]]
    table(checks, VOLUME_CHECK_HEADINGS, VOLUME_CHECK_WIDTHS, rows)
    return _saved(book)
