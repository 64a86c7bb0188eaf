"""Where the rows of an uploaded sheet come from (see `spreadsheets`): streamed, and bounded.

`rows(content)` yields each row of a CSV file or of an XLSX worksheet as a sequence of cell values,
one at a time, so no more of the file is unpacked than is read. A file that unpacks to more than
an import can hold is refused part-way with `SheetRefused` (a Chinese reason for the file as a
whole) instead of being unpacked whole: a 0.6 MB XLSX can hold two million rows.

Bounds (each a file-level refusal):
- `MAX_ROWS` non-empty rows below the heading (twice the 50,000-row bench file; a county's yearly
  ledger is a few thousand rows);
- `MAX_LINES` rows walked including blank ones (Excel's own sheet limit; more cannot come from Excel);
- `MAX_CHARS` characters in all cells, each cell counting at least one (bounds unpacked memory);
- `MAX_COLUMNS` cells in a row (Excel's own limit, column XFD; a CSV row of more, most of them
  separators, named its cells by letters openpyxl cannot give past ZZZ: a 500);
- `MAX_UNPACKED` bytes of an XLSX once unzipped, from the zip's directory, checked before opening it
  (the shared-strings part is read whole by openpyxl). Python's zip reader stops at the declared
  size, so a member cannot unpack to more than the directory says; `MAX_SHARED_STRINGS` bytes of
  that shared-strings part (about 20 million Chinese characters: far more than any real ledger);
- `MAX_UNSIZED` bytes of a worksheet part without a <dimension> element (openpyxl would parse it
  whole on opening the workbook).

A file that is no sheet (a web page's table named .xls, a PDF, an ODS renamed .xlsx…) is refused
naming what it is before any reading (`sheet_kinds`); an XLSX that cannot be read is refused as
damaged (`DAMAGED_XLSX`), as is one listing a sheet its zip does not hold.

An XLSX is read from what the person sees: the visible sheet titled as the caller's template titles
its own (`preferred`), else its one visible worksheet with data rows (a heading and a row below; a
workbook whose first sheet was left empty or holds a note, data on sheet 2, is read from sheet 2;
two such sheets are refused naming them, since reading one dropped the other's rows without a
word), else its first visible worksheet with a value; `Source.sheet` names it. A hidden or very
hidden sheet is never read: Excel shows no tab for it, so rows nobody sees on screen (an old sheet
hidden rather than deleted) were imported in place of the visible ones.

A CSV is decoded by its byte-order mark (UTF-16 or UTF-32: Excel's "Unicode 文本" is UTF-16 LE),
else as UTF-8, else GB18030; its separator is a comma, or a tab or a semicolon when its header line
has that and no comma (`_delimiter`).

A CSV's double quotes must pair as Excel writes them (a quoted cell, its own quotes doubled): a
record whose quote is never closed, closed and followed by text (`"a"b`), or which holds a quote
inside an unquoted cell (`a"b`) comes as a `BrokenRow` naming the column where the quote opens.
The lenient reading folded the rest of the row (or of the file) into that cell and answered
"客户端编号：不能为空" for the cells it swallowed.
"""

from __future__ import annotations

import codecs
import csv
import functools
import io
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl.chartsheet import Chartsheet
from openpyxl.reader.excel import ExcelReader
from openpyxl.workbook import Workbook
from vc_contracts.text import quoted

from eventkit.sheet_cells import FormulaWithoutValue
from eventkit.sheet_kinds import OLD_EXCEL, ZIP_MAGIC, not_a_sheet

__all__ = [
    "DAMAGED_XLSX",
    "MAX_CHARS",
    "MAX_COLUMNS",
    "MAX_LINES",
    "MAX_ROWS",
    "MAX_SHARED_STRINGS",
    "MAX_UNPACKED",
    "OLD_EXCEL",
    "BrokenRow",
    "CsvHalves",
    "SheetRefused",
    "Source",
    "csv_halves",
    "is_xlsx",
    "open_rows",
]

