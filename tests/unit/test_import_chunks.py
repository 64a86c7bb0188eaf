"""Where a backfill file is cut into chunks (`import_writes.chunk_spans`): a small first chunk, so
the database starts at once, then each twice the one before up to CHUNK; every row in exactly one
chunk, in order."""

from __future__ import annotations

from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st
from ledger.application.import_writes import CHUNK, FIRST_CHUNK, chunk_spans


@pytest.mark.parametrize(
    ("rows", "sizes"),
    [
        (0, []),
        (1, [1]),
        (FIRST_CHUNK, [FIRST_CHUNK]),
        (FIRST_CHUNK + 1, [FIRST_CHUNK, 1]),
        (FIRST_CHUNK * 3, [FIRST_CHUNK, 2 * FIRST_CHUNK]),
        (50_000, [1000, 2000, 4000, 5000, 5000, 5000, 5000, 5000, 5000, 5000, 5000, 3000]),
    ],
)
def test_a_file_is_cut_small_first_then_doubling_up_to_full_chunks(rows: int, sizes: list[int]) -> None:
    assert (FIRST_CHUNK, CHUNK) == (1000, 5000)  # the table's numbers
    assert [len(s) for s in chunk_spans(rows)] == sizes


@given(st.integers(0, 200_000))
def test_every_row_is_in_one_chunk_in_order_and_no_chunk_is_too_large(rows: int) -> None:
    spans = list(chunk_spans(rows))
    assert [i for s in spans for i in s] == list(range(rows))
    assert all(len(s) > 0 for s in spans)
    assert all(len(s) <= CHUNK for s in spans) and (not spans or len(spans[0]) <= FIRST_CHUNK)
    for before, after in pairwise(spans[:-1]):  # all but the last: doubling up to CHUNK
        assert len(after) == min(CHUNK, 2 * len(before))
