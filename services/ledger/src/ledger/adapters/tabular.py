"""Reading an uploaded backfill file (CSV or XLSX) into rows keyed by field name.

Headings may be Chinese (as in the template and the exports) or the API's field names. Row numbers
are the spreadsheet's: the heading is row 1, the first entry row 2.
"""

from __future__ import annotations

import csv
import io
import zipfile
from typing import Any

from eventkit.errors import FieldError
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from ledger.domain.kinds import FIELD_LABEL

HEADERS = {label: field for field, label in FIELD_LABEL.items()} | {
    "日期": "started_at",
    "时间": "started_at",
    "村（居）代码": "village_code",
    "村居代码": "village_code",
    "顾问编号": "advisor_id",
    "工作内容": "summary",
}
IMPORT_FIELDS = set(FIELD_LABEL) - {"entry_id", "unit_id", "hours"}

Rows = list[tuple[int, dict[str, Any]]]


def _field(heading: Any) -> str | None:
    text = str(heading or "").strip()
    if text in IMPORT_FIELDS:
        return text
    field = HEADERS.get(text)
    return field if field in IMPORT_FIELDS else None


def _rows(table: list[list[Any]]) -> tuple[Rows, list[FieldError]]:
    if not table:
        return [], [FieldError(field="file", reason="文件为空：第 1 行应为表头")]
    fields = [_field(h) for h in table[0]]
    errors = [
        FieldError(field=f"rows[1].{h}", reason=f"第 1 行：无法识别的表头「{h}」")
        for h, f in zip(table[0], fields, strict=True)
        if f is None and str(h or "").strip()
    ]
    rows: Rows = []
    for number, cells in enumerate(table[1:], start=2):
        values = {f: c for f, c in zip(fields, cells, strict=False) if f and c not in (None, "")}
        if values:
            rows.append((number, values))
    return rows, errors


def _decode(content: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):  # Excel in China saves CSV as GBK unless told otherwise
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValueError("无法识别文件编码，请另存为 UTF-8 编码的 CSV")


def read_csv(content: bytes) -> tuple[Rows, list[FieldError]]:
    text = _decode(content)
    table = [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text))]
    return _rows(table)


def read_xlsx(content: bytes) -> tuple[Rows, list[FieldError]]:
    book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        table = [
            [c.strip() if isinstance(c, str) else c for c in row] for row in sheet.iter_rows(values_only=True)
        ]
    finally:
        book.close()
    return _rows(table)


def read_upload(content: bytes, fmt: str) -> tuple[Rows, list[FieldError]]:
    try:
        return read_xlsx(content) if fmt == "xlsx" else read_csv(content)
    except (ValueError, KeyError, OSError, csv.Error, zipfile.BadZipFile, InvalidFileException) as exc:
        return [], [FieldError(field="file", reason=f"文件无法读取：{exc}")]
