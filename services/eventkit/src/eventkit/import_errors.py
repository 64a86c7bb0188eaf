"""The one answer to a refused bulk import (every service): 422 `import_rejected`, nothing written.

Each entry of `errors` names the spreadsheet row (the heading is row 1; 0 for the file as a whole),
the column as headed in the file, a `field` path `rows[<row>].<column name>` and a reason that
starts with the row and column, so a list of reasons reads on its own. The refusal of an XLSX
import also names the worksheet read, `sheet` (a workbook has several: the rows and columns are
that sheet's), and its message says it (工作表「补录台账」中发现 …); a CSV's has no `sheet`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError
from vc_contracts.text import quoted

from eventkit.errors import AppError, ErrorBody, FieldError
from eventkit.reasons import reason_for

MAX_REPORTED = 1000  # errors listed in one answer; the message says how many there were


class RowProblem(FieldError):
    """A problem of one cell: its row (the heading is row 1; 0: the file as a whole), its column heading."""

    row: int
    column: str


class ImportErrorBody(ErrorBody):
    """The `import_rejected` body: the error format with every cell problem in `errors`."""

    errors: list[RowProblem]  # type: ignore[assignment]


class SheetImportErrorBody(ImportErrorBody):
    """The `import_rejected` body of an XLSX import: also the worksheet the rows were read from."""

    sheet: str


class ImportRejectedError(AppError):
    """The file had problems; nothing was imported."""

    status, code = 422, "import_rejected"

    def __init__(self, problems: list[RowProblem], sheet: str | None = None) -> None:
        """`sheet`: the worksheet read (an XLSX import), None for a CSV or when none was read."""
        rows = len({p.row for p in problems if p.row})  # row 0 is the file as a whole, not a row
        more = f"（仅列出前 {MAX_REPORTED} 处）" if len(problems) > MAX_REPORTED else ""
        where = f"工作表「{quoted(sheet)}」中" if sheet is not None else ""
        touched = f"，涉及 {rows} 行" if rows else "（整个文件）"
        super().__init__(
            f"导入未执行，未写入任何记录：{where}发现 {len(problems)} 处错误{touched}{more}。"
            "请全部改正后重新上传",
            field=problems[0].field if problems else None,
        )
        self.problems = problems[:MAX_REPORTED]
        self.sheet = sheet

    def body(self, correlation_id: str | None) -> ErrorBody:
        shared: dict[str, Any] = {
            "code": self.code, "message": self.message, "field": self.field, "errors": self.problems,
            "correlation_id": correlation_id,
        }  # fmt: skip
        if self.sheet is None:  # a CSV's answer as it always was: no `sheet: null`
            return ImportErrorBody(**shared)
        return SheetImportErrorBody(**shared, sheet=self.sheet)


class Problems:
    """The problems of one file, each named by row and by the column as the file heads it.

    `headers`: column name -> heading as written; `labels`: column name -> how to name a column
    the file does not have (e.g. a missing required one). `sheet`: the worksheet of an XLSX the
    rows are read from, set by the reader (`spreadsheets.read_sheet`) once it knows it, so that the
    refusal names it whoever raises it (the reader, or the import after its own checks).
    """

    def __init__(self, headers: Mapping[str, str] | None = None, labels: Mapping[str, str] | None = None):
        self.headers = dict(headers or {})
        self.labels = {"row": "整行", "file": "文件"} | dict(labels or {})
        self.found: list[RowProblem] = []
        self._unreadable: set[tuple[int, str]] = set()  # (row, column) of cells refused while read
        self.sheet: str | None = None

    def __bool__(self) -> bool:
        return bool(self.found)

    def shown(self, column: str) -> str:
        return self.headers.get(column) or self.labels.get(column) or column

    def add(self, row: int, column: str, reason: str) -> None:
        """One problem of a cell; none more for a cell refused while read (`add_unreadable`): the
        row's model then finds the cell empty, and "required" would only repeat the first reason."""
        if (row, column) in self._unreadable:
            return
        shown = self.shown(column)
        where = f"第 {row} 行「{shown}」：" if row else ""
        self.found.append(
            RowProblem(field=f"rows[{row}].{column}" if row else column, reason=where + reason, row=row,
                       column=shown)
        )  # fmt: skip

    def add_unreadable(self, row: int, column: str, reason: str) -> None:
        """A cell the sheet reader refused (its text is unreadable as the column's kind)."""
        self.add(row, column, reason)
        self._unreadable.add((row, column))

    def add_file(self, reason: str) -> None:
        """A problem of the file as a whole (empty, unreadable, too large): row 0, column `file`."""
        self.add(0, "file", reason)

    def add_validation(
        self, row: int, error: ValidationError, hints: Mapping[str, str] | None = None, default: str = "row"
    ) -> None:
        """Every error of a model built from the row; a field the sheet has no column for → `default`."""
        for detail in error.errors():
            field = str(detail["loc"][0]) if detail["loc"] else ""
            column = field if field in self.headers or field in self.labels else default
            self.add(row, column, reason_for(detail, (hints or {}).get(field)))

    def add_refusal(
        self, row: int, error: AppError | ValidationError, columns: Mapping[str, str], default: str
    ) -> None:
        """A command of the row refused by the domain (AppError) or by an event model (ValidationError).

        `columns` maps the field a refusal names to the sheet's column; anything else → `default`.
        """
        if isinstance(error, ValidationError):
            for detail in error.errors():
                field = str(detail["loc"][0]) if detail["loc"] else ""
                self.add(row, columns.get(field, default), reason_for(detail))
        else:
            self.add(row, columns.get(error.field or "", default), error.message)

    def raise_if_any(self) -> None:
        if self.found:
            raise ImportRejectedError(sorted(self.found, key=lambda p: p.row), self.sheet)
