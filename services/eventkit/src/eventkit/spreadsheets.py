"""Reading an uploaded sheet for a bulk import (every import of every service uses this one reader).

Formats: CSV in UTF-8 (with or without BOM), GB18030 (Excel's "CSV" on Chinese Windows) or UTF-16
by its BOM (Excel's "Unicode 文本"), separated by commas, tabs or semicolons, lines ending in CR LF,
LF or CR alone (Excel on old Macs), or XLSX (the sheet the caller's template titles, else the one
visible worksheet with data rows — two are refused naming them —, else the first visible one with a
value: a hidden sheet is never read; `Sheet.name`). A file that only claims to be a sheet (an HTML
table named .xls, a PDF, an ODS) is refused naming what it is (`sheet_kinds`).
The heading is row 1; rows keep the spreadsheet's numbers (a CSV row broken over lines by a quoted
line break is one row). A CSV whose double quotes do not pair (never closed, text after the closing
one, a quote inside an unquoted cell) is refused by the row and the column where the quote opens
(`sheet_sources.BrokenRow`); the row is not checked further (its later cells cannot be told
apart). Rows are streamed and bounded (see `sheet_sources`); a file with no data row below the
heading is refused, naming the sheet read. Every refusal of an XLSX import names the sheet read
(`Problems.sheet`: the answer's `sheet` and its message), whoever raises it.

Headings: each import names its columns (`Column`: a name and aliases); a heading is matched
ignoring spaces, case and full-width forms. A `序号` column (row numbers) is ignored. Two headings
that mean the same column (开始时间 and 日期, or one heading twice) are refused, naming both:
taking either silently has stored wrong values.

Cells: text is stripped; identifier cells (codes, numbers, phones, ids) are read by the API's
rule (`vc_contracts.codes.ascii_digits`: full-width digits become ASCII); NUL and other control
characters, and cells of Excel's own limit (32,767 characters: an XLSX cell comes cut to it) or
longer, are refused by row and column; so is a value in a column without a heading (right of the
header, or under a blank heading cell), naming the column's letter: it would be dropped silently.
Identifier columns refuse numbers Excel cannot hold exactly (more than 15 digits, or not a whole
number), asking for a text-formatted column. Date columns accept the forms Excel writes on
Chinese Windows (2026/12/1, 2026年12月1日, 2026-12-01, date cells) and give ISO dates; date-time
columns also take a time (2026/12/1 9:30, an ISO time with offset, date-time cells) and give ISO
times in China Standard Time.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from openpyxl.utils import get_column_letter
from vc_contracts.text import printable_invisible, quoted

from eventkit import sheet_cells, sheet_sources
from eventkit.import_errors import Problems
from eventkit.settings import MAX_UPLOAD_BYTES
from eventkit.sheet_cells import Kind

__all__ = ["MAX_BYTES", "Column", "Kind", "Sheet", "read_sheet"]

MAX_BYTES = MAX_UPLOAD_BYTES  # the one upload cap of every import (the edge answers 413 above it)
ROW_NUMBERS = {"序号", "行号", "no.", "no"}  # headings of a row-number column: ignored


@dataclass(frozen=True)
class Column:
    """A column an import reads: its field name, the headings people write for it, its kind."""

    name: str  # the import's field name; also accepted as a heading
    aliases: tuple[str, ...] = ()  # headings as people write them; the first names the column
    kind: Kind = Kind.text
    required: bool = False

    @property
    def label(self) -> str:
        return self.aliases[0] if self.aliases else self.name


@dataclass(frozen=True)
class Sheet:
    """A read sheet: the headings found, the good rows by row number, the count and the cell problems."""

    headers: dict[str, str]  # column name -> heading as written in the file
    rows: list[tuple[int, dict[str, str]]]  # (row number, column name -> non-empty value), good rows
    count: int  # non-empty data rows, including those refused in `problems`
    problems: Problems  # cell problems by row; the caller adds its own and raises at the end
    # Rows with a cell refused while read, with their other cells: the caller checks them too, so
    # that every problem of a row is answered at once (not one upload per problem), and never
    # imports them (the file is refused anyway). The refused cell is not refused again as missing
    # (`Problems.add_unreadable`).
    partial: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    name: str | None = None  # the worksheet read (None for CSV)

    def named(self) -> dict[str, str]:
        """`{"sheet": name}` for an import's answer from an XLSX (a workbook has several sheets: the
        answer says which one was read); nothing for a CSV, which has one."""
        return {"sheet": self.name} if self.name is not None else {}


def read_sheet(
    content: bytes,
    columns: Sequence[Column],
    unknown: Literal["ignore", "refuse"] = "ignore",
    sheet: str | None = None,
    first_line: int = 2,
) -> Sheet:
    """Rows keyed by column name. Raises ImportRejectedError for a file or heading problem, and for a
    file without data rows (an import of nothing is a mistake, not a success).

    `sheet`: the title of the worksheet the import's template writes rows to (read first when the
    workbook has it visible); otherwise the first visible sheet with any value is read.
    `first_line`: the number of the first row below the heading (2; a later half of a file,
    `sheet_sources.csv_halves`, starts further down).

    Rows are streamed from the file and bounded (`sheet_sources`: MAX_ROWS, MAX_CHARS...): a file
    that unpacks to more is refused part-way. CPU-bound (a large file takes seconds): call it in a
    worker thread (`asyncio.to_thread`).
    """
    problems = Problems(labels={c.name: c.label for c in columns})
    if not content.strip():
        problems.add_file("文件为空：第 1 行应为表头")
    elif len(content) > MAX_BYTES:
        problems.add_file(f"文件过大（上限 {MAX_BYTES // 1024 // 1024} MB），{sheet_sources.SPLIT}")
    problems.raise_if_any()
    try:
        source = sheet_sources.open_rows(content, MAX_BYTES, sheet)
        problems.sheet = source.sheet  # every refusal of the import names it (`Problems.sheet`)
        read = replace(_read(source.rows, columns, unknown, problems, first_line), name=source.sheet)
    except sheet_sources.SheetRefused as refused:
        problems.found.clear()  # cell problems of a file refused as a whole would only distract
        problems.sheet = refused.sheet or problems.sheet
        problems.add_file(str(refused))
        problems.raise_if_any()
        raise  # unreachable: raise_if_any raised
    if read.count == 0 and not problems:
        named = f"工作表「{quoted(source.sheet)}」" if source.sheet else "文件"
        problems.add_file(f"{named}没有数据行：第 1 行应为表头，第 2 行起每行一条记录")
        problems.raise_if_any()
    return read  # with its cell problems: the caller adds its own and raises once


def _read(
    rows: Iterator[Sequence[Any]],
    columns: Sequence[Column],
    unknown: str,
    problems: Problems,
    first_line: int = 2,
) -> Sheet:
    header = next(rows, None)
    if header is None:  # no row at all (an empty sheet): answered as "no data rows" by the caller
        return Sheet({}, [], 0, problems)
    positions = _headings(header, columns, unknown, problems)
    problems.raise_if_any()
    kinds = {c.name: c.kind for c in columns}
    wanted = [(name, index, kinds[name]) for name, index in positions.items()]
    # Columns with no heading: the header's blank cells, and every column right of the header. A
    # value there would be dropped without a word (as an unknown heading would, which is refused).
    headed = len(header)
    blank = [i for i, cell in enumerate(header) if _empty(cell)]
    good: list[tuple[int, dict[str, str]]] = []
    partial: list[tuple[int, dict[str, str]]] = []
    count = 0
    # This loop runs once per cell of every import. A text cell (every CSV cell) of the usual
    # kind is read here without a call: `sheet_cells.cell_text` would give the same text (its
    # property test: tests/unit/test_sheet_cells_fast.py); any other cell goes to `cell_text`.
    text_kind, identifier_kind, cap = Kind.text, Kind.identifier, sheet_cells.MAX_CELL
    scientific, read_before = sheet_cells.SCIENTIFIC.match, sheet_cells.READ_BEFORE
    for number, cells in enumerate(rows, start=first_line):
        if type(cells) is sheet_sources.BrokenRow:  # refused whole: its later cells cannot be told apart
            _broken(problems, number, cells, header, positions)
            count += 1
            continue
        values: dict[str, str] = {}
        refused = False
        width = len(cells)
        for name, index, kind in wanted:
            value = cells[index] if index < width else None
            if value is None or value == "":  # an empty cell (most cells of a sparse sheet)
                continue
            if type(value) is str:
                text = value.strip()
                if not text:
                    continue
                # printable, no filler: no control or invisible character (`cell_text`'s checks);
                # ASCII: `ascii_digits` gives it back as it is; a date-time text read before gives
                # the text it gave then; a cell at Excel's limit may have been cut short:
                # `cell_text` answers it
                if (
                    len(text) < cap
                    and text.isprintable()
                    and (text.isascii() or not printable_invisible(text))
                ):
                    if kind is text_kind or (
                        kind is identifier_kind
                        and text.isascii()
                        and (("e" not in text and "E" not in text) or not scientific(text))
                    ):
                        values[name] = text
                        continue
                    found = read_before[kind].get(text)
                    if found is not None:
                        values[name] = found
                        continue
            try:
                text = sheet_cells.cell_text(value, kind)
            except ValueError as exc:
                problems.add_unreadable(number, name, str(exc))
                refused = True
                continue
            if text:
                values[name] = text
        if width > headed or blank:
            for index in [*(i for i in blank if i < width), *range(headed, width)]:
                if not _empty(cells[index]):
                    _headless(problems, number, index)
                    refused = True
        if values or refused:
            count += 1
            (partial if refused else good).append((number, values))
    return Sheet(problems.headers, good, count, problems, partial)


def _broken(
    problems: Problems, number: int, row: Any, header: Sequence[Any], positions: dict[str, int]
) -> None:
    """A CSV row whose quotes do not pair (`sheet_sources.BrokenRow`), named by the column where the
    quote opens: the import's column, else the heading as written, else the column's letter."""
    named = next((name for name, index in positions.items() if index == row.column), None)
    if named is None:
        heading = header[row.column] if row.column < len(header) else None
        letter = get_column_letter(row.column + 1)
        named = f"column_{letter}"
        problems.labels[named] = str(heading).strip() if not _empty(heading) else f"第 {letter} 列"
    problems.add_unreadable(number, named, row.reason)


def _empty(cell: Any) -> bool:
    """No value (a trailing comma, an XLSX cell with only formatting) or only spaces."""
    return cell is None or (type(cell) is str and not cell.strip())


def _headless(problems: Problems, number: int, index: int) -> None:
    """A value in a column without a heading: a problem of its row, naming the column's letter."""
    letter = get_column_letter(index + 1)
    column = f"column_{letter}"
    problems.labels[column] = f"第 {letter} 列"
    problems.add_unreadable(
        number, column, f"第 {letter} 列没有表头，该单元格的内容不会被导入：请补上表头或删除该单元格"
    )