MAX_ROWS = 100_000
MAX_LINES = 1_048_576
MAX_COLUMNS = 16_384
MAX_CHARS = 64 * 1024 * 1024
MAX_UNPACKED = 256 * 1024 * 1024
MAX_SHARED_STRINGS = 64 * 1024 * 1024  # bytes of the shared-strings part, which openpyxl reads whole
MAX_UNSIZED = 16 * 1024 * 1024  # bytes of a worksheet part without a <dimension> (see _refuse_unsized)
_HEAD = 4096  # bytes of a worksheet part in which its <dimension> element is looked for
_DIMENSION = re.compile(rb"<(\w+:)?dimension\b")
# An XLSX that cannot be read is one (`sheet_kinds` refused any other zip first): damaged, cut short
# in the upload, or written wrong; Excel and WPS repair most such files when they open them.
REOPEN = "请在 Excel 或 WPS 中打开后重新保存为 .xlsx 再上传"
DAMAGED_XLSX = f"Excel 文件已损坏或不完整，无法读取。{REOPEN}"
SPLIT = "请分批导入"
NO_WORKSHEET = (
    "Excel 文件中没有可读取的工作表：图表工作表和隐藏的工作表不会被读取。"
    "请将数据放在一个可见的普通工作表中（第 1 行为表头）后重新上传"
)


class SheetRefused(ValueError):
    """The file as a whole cannot be read; `args[0]` is the reason in Chinese, `sheet` the worksheet
    being read when it was refused (None: a CSV, or before any sheet was chosen)."""

    def __init__(self, reason: str, sheet: str | None = None) -> None:
        super().__init__(reason)
        self.sheet = sheet


class BrokenRow(list[str]):
    """A CSV record whose double quotes do not pair: the cells read before the broken one, `column`
    the 0-based index of the cell where the quote opens, `reason` in Chinese (refused as a whole:
    the cells after it cannot be told apart)."""

    def __init__(self, cells: list[str], column: int, reason: str) -> None:
        super().__init__(cells)
        self.column, self.reason = column, reason


@dataclass
class Source:
    """The rows of one sheet; `sheet` is the worksheet's name (None for CSV)."""

    rows: Iterator[Sequence[Any]]
    sheet: str | None = None


def is_xlsx(content: bytes) -> bool:
    """Whether `content` is an XLSX file (a ZIP archive), judged by its first bytes."""
    return content.startswith(ZIP_MAGIC)


def open_rows(content: bytes, max_bytes: int, preferred: str | None = None) -> Source:
    """The rows of the file, bounded (see the module). Raises SheetRefused, also while iterating.

    `preferred`: the title of the sheet the caller's template writes its rows to, read first if the
    workbook has a visible sheet of that title."""
    foreign = not_a_sheet(content)  # before any reading: a CSV reading would name the wrong cause
    if foreign is not None:
        raise SheetRefused(foreign)
    if is_xlsx(content):
        return _xlsx(content, preferred)
    return Source(_bounded(_csv(content, max_bytes)))


SPLIT_AT_LEAST = 256 * 1024  # characters: a smaller CSV is read whole (a half is not worth a hand-over)


@dataclass(frozen=True)
class CsvHalves:
    """A plain CSV cut in two at a line end (`csv_halves`), each half a CSV of its own in UTF-8:
    `first` the heading and the rows above the cut, `second` the heading and the rest, whose first
    row is row `second_from` of the whole file."""

    first: bytes
    second: bytes
    second_from: int


