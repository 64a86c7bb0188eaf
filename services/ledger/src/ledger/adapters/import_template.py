"""The backfill template a unit downloads before its first import: an XLSX whose first sheet has
exactly the headings the import reads (import_columns.COLUMNS) and one example row filled with one
of the unit's own advisors and villages, and a second sheet saying what each column takes."""

from __future__ import annotations

from datetime import datetime

from eventkit.workbook_bytes import workbook_bytes
from openpyxl import Workbook
from openpyxl.styles import Font
from vc_contracts import CST

from ledger.application.import_columns import COLUMNS, SHEET
from ledger.application.import_rows import EXAMPLE_CLIENT_ID
from ledger.domain.kinds import KIND_LABEL, VALUE_LABEL, Kind

_EXAMPLE = {
    "kind": KIND_LABEL[Kind.visit],
    "started_at": datetime(2026, 3, 2, 9, tzinfo=CST), "ended_at": datetime(2026, 3, 2, 12, tzinfo=CST),
    "place": "村委会法律服务室", "summary": "驻村坐班，接待群众法律咨询",
    "client_entry_id": EXAMPLE_CLIENT_ID,
}  # fmt: skip
_HELP = {
    "kind": "、".join(KIND_LABEL.values()),
    "advisor_id": "本单位页面「顾问工作进度」中顾问姓名下的顾问编号",
    "village_code": "「顾问工作进度」中村（社区）名称下的 12 位代码",
    "started_at": "北京时间，如 2026-03-02 09:00",
    "ended_at": "驻点服务必填，北京时间",
    "channel": "法律咨询填：" + "、".join(VALUE_LABEL["channel"].values()),
    # every column with a fixed set of values says which (类别, 结果 and 文书类型 gave none)
    "category": "法律咨询、纠纷调解填：" + "、".join(VALUE_LABEL["category"].values()),
    "outcome": "法律咨询、纠纷调解填：" + "、".join(dict.fromkeys(VALUE_LABEL["outcome"].values())),
    "document_kind": "审核文书填：" + "、".join(VALUE_LABEL["document_kind"].values()),
    "question_id": "答复居民提问的咨询填该提问的编号（居民提问页面可见），其余留空",
    "client_entry_id": "纸质台账上的编号，同一编号只写入一次（重复上传不会重复写入）",
}


def template_xlsx(advisor_id: str, village_code: str) -> bytes:
    """XLSX bytes: sheet 补录台账 (headings + one example visit by `advisor_id` in `village_code`,
    to be replaced; its times are Beijing-time date cells) and sheet 填写说明 (each column and what
    it takes)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = SHEET  # the import reads this sheet first
    sheet.append([c.label for c in COLUMNS])
    example = {**_EXAMPLE, "advisor_id": advisor_id, "village_code": village_code}
    sheet.append([example.get(c.name, "") for c in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column in sheet.columns:
        sheet.column_dimensions[column[0].column_letter].width = 16
    notes = book.create_sheet("填写说明")
    notes.append(["列", "填写说明"])
    notes.append(
        ["（第 2 行）", "示例行：请改为实际记录，或删除后再填写；客户端编号以「示例」开头的行不会被导入"]
    )
    for c in COLUMNS:
        notes.append([c.label, _HELP.get(c.name, "")])
    notes.column_dimensions["A"].width, notes.column_dimensions["B"].width = 18, 70
    return workbook_bytes(book)  # the example's times are date cells, as the import reads them
