"""A volume as a printable HTML page (A4 landscape), Chinese headings, and in the header the chain
head, length and canonical version(s) with a QR code of `volume_id head` (export_qr)."""

from __future__ import annotations

from datetime import datetime
from html import escape
from typing import Any

from ledger.adapters.export_qr import head_svg_inline
from ledger.adapters.export_rows import (
    HEADINGS,
    HOURS_COLUMN,
    cell_text,
    hours_text,
    row_cells,
    subtitle,
    totals_line,
)

_STYLE = """
@page { size: A4 landscape; margin: 12mm; }
body { font-family: "Noto Sans CJK SC", "Microsoft YaHei", "SimSun", sans-serif; font-size: 10.5pt; }
h1 { font-size: 15pt; text-align: center; margin: 0 0 4pt; }
p.meta { margin: 2pt 0; font-size: 9pt; word-break: break-all; }
table { border-collapse: collapse; width: 100%; margin-top: 6pt; }
th, td { border: 1px solid #444; padding: 2pt 3pt; vertical-align: top; }
th { background: #dde6f0; }
tr { page-break-inside: avoid; }
tr.voided td { color: #888; text-decoration: line-through; }
tr.voided td.notes { text-decoration: none; }
td.notes { white-space: pre-line; font-size: 9pt; }
thead { display: table-header-group; }
div.top { display: flex; gap: 12pt; align-items: flex-start; }
div.top > div:first-child { flex: 1; min-width: 0; }
div.chain { flex: none; text-align: center; font-size: 8pt; }
div.chain svg { display: block; margin: 0 auto; }
dl.chain-facts { margin: 2pt 0 0; font-size: 9pt; display: flex; gap: 18pt; }
dl.chain-facts div { display: flex; gap: 4pt; }
dl.chain-facts dt { flex: none; }
dl.chain-facts dt::after { content: "："; }
dl.chain-facts dd { margin: 0; font-family: monospace; word-break: break-all; }
"""


def versions_label(versions: list[int]) -> str:
    """ "v2", or "v1、v2" for a volume begun before v2 (its older links keep v1)."""
    return "、".join(f"v{v}" for v in versions) or "—"


def _chain_block(volume: dict[str, Any]) -> tuple[str, str]:
    chain = volume["chain"]  # head and length are in the subtitle's line; the version is said here
    facts = (("规范格式版本", versions_label(chain["canonical_versions"])), ("卷册编号", volume["volume_id"]))
    rows = "".join(f"<div><dt>{escape(k)}</dt><dd>{escape(v)}</dd></div>" for k, v in facts)
    qr = head_svg_inline(volume["volume_id"], chain["head"], scale=3)
    return (
        f"<dl class='chain-facts' data-testid='chain-facts'>{rows}</dl>",
        f"<div class='chain' data-testid='head-qr'>{qr}<div>扫码核对卷册链头</div></div>",
    )


def _cell(value: Any) -> str:
    return escape(cell_text(value))


def volume_html(volume: dict[str, Any], exported_at: datetime) -> str:
    meta = "".join(f"<p class='meta'>{escape(line)}</p>" for line in subtitle(volume, exported_at))
    head = "".join(f"<th>{escape(h)}</th>" for h in HEADINGS)
    rows = []
    for entry in volume["entries"]:
        cells = row_cells(entry)
        cells[HOURS_COLUMN] = hours_text(entry)  # the exact number as the one display rule writes it
        tds = [f"<td>{_cell(c)}</td>" for c in cells[:-2]]
        tds.append(f"<td class='notes'>{_cell(cells[-2])}</td><td>{_cell(cells[-1])}</td>")
        klass = " class='voided'" if entry["voided"] else ""
        rows.append(f"<tr{klass}>{''.join(tds)}</tr>")
    footer = totals_line(volume["totals"])
    facts, qr = _chain_block(volume)
    return (
        "<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'>"
        f"<title>{escape(volume['title'])}</title><style>{_STYLE}</style></head><body>"
        f"<div class='top'><div><h1>{escape(volume['title'])}</h1>{meta}{facts}</div>{qr}</div>"
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        f"<p class='meta'>{escape(footer)}</p>"
        "<p class='meta'>村（居）委会签章：__________　　服务单位签章：__________</p>"
        "</body></html>"
    )
