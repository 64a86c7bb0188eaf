"""The answer to a refused import: every problem by row and column, in the one error format.

Each entry of `errors` carries, besides `field` ("row.<n>.<column>") and `reason`, the spreadsheet
row number (the header is row 1) and the column as headed in the file.
"""

from __future__ import annotations

from eventkit.errors import AppError, ErrorBody, FieldError
from pydantic import ValidationError

from registry.application.reasons import reason_for

MAX_REPORTED = 1000


class RowProblem(FieldError):
    row: int
    column: str


class ImportErrorBody(ErrorBody):
    errors: list[RowProblem]  # type: ignore[assignment]


class ImportRejectedError(AppError):
    """The file had problems; nothing was imported."""

    status, code = 422, "import_rejected"

    def __init__(self, problems: list[RowProblem]) -> None:
        rows = len({p.row for p in problems})
        super().__init__(
            f"导入未执行：发现 {len(problems)} 处错误，涉及 {rows} 行。"
            "请全部改正后重新导入，本次未导入任何数据",
            field=problems[0].field if problems else None,
        )
        self.problems = problems[:MAX_REPORTED]

    def body(self, correlation_id: str | None) -> ErrorBody:
        return ImportErrorBody(
            code=self.code,
            message=self.message,
            field=self.field,
            errors=self.problems,
            correlation_id=correlation_id,
        )


class Problems:
    """Collects the problems of a file, each named by row and column as the file heads it."""

    def __init__(self, headers: dict[str, str]) -> None:
        self.headers, self.found = headers, list[RowProblem]()

    def add(self, row: int, column: str, reason: str) -> None:
        shown = self.headers.get(column, column)
        self.found.append(RowProblem(field=f"row.{row}.{shown}", reason=reason, row=row, column=shown))

    def add_validation(self, row: int, error: ValidationError, hints: dict[str, str]) -> None:
        for detail in error.errors():
            column = str(detail["loc"][0]) if detail["loc"] else ""
            self.add(row, column, reason_for(detail, hints.get(column)))

    def raise_if_any(self) -> None:
        if self.found:
            raise ImportRejectedError(sorted(self.found, key=lambda p: p.row))
