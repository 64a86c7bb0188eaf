"""The sheet reader's fast paths give what the general path gives, on any cell.

`spreadsheets._read` takes a usual text cell as it is, and a date or date-time text read before from
`sheet_cells.READ_BEFORE`; everything else goes to `sheet_cells.cell_text`. Property: on arbitrary
rows of text (any character, dates and times in every form the reader knows, near-misses of them),
the rows, the count and every problem (row, column, reason, in order) are those of calling
`cell_text` on each cell with nothing remembered, and stay so when the texts are read again.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventkit import sheet_cells
from eventkit.import_errors import Problems
from eventkit.sheet_cells import Kind, cell_text
from eventkit.spreadsheets import Column, _read
from hypothesis import given
from hypothesis import strategies as st

COLUMNS = (
    Column("code", ("代码",), Kind.identifier),
    Column("name", ("名称",)),
    Column("since", ("起始日期",), Kind.date),
    Column("start", ("开始时间",), Kind.datetime),
)
HEADER = [c.label for c in COLUMNS]

# Characters each step treats specially: spaces of every kind, controls, invisible characters (a
# printable Hangul filler, a direction override), full-width digits and
# forms, Excel's scientific notation, the separators of dates and times.
_SPECIAL = " \t\n\r\x00\x07\x7f\x85\xa0\u3000\u3164\u202e１２０ＡeE+-.:：/年月日时分T0123456789"
_DATES = st.builds(
    lambda y, mo, d, sep, clock: f"{y}{sep[0]}{mo}{sep[1]}{d}{sep[2]}{clock}",
    st.integers(1, 2300),
    st.integers(0, 13),
    st.integers(0, 32),
    st.sampled_from([("-", "-", ""), ("/", "/", ""), ("年", "月", "日"), (".", ".", ""), ("-", "-", "T")]),
    st.sampled_from(["", " 9:30", " 09:00", "T09:00:00+08:00", " 25:00", "T09:00:00Z", " 9时30分", "x"]),
)
_CELLS = st.one_of(
    st.just(""),
    st.text(alphabet=_SPECIAL, max_size=12),
    st.text(max_size=8),
    _DATES,
    _DATES.map(lambda text: f" {text}\t"),
    st.from_regex(r"[+-]?[0-9]{1,4}(\.[0-9]{1,3})?[eE][+-]?[0-9]{1,3}", fullmatch=True),
)
# no wider than the header: a cell with no heading is its own problem (tests/unit/test_spreadsheets.py)
_ROWS = st.lists(st.lists(_CELLS, min_size=0, max_size=len(COLUMNS)), min_size=1, max_size=8)


def _general(rows: Sequence[Sequence[Any]]) -> tuple[list[tuple[int, dict[str, str]]], int, list[Any]]:
    """The reader's answer built from `cell_text` alone, nothing remembered between cells."""
    problems, good, count = Problems(headers={c.name: c.label for c in COLUMNS}), [], 0
    for number, cells in enumerate(rows, start=2):
        values, refused = {}, False
        for index, column in enumerate(COLUMNS):
            value = cells[index] if index < len(cells) else None
            if value is None or value == "":
                continue
            for kept in sheet_cells.READ_BEFORE.values():
                kept.clear()
            try:
                text = cell_text(value, column.kind)
            except ValueError as exc:
                problems.add(number, column.name, str(exc))
                refused = True
                continue
            if text:
                values[column.name] = text
        if values or refused:
            count += 1
            if not refused:
                good.append((number, values))
    return good, count, problems.found


def _fast(rows: Sequence[Sequence[Any]]) -> tuple[list[tuple[int, dict[str, str]]], int, list[Any]]:
    problems = Problems(labels={c.name: c.label for c in COLUMNS})
    sheet = _read(iter([HEADER, *rows]), COLUMNS, "refuse", problems)
    return sheet.rows, sheet.count, problems.found


@given(_ROWS)
def test_the_fast_paths_read_every_cell_as_cell_text_does(rows: list[list[str]]) -> None:
    expected = _general(rows)
    assert _fast(rows) == expected  # texts not yet remembered: the general path fills the memo
    assert _fast(rows) == expected  # remembered: read from READ_BEFORE


def test_a_remembered_time_is_the_one_cell_text_gave() -> None:
    for kept in sheet_cells.READ_BEFORE.values():
        kept.clear()
    assert cell_text("2026/12/1 9:30", Kind.datetime) == "2026-12-01T09:30:00+08:00"
    assert sheet_cells.READ_BEFORE[Kind.datetime] == {"2026/12/1 9:30": "2026-12-01T09:30:00+08:00"}
    assert cell_text("2026年12月1日", Kind.date) == "2026-12-01"
    assert sheet_cells.READ_BEFORE[Kind.date] == {"2026年12月1日": "2026-12-01"}


def test_a_refused_time_is_not_remembered() -> None:
    for kept in sheet_cells.READ_BEFORE.values():
        kept.clear()
    for _ in range(2):
        try:
            cell_text("2026/13/1", Kind.datetime)
        except ValueError as exc:
            assert "无法识别的时间" in str(exc)
        else:
            raise AssertionError("a 13th month was read")
    assert sheet_cells.READ_BEFORE[Kind.datetime] == {}


def test_the_memory_is_bounded(monkeypatch: Any) -> None:
    monkeypatch.setattr(sheet_cells, "MEMO", 3)
    kept = sheet_cells.READ_BEFORE[Kind.date]
    kept.clear()
    for day in range(1, 11):
        assert cell_text(f"2026/12/{day}", Kind.date) == f"2026-12-{day:02d}"
        assert len(kept) <= 3
