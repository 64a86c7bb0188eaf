"""An XLSX date or time cell is read to the whole second Excel shows it at.

Excel keeps a moment as a fraction of a day, a float: a time typed 10:00 and then computed
(`=A2+1/24`, a fill-down, a time pasted from another program) comes back through openpyxl as
09:59:59.999. The reader kept that fraction: the visit was stored ending at 09:59:59.999, counted
3,599 s (each visit cut by its own truncation before the totals were added up), and a date cell of
2026-04-01 that held 2026-03-31 23:59:59.999 was read as 31 March, in the quarter before. A time a
caller types with a fraction is refused (`vc_contracts.base.whole_seconds_text`); a cell's fraction
is no one's typing but the float's, so it is rounded to the second the sheet displays.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
from eventkit.sheet_cells import Kind, cell_text

CELLS = [  # given a cell as openpyxl reads it, when read as `kind`, then this text
    (datetime(2026, 5, 5, 9, 59, 59, 999000), Kind.datetime, "2026-05-05T10:00:00+08:00"),  # noqa: DTZ001
    (datetime(2026, 5, 5, 10, 0, 0, 1000), Kind.datetime, "2026-05-05T10:00:00+08:00"),  # noqa: DTZ001
    (datetime(2026, 3, 31, 23, 59, 59, 999000), Kind.datetime, "2026-04-01T00:00:00+08:00"),  # noqa: DTZ001
    (datetime(2026, 5, 5, 9, 0, 0, 499000), Kind.datetime, "2026-05-05T09:00:00+08:00"),  # noqa: DTZ001
    (datetime(2026, 5, 5, 9, 0, 0, 500000), Kind.datetime, "2026-05-05T09:00:01+08:00"),  # noqa: DTZ001
    (datetime(2026, 3, 31, 23, 59, 59, 999000), Kind.date, "2026-04-01"),  # noqa: DTZ001
    (datetime(2026, 3, 31, 23, 59, 59, 999000), Kind.text, "2026-04-01"),  # noqa: DTZ001
    (datetime(2026, 5, 5, 9, 29, 59, 999000), Kind.text, "2026-05-05 09:30:00"),  # noqa: DTZ001
    (datetime(2026, 5, 5, 9, 30), Kind.datetime, "2026-05-05T09:30:00+08:00"),  # noqa: DTZ001
    (date(2026, 5, 5), Kind.datetime, "2026-05-05T00:00:00+08:00"),
]


@pytest.mark.parametrize(("cell", "kind", "text"), CELLS)
def test_a_sheet_moment_is_read_to_the_whole_second_excel_shows(cell: object, kind: Kind, text: str) -> None:
    assert cell_text(cell, kind) == text


def test_the_last_moment_a_cell_can_hold_is_refused_for_its_year_not_a_500() -> None:
    with pytest.raises(ValueError, match="9999"):
        cell_text(datetime(9999, 12, 31, 23, 59, 59, 999999), Kind.datetime)  # noqa: DTZ001
