"""Reading an uploaded sheet: CSV (UTF-8, with or without BOM, or GB18030 as Excel writes it in
China) or XLSX (the first worksheet). Row numbers are the spreadsheet's: the header is row 1."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime

from openpyxl import load_workbook

from registry.application.import_errors import Problems

MAX_BYTES = 20 * 1024 * 1024
_XLSX_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class Table:
    headers: dict[str, str]  # canonical column -> the header as written in the file
    rows: list[tuple[int, dict[str, str]]]  # (row number, canonical column -> non-empty value)


def read_table(content: bytes, columns: dict[str, tuple[str, ...]], required: set[str]) -> Table:
    """Rows keyed by canonical column names; a column is recognised by any of its aliases."""
    problems = Problems({})
    if not content.strip():
        problems.add(1, "file", "文件为空")
    elif len(content) > MAX_BYTES:
        problems.add(1, "file", f"文件过大（上限 {MAX_BYTES // 1024 // 1024} MB）")
    problems.raise_if_any()
    raw = _xlsx_rows(content, problems) if content.startswith(_XLSX_MAGIC) else _csv_rows(content, problems)
    problems.raise_if_any()
    header, *body = raw or [[]]
    lookup = {_norm(alias): name for name, aliases in columns.items() for alias in (name, *aliases)}
    headers: dict[str, str] = {}
    positions: dict[str, int] = {}
    for index, text in enumerate(header):
        name = lookup.get(_norm(text))
        if name and name not in positions:
            headers[name], positions[name] = text.strip(), index
    for missing in sorted(required - headers.keys()):
        problems.add(1, missing, f"缺少必需的列“{missing}”（也可写作：{'、'.join(columns[missing])}）")
    problems.raise_if_any()
    rows = []
    for number, cells in enumerate(body, start=2):
        values = {
            name: cells[i].strip() for name, i in positions.items() if i < len(cells) and cells[i].strip()
        }
        if values:
            rows.append((number, values))
    return Table(headers, rows)


def _norm(text: str) -> str:
    return "".join(text.split()).lower().replace("（", "(").replace("）", ")")


def _csv_rows(content: bytes, problems: Problems) -> list[list[str]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        problems.add(1, "file", "无法识别文件编码，请另存为 UTF-8 编码的 CSV 或 XLSX")
        return []
    try:
        return list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:  # a stray carriage return or NUL in an unquoted field, an over-long cell
        problems.add(1, "file", f"CSV 文件无法读取：{exc}")
        return []


def _xlsx_rows(content: bytes, problems: Problems) -> list[list[str]]:
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged file
        problems.add(1, "file", "无法读取 Excel 文件，请确认是 .xlsx 格式")
        return []
    try:
        sheet = book.worksheets[0]
        return [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


def _cell_text(value: object) -> str:
    """Excel keeps codes and phones as numbers and dates as datetimes: give them back as typed."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
