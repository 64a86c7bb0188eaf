"""A date or time that fails to parse is explained in time linear in its length.

`vc_contracts.moment_text` (why a request body's or a cell's date is wrong) and `eventkit.sheet_cells`
(a cell's day and time in the forms people type) matched runs of blanks with adjacent `\\s*`, which
a regular expression tries in every split before it gives up: a cell `2026-01-01` followed by 1,000
blanks and one letter took 5 s (the split is cubic; a 32,767-character cell, hours), a body's
`started_at` `2026-01-01T09:00` with 30,000 blanks 6 s (quadratic; a 1 MiB body, half an hour), the
service's event loop held all the while (the `re` module keeps the GIL).
"""

from __future__ import annotations

import contextlib
import time

import pytest
from eventkit.sheet_cells import Kind, cell_text
from vc_contracts.moment_text import moment_reason

BLANKS = 200_000
CELL_BLANKS = 30_000  # a cell holds at most 32,767 characters
# a bound on a hang, not a measure of speed: linear matching takes milliseconds, the backtracking
# patterns took minutes on these lengths (quadratic for a body, cubic for a cell)
BOUND_S = 10.0


def _timed(call: object) -> float:
    started = time.perf_counter()
    with contextlib.suppress(ValueError):
        call()  # type: ignore[operator]
    return time.perf_counter() - started


@pytest.mark.parametrize(
    "text",
    [
        "2026-01-01T09:00" + " " * BLANKS + "x",
        "2026-01-01T09:00:00" + " " * BLANKS + "x",
        "2026-01-01T09:00:00+08:00" + " " * BLANKS + "x",
        "2026-01-01 09" + "\t" * BLANKS + "x",
    ],
    ids=["minutes", "seconds", "offset", "tabs"],
)
def test_a_body_time_padded_with_blanks_is_explained_at_once(text: str) -> None:
    assert _timed(lambda: moment_reason(text, with_time=True)) < BOUND_S


@pytest.mark.parametrize(
    "text",
    [
        "2026-01-01" + " " * CELL_BLANKS + "x",
        "2026年1月1日" + " " * CELL_BLANKS + "x",
        "2026 -" + " " * CELL_BLANKS + "x",
        "2026-1-1 9" + " " * CELL_BLANKS + "x",
        "2026-1-1 9:" + " " * CELL_BLANKS + "x",
    ],
    ids=["day", "chinese-day", "year", "hour", "colon"],
)
@pytest.mark.parametrize("kind", [Kind.datetime, Kind.date])
def test_a_cell_day_padded_with_blanks_is_refused_at_once(text: str, kind: Kind) -> None:
    assert _timed(lambda: cell_text(text, kind)) < BOUND_S


@pytest.mark.parametrize(
    ("text", "read"),
    [  # the forms a cell may take are read as before
        ("2026/1/5 9:30", "2026-01-05T09:30:00+08:00"),
        ("2026-01-05  T  09 : 30", "2026-01-05T09:30:00+08:00"),
        ("2026 年 1 月 5 日 9时30", "2026-01-05T09:30:00+08:00"),
        ("2026年1月5日 9:30:15", "2026-01-05T09:30:15+08:00"),
        ("2026.1.5", "2026-01-05T00:00:00+08:00"),
        ("2026年1月5日", "2026-01-05T00:00:00+08:00"),
    ],
)
def test_the_typed_forms_of_a_cell_time_still_read(text: str, read: str) -> None:
    assert cell_text(text, Kind.datetime) == read