def csv_halves(content: bytes, max_bytes: int, share: float = 0.5) -> CsvHalves | None:
    """`content` cut in two halves that read (`open_rows`, `spreadsheets.read_sheet` with
    `first_line`) as the whole file reads, so that two processes can read one each; None when
    the file is no such CSV: an XLSX or anything not a sheet, an unknown encoding, any double quote
    (a quoted cell may hold a line break: a line is then no row), a NUL, a line ending in CR alone,
    fewer than SPLIT_AT_LEAST characters, text that begins with U+FEFF, or near a bound (MAX_ROWS,
    MAX_CHARS, `max_bytes`: each half is bounded alone, so the whole must be within them however it
    is counted). `share`: about how much of the text the first half holds (the cut is the first
    line end past it).

    The halves are the text re-encoded in UTF-8, which `_decoded` gives back as it was unless it
    begins with U+FEFF (the UTF-8 reading takes one or two off as byte-order marks: a third mark,
    or a UTF-16 file's second, was then read off the halves but kept on the whole file's first
    heading). Their bytes are no measure of the file's: a GB18030 file over `max_bytes` cut into
    UTF-8 halves under it each, and a UTF-8 file into two smaller ones, were read in halves and
    imported where the whole file is refused as too large.

    Plain text and C string methods: a few milliseconds for a 50,000-row file. Every refusal of the
    file is the whole file's reader's to give: a caller reads the whole file when a half has a
    problem, so row numbers and messages are always the whole file's."""
    if len(content) > max_bytes or is_xlsx(content) or not_a_sheet(content) is not None:
        return None
    try:
        text = _decoded(content)
    except SheetRefused:
        return None
    if len(text) < SPLIT_AT_LEAST or '"' in text or "\x00" in text or text.startswith("\ufeff"):
        return None
    lines = text.count("\n")
    if text.count("\r") != text.count("\r\n"):  # a lone CR ends a line too: counting is not worth it
        return None
    if lines + 1 > MAX_ROWS or 2 * (len(text) + lines + 1) > MAX_CHARS:
        return None
    heading_end = text.find("\n") + 1
    cut = text.find("\n", max(int(len(text) * share), heading_end)) + 1
    if heading_end == 0 or cut == 0 or cut >= len(text):
        return None
    first, rest = text[:cut], text[cut:]
    heading = text[:heading_end]
    return CsvHalves(first.encode(), (heading + rest).encode(), first.count("\n") + 1)


def _bounded(rows: Iterator[Sequence[Any]]) -> Iterator[Sequence[Any]]:
    """`rows` as they come, refused past MAX_ROWS / MAX_LINES / MAX_CHARS / MAX_COLUMNS (see the
    module)."""
    filled = chars = 0
    for walked, row in enumerate(rows, start=1):
        if walked > MAX_LINES:
            raise SheetRefused(f"行数过多（含空行超过 {MAX_LINES} 行），请删除多余的空行或分批导入")
        if len(row) > MAX_COLUMNS:
            raise SheetRefused(f"第 {walked} 行列数过多（超过 {MAX_COLUMNS} 列），请删除多余的列或分隔符")
        try:  # a CSV row: all text, joined in C (this runs once per row of every import)
            text = "".join(row)
        except TypeError:  # an XLSX row: numbers, dates, empty cells
            text = "".join(str(value) for value in row if value is not None)
        chars += len(row) + len(text)  # each cell counts at least one, like a CSV separator
        if chars > MAX_CHARS:
            raise SheetRefused(f"内容过多（解压后超过 {MAX_CHARS // 1024 // 1024}M 个字符），{SPLIT}")
        if text.strip():
            filled += 1
            if filled > MAX_ROWS + 1:  # the heading is not a data row
                raise SheetRefused(f"行数过多（上限 {MAX_ROWS} 行数据），{SPLIT}")
        yield row