def _norm(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split()).lower()


def _headings(
    header: Sequence[Any], columns: Sequence[Column], unknown: str, problems: Problems
) -> dict[str, int]:
    if type(header) is sheet_sources.BrokenRow:  # quotes that do not pair: no heading can be told apart
        _broken(problems, 1, header, [], {})
        return {}
    lookup = {_norm(alias): c for c in columns for alias in (c.name, *c.aliases)}
    positions: dict[str, int] = {}
    for index, cell in enumerate(header):
        text = str(cell if cell is not None else "").strip()
        if not text or _norm(text) in ROW_NUMBERS:
            continue
        column = lookup.get(_norm(text))
        if column is None:
            if unknown == "refuse":
                known, shown = "、".join(c.label for c in columns), quoted(text)
                problems.add(1, shown, f"无法识别的表头「{shown}」，可用的列：{known}")
            continue
        if column.name in positions:
            first = positions[column.name]
            problems.add(
                1, column.name,
                f"第 {get_column_letter(first + 1)} 列「{problems.headers[column.name]}」与第 "
                f"{get_column_letter(index + 1)} 列「{text}」都表示“{column.label}”，无法确定用哪一列，"
                "请只保留其中一列",
            )  # fmt: skip
            continue
        positions[column.name], problems.headers[column.name] = index, text
    for column in columns:
        if column.required and column.name not in positions:
            also = f"（也可写作：{'、'.join(column.aliases)}）" if column.aliases else ""
            problems.add(1, column.name, f"缺少必需的列“{column.label}”{also}")
    return positions
