"""The columns of a backfill file (CSV or XLSX), read by the runtime's one spreadsheet reader.

Headings may be Chinese (as in the template and the exports) or the API's field names; a heading
the ledger does not know is refused (a typo would otherwise drop a column silently). The start may
be headed 开始时间, 发生时间, 日期 or 时间; two of them in one file are refused, naming both.
"""

from __future__ import annotations

from eventkit.spreadsheets import Column, Kind, Sheet, read_sheet

from ledger.domain.kinds import FIELD_LABEL

_ALSO = {
    "started_at": ("发生时间", "日期", "时间", "occurred_at"),
    "village_code": ("村（居）代码", "村居代码"),
    "advisor_id": ("顾问编号",),
    "summary": ("工作内容",),
}
_KINDS = {
    "started_at": Kind.datetime,
    "ended_at": Kind.datetime,
    "village_code": Kind.identifier,
    "advisor_id": Kind.identifier,
    "client_entry_id": Kind.identifier,
}
IMPORT_FIELDS = set(FIELD_LABEL) - {"entry_id", "unit_id", "hours", "occurred_at"}
COLUMNS = tuple(
    Column(field, (label, *_ALSO.get(field, ())), _KINDS.get(field, Kind.text))
    for field, label in FIELD_LABEL.items()
    if field in IMPORT_FIELDS
)


# The title of the template's sheet of rows (`adapters.import_template`): an XLSX is read from it
# when it is there and visible, whatever its place, else from the first visible sheet with values.
SHEET = "补录台账"


def read_upload(content: bytes, first_line: int = 2) -> Sheet:
    """The file's rows by field name; raises ImportRejectedError for a file or heading problem.
    `first_line`: the number of its first row below the heading (`import_halves`: a later half)."""
    return read_sheet(content, COLUMNS, unknown="refuse", sheet=SHEET, first_line=first_line)