def _xlsx(content: bytes, preferred: str | None) -> Source:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
            unpacked = sum(member.file_size for member in members)
            strings = sum(m.file_size for m in members if m.filename.lower().endswith("sharedstrings.xml"))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise SheetRefused(DAMAGED_XLSX) from None
    if unpacked > MAX_UNPACKED:
        raise SheetRefused(f"Excel 文件解压后过大（超过 {MAX_UNPACKED // 1024 // 1024} MB），{SPLIT}")
    if strings > MAX_SHARED_STRINGS:
        raise SheetRefused(
            f"Excel 文件中的文字过多（解压后超过 {MAX_SHARED_STRINGS // 1024 // 1024} MB），{SPLIT}"
        )
    _refuse_unsized(content)
    try:
        book = _load(content, data_only=True)
    except _MissingSheet as missing:
        raise SheetRefused(
            f"Excel 文件已损坏或不完整：工作簿列出的工作表「{quoted(missing.title)}」"
            f"在文件中不存在。{REOPEN}",
            missing.title,
        ) from None
    except Exception:  # openpyxl raises many kinds for a damaged file
        raise SheetRefused(DAMAGED_XLSX) from None
    try:
        chosen, shown = _choose(book, preferred)
        if chosen is not None:
            _refuse_merged(content, chosen._worksheet_path, chosen.title)
            rows = _guarded(chosen.iter_rows(values_only=True), chosen.title)
            if _has_formulas(content):
                rows = _formulas_kept(content, chosen.title, rows)
            return Source(_closing(book, rows), chosen.title)
    except BaseException:
        book.close()
        raise
    book.close()
    if not shown:  # only chart sheets, or only hidden ones: "no data rows" would not say why
        raise SheetRefused(NO_WORKSHEET)
    return Source(iter(()), shown[0].title)


def _choose(book: Workbook, preferred: str | None) -> tuple[Any, list[Any]]:
    """The sheet to read (None: no visible sheet has a value) and the visible worksheets.

    Only the sheets Excel shows a tab for (`hidden` is unhidden from a menu, `veryHidden` only from
    the macro editor). The template's sheet (`preferred`) is read alone when it has a value: the
    other sheets may be notes. Otherwise the one sheet with data rows (a heading and a row below
    it) is read; a sheet of one line (a title, a note) is passed over, and two or more with data
    rows are refused naming them: reading one silently dropped the others' records. With none, the
    first sheet with a value is read (its heading is checked, then "no data rows")."""
    shown = [sheet for sheet in book.worksheets if sheet.sheet_state == "visible"]
    template = next((sheet for sheet in shown if sheet.title == preferred), None)
    if template is not None and _filled(template, 1):
        return template, shown
    with_data, first = [], None
    for sheet in shown:
        filled = _filled(sheet, 2)
        if filled and first is None:
            first = sheet
        if filled == 2:
            with_data.append(sheet.title)
    if len(with_data) > 1:
        named = "".join(f"「{quoted(title)}」" for title in with_data[:5]) + (
            "等" if len(with_data) > 5 else ""
        )
        rename = f"，或将要导入的工作表命名为「{preferred}」" if preferred else ""
        raise SheetRefused(
            f"工作簿中有多个含数据的工作表{named}：每次只导入一个工作表。请把记录合并到一个工作表，"
            f"或每个工作表单独保存为一个文件后分别上传{rename}"
        )
    if with_data:
        return next(sheet for sheet in shown if sheet.title == with_data[0]), shown
    return first, shown


def _filled(sheet: Any, enough: int) -> int:
    """How many rows of `sheet` have a value, counted up to `enough` (walks no further; bounded)."""
    sheet.reset_dimensions()  # a forged <dimension> would pad every row to 16,384 cells
    probe = sheet.iter_rows(values_only=True)
    count = 0
    try:
        for row in _bounded(_guarded(probe, sheet.title)):
            if any(v is not None and str(v).strip() for v in row):
                count += 1
                if count >= enough:
                    break
    except SheetRefused as refused:  # a bound passed walking blank rows: this sheet's
        refused.sheet = refused.sheet or sheet.title
        raise
    finally:
        probe.close()  # a generator: closes the sheet's part
    return count


class _MissingSheet(Exception):
    """A sheet the workbook lists whose part is not in the zip: openpyxl passes over it silently, so
    the template's 补录台账 missing from a damaged file was read from the sheet after it."""

    def __init__(self, title: str) -> None:
        super().__init__(title)
        self.title = title


class _WorksheetsOnly(ExcelReader):  # type: ignore[misc]
    """openpyxl's reader, but a chart sheet is taken by its title only, its chart never parsed: an
    import reads worksheets, and openpyxl fails on a chart sheet without a drawing (an AttributeError
    of its own) or with a chart it cannot parse, so a workbook whose first tab is a chart was refused
    as unreadable. The sheet is kept as a blank chart sheet so the sheets' indexes (defined names
    refer to a sheet by index) stay as in the file."""

    def read_worksheets(self) -> None:
        for sheet, rel in self.parser.find_sheets():
            if rel.target not in self.valid_files:
                raise _MissingSheet(sheet.name)
        super().read_worksheets()

    def read_chartsheet(self, sheet: Any, rel: Any) -> None:
        self.wb._add_sheet(Chartsheet(parent=self.wb, title=sheet.name, sheet_state=sheet.state or "visible"))


def _load(content: bytes, data_only: bool) -> Workbook:
    """The workbook, read only (`openpyxl.load_workbook`, with chart sheets left unparsed)."""
    reader = _WorksheetsOnly(io.BytesIO(content), read_only=True, data_only=data_only)
    reader.read()
    book: Workbook = reader.wb
    return book


def _refuse_unsized(content: bytes) -> None:
    """The openpyxl reader parses a worksheet without a <dimension> element whole when it opens the workbook,
    before a single row is read (seconds per hundred megabytes, unbounded by the row bounds). Excel,
    WPS and LibreOffice always write one; a large sheet without one is refused."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for member in archive.infolist():
            if not member.filename.startswith("xl/worksheets/") or member.file_size <= MAX_UNSIZED:
                continue
            try:
                with archive.open(member) as part:
                    head = part.read(_HEAD)
            except (zipfile.BadZipFile, ValueError, OSError, EOFError):
                raise SheetRefused(DAMAGED_XLSX) from None
            if not _DIMENSION.search(head):
                raise SheetRefused(
                    f"Excel 工作表缺少表格范围信息且解压后超过 {MAX_UNSIZED // 1024 // 1024} MB，"
                    "请用 Excel 打开后另存为 .xlsx 再上传，或分批导入"
                )


_MERGED = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Za-z]+[0-9]+(?::[A-Za-z]+[0-9]+)?)"')


def _refuse_merged(content: bytes, path: str, title: str) -> None:
    """A sheet with merged cells is refused naming them: a merged range keeps its value in its
    first cell only and reads as blank in the others, so a 村代码 or 单位名称 merged over the rows of
    one village or unit was read as missing on every row but the first (a refusal saying the cell is
    empty, which it is not on screen), and an optional column (协办单位, 备注) was dropped silently."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        try:
            with archive.open(path.lstrip("/")) as part:
                data = part.read()  # the part's size is bounded (MAX_UNPACKED) before the workbook opens
        except (KeyError, zipfile.BadZipFile, ValueError, OSError, EOFError):
            return  # the reader itself answers for a part it cannot open
    if b"mergeCell" not in data:
        return
    found = {r.decode() for r in _MERGED.findall(data)}
    ranges = sorted(
        (r for r in found if ":" in r and len(set(r.upper().split(":"))) == 2), key=_reading_order
    )
    if ranges:
        shown = "、".join(ranges[:5]) + ("等" if len(ranges) > 5 else "")
        raise SheetRefused(
            f"工作表「{quoted(title)}」有合并单元格（{shown}）：合并后只有第一格有内容，其余各格会被当作空白。"
            "请取消合并、在每一格填写后重新上传",
            title,
        )


def _reading_order(cells: str) -> tuple[int, int, str]:
    """`B3:C4` by its first cell as the sheet is read: row, then column (A… before AA…)."""
    first = cells.split(":")[0]
    column = first.rstrip("0123456789")
    return int(first[len(column) :]), len(column), column.upper()


_FORMULA = re.compile(rb"<(\w+:)?f[ >/]")


def _has_formulas(content: bytes) -> bool:
    """Whether any worksheet part holds a formula element (rare in an import: only then is the
    sheet read a second time, for the formulas without a saved result)."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for member in archive.infolist():
            if member.filename.startswith("xl/worksheets/") and member.filename.endswith(".xml"):
                with archive.open(member) as part:
                    if _FORMULA.search(part.read()):
                        return True
    return False


def _formulas_kept(content: bytes, title: str, rows: Iterator[Sequence[Any]]) -> Iterator[Sequence[Any]]:
    """`rows` (saved results) with each empty cell that holds a formula given as that formula
    (`sheet_cells.FormulaWithoutValue`), so the cell is refused saying so, not 不能为空."""
    book = _load(content, data_only=False)
    try:
        sheet = book[title]
        sheet.reset_dimensions()
        for row, formulas in zip(rows, _guarded(sheet.iter_rows(values_only=True), title), strict=False):
            pairs = list(zip(row, formulas, strict=False))
            if any(_unsaved(v, f) for v, f in pairs):
                yield [FormulaWithoutValue(f) if _unsaved(v, f) else v for v, f in pairs] + list(
                    row[len(pairs) :]
                )
            else:
                yield row
    finally:
        book.close()


def _unsaved(value: Any, formula: Any) -> bool:
    return value is None and isinstance(formula, str) and formula.startswith("=")


def _closing(book: Any, rows: Iterator[Sequence[Any]]) -> Iterator[Sequence[Any]]:
    """`rows`, bounded, then the book closed. A refusal raised here needs no sheet of its own: the
    source is open, and its reader (`spreadsheets.read_sheet`) has named the sheet already."""
    try:
        yield from _bounded(rows)
    finally:
        book.close()


def _guarded(rows: Iterator[Sequence[Any]], title: str) -> Iterator[Sequence[Any]]:
    """A damaged sheet inside a readable zip fails while its rows are parsed: a file-level refusal
    naming the sheet (`title`)."""
    try:
        yield from rows
    except SheetRefused as refused:
        refused.sheet = refused.sheet or title
        raise
    except Exception:
        raise SheetRefused(DAMAGED_XLSX, title) from None


# Byte-order marks that name an encoding other than the two tried below: Excel's "Unicode 文本
# (*.txt)" and Notepad's "Unicode" are UTF-16 LE with its mark (longest mark first: UTF-32 LE's
# begins with UTF-16 LE's).
_TEXT_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
SAVE_UTF8 = "请另存为“CSV UTF-8（逗号分隔）”或 .xlsx 后重新上传"


def _decoded(content: bytes) -> str:
    """The text of a CSV: by its byte-order mark when it has one, else UTF-8, else GB18030."""
    for bom, encoding in _TEXT_BOMS:
        if content.startswith(bom):
            try:
                # a file saved with a mark, then converted, keeps its old mark as a character behind
                # the new one, glued to the first heading as below
                return content[len(bom) :].decode(encoding).removeprefix("\ufeff")
            except UnicodeDecodeError:
                named = encoding[:6].upper()
                raise SheetRefused(
                    f"文件以 {named} 编码标记开头，但内容无法按该编码读取（文件可能不完整）。{SAVE_UTF8}"
                ) from None
    unmarked = _utf16_unmarked(content[:4096])
    if unmarked is not None:
        try:
            return content.decode(unmarked)
        except UnicodeDecodeError:
            pass  # not UTF-16 after all: the NUL characters are refused by their cells
    for encoding in ("utf-8-sig", "gb18030"):  # Excel in China saves CSV as GB18030 unless told otherwise
        try:
            # GB18030 has a byte-order mark of its own (84 31 95 33), which some editors write: it
            # decodes to U+FEFF, glued to the first heading (代码 was then a missing column)
            return content.decode(encoding).removeprefix("\ufeff")
        except UnicodeDecodeError:
            continue
    raise SheetRefused(f"无法识别文件编码。{SAVE_UTF8}")


def _utf16_unmarked(head: bytes) -> str | None:
    """UTF-16 without a byte-order mark (some programs' "Unicode" export), told by its zero bytes: every
    ASCII character (digits, commas, line ends) has one, on one side of each byte pair. The other
    side has a few too: a Chinese character whose code point ends in 00 (一 U+4E00, 开 U+5F00 of the
    heading 开始时间). UTF-8 and GB18030 text has none; a stray one (a NUL in a cell, refused there)
    is not that many. Then the head must decode (but a pair cut at its end) and hold a separator
    or a line end."""
    if len(head) % 2:
        head = head[:-1]
    odd, even = head[1::2].count(0), head[0::2].count(0)
    if max(odd, even) < max(4, len(head) // 10) or 4 * min(odd, even) > max(odd, even):
        return None
    encoding = "utf-16-le" if odd > even else "utf-16-be"
    try:
        text = codecs.getincrementaldecoder(encoding)().decode(head)
    except UnicodeDecodeError:
        return None
    return encoding if any(mark in text for mark in ",\t;\n\r") else None


def _delimiter(text: str) -> str:
    """The separator of a CSV, from its header line: a comma if it has one; else a tab (Excel's
    "Unicode 文本" and "文本文件（制表符分隔）") or a semicolon (Excel's CSV where the decimal mark
    is a comma). Read with commas, such a header was one unknown heading holding every column."""
    header = text[: min((i for i in (text.find("\n"), text.find("\r")) if i >= 0), default=len(text))]
    if "," in header:
        return ","
    if "\t" in header:
        return "\t"
    return ";" if ";" in header else ","


def _csv(content: bytes, max_bytes: int) -> Iterator[list[str]]:
    text = _decoded(content)
    delimiter = _delimiter(text)
    # The csv module refuses fields over 131,072 characters by default: let the per-cell check
    # answer instead, by row and column (a field can never exceed the upload itself).
    csv.field_size_limit(max(csv.field_size_limit(), max_bytes))
    # newline="": lines end at CR LF, LF or a lone CR (Excel on old Macs), and a line break inside
    # a quoted cell stays part of the cell.
    if '"' not in text:  # no quote, no quoting to check: the C reader alone (most files)
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        try:
            yield from reader
        except csv.Error as exc:
            raise SheetRefused(_csv_reason(str(exc), reader.line_num)) from None
        return
    yield from _quoted_csv(text, delimiter)


def _quoted_csv(text: str, delimiter: str) -> Iterator[list[str]]:
    """The records of a CSV that has double quotes, each checked for quotes that do not pair
    (`BrokenRow`). The reader is strict, so that a quote never closed or closed before more text
    stops it (the lenient one read on, folding the rest into the cell); a quote inside an unquoted
    cell, which even the strict reader takes as text, is found in the record's own lines."""
    taken: list[str] = []  # the physical lines of the record being read

    def lines() -> Iterator[str]:
        for line in io.StringIO(text, newline=""):
            taken.append(line)
            yield line

    reader = csv.reader(lines(), strict=True, delimiter=delimiter)
    while True:
        try:
            for row in reader:  # the reader pulls a record's lines only, never one more
                found = (
                    _quote_problem("".join(taken), delimiter) if len(taken) > 1 or '"' in taken[0] else None
                )
                taken.clear()
                yield row if found is None else _broken(found, delimiter)
            return
        except csv.Error as exc:  # the reader goes on from the next line
            found = _quote_problem("".join(taken), delimiter)
            if found is None:
                raise SheetRefused(_csv_reason(str(exc), reader.line_num)) from None
            taken.clear()
            yield _broken(found, delimiter)


UNCLOSED_QUOTE = (
    "引号未闭合：该单元格以英文双引号开头，却没有结束的双引号，其后的内容（包括后面各行）都会被读成这一格。"
    "请补上结束的双引号，或删去开头的双引号"
)
TEXT_AFTER_QUOTE = (
    '结束的双引号后还有内容（如 "甲"乙）：加了引号的单元格，引号内的双引号须写成两个（""），'
    "结束的双引号后只能是逗号或换行"
)
STRAY_QUOTE = (
    "单元格中间有双引号：未加引号的单元格中不能出现双引号（逗号后的空格也算单元格内容）。请将整格用双引号括起、"
    '其中的双引号写成两个（""），或用 Excel 另存为 CSV'
)
_QUOTED = re.compile(r'"[^"]*(?:""[^"]*)*"')  # a quoted cell: its own quotes doubled


@functools.cache
def _patterns(delimiter: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """What ends an unquoted cell or has no place in it, and a record whose quotes pair, whole."""
    d = re.escape(delimiter)
    cell = rf'(?:"[^"]*(?:""[^"]*)*"|[^{d}"\r\n]*)'
    return re.compile(rf'[{d}"\r\n]'), re.compile(rf"{cell}(?:{d}{cell})*(?:\r\n|\n|\r)?")


_Found = tuple[int, int, str, str]  # (column index, where the cell starts, reason, the record)


def _quote_problem(record: str, delimiter: str) -> _Found | None:
    """The first cell of `record` (its raw lines) whose quotes do not pair as a CSV's must, or None."""
    special_of, whole = _patterns(delimiter)
    if whole.fullmatch(record):  # the usual case in one call: the cells are walked only when not
        return None
    at, column, end = 0, 0, len(record)
    while True:
        start = at
        if record.startswith('"', at):
            quoted = _QUOTED.match(record, at)
            if quoted is None:
                return column, start, UNCLOSED_QUOTE, record
            at = quoted.end()
            if at < end and record[at] not in (delimiter, "\r", "\n"):
                # closed and followed by text: a quote left open that a later line's quote "closed"
                # (the cell then spans lines), or text after a closed quote on one line
                spans = "\n" in quoted.group() or "\r" in quoted.group()
                return column, start, UNCLOSED_QUOTE if spans else TEXT_AFTER_QUOTE, record
        else:
            special = special_of.search(record, at)
            at = special.start() if special else end
            if at < end and record[at] == '"':
                return column, start, STRAY_QUOTE, record
        if at >= end or record[at] != delimiter:
            return None
        at, column = at + 1, column + 1


_SEPARATOR_NAME = {",": "逗号", "\t": "制表符（Tab）", ";": "分号"}


def _broken(found: _Found, delimiter: str) -> BrokenRow:
    """The refused record: the cells before the broken one as read, then the rest as it was written.
    Its reason names the file's own separator (a tab-separated file's cells end at a tab)."""
    column, start, reason, record = found
    before = next(csv.reader(io.StringIO(record[:start], newline=""), strict=True, delimiter=delimiter), [])
    before = before[:column]
    reason = reason.replace("逗号", _SEPARATOR_NAME.get(delimiter, f"「{delimiter}」"))
    return BrokenRow([*before, record[start:]], column, reason)


def _csv_reason(error: str, line: int) -> str:
    """The csv module's English error as a Chinese reason (the whole file is refused)."""
    where = f"第 {line} 行附近" if line else "文件中"
    if "end of data" in error or "quote" in error:
        what = "引号不成对（某个单元格以双引号开头却没有结束的双引号）"
    elif "new-line" in error or "newline" in error:
        what = "换行符异常（未加引号的单元格中出现了换行）"
    elif "field larger" in error:
        what = "单元格内容过长"
    elif "NUL" in error or "null" in error:
        what = "含有不可见的空字符（NUL）"
    else:
        what = "无法按 CSV 格式解析"
    return f"CSV 文件格式有误：{where}{what}。请用 Excel 打开后另存为 CSV（逗号分隔）或 XLSX 后重新上传"
