"""Where a backfill file is cut into chunks (`import_writes.chunk_spans`): a small first chunk, so
the database starts at once, then larger ones; every row in exactly one chunk, in order."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from ledger.application.import_writes import CHUNK, FIRST_CHUNK, chunk_spans


@pytest.mark.parametrize(
    ("rows", "spans"),
    [
        (0, []),
        (1, [(0, 1)]),
        (FIRST_CHUNK, [(0, FIRST_CHUNK)]),
        (FIRST_CHUNK + 1, [(0, FIRST_CHUNK), (FIRST_CHUNK, FIRST_CHUNK + 1)]),
        (FIRST_CHUNK + CHUNK, [(0, FIRST_CHUNK), (FIRST_CHUNK, FIRST_CHUNK + CHUNK)]),
        (FIRST_CHUNK + CHUNK + 7,
         [(0, FIRST_CHUNK), (FIRST_CHUNK, FIRST_CHUNK + CHUNK),
          (FIRST_CHUNK + CHUNK, FIRST_CHUNK + CHUNK + 7)]),
    ],
)  # fmt: skip
def test_a_file_is_cut_first_small_then_in_full_chunks(rows: int, spans: list[tuple[int, int]]) -> None:
    assert [(s.start, s.stop) for s in chunk_spans(rows)] == spans


@given(st.integers(0, 200_000))
def test_every_row_is_in_one_chunk_in_order_and_no_chunk_is_too_large(rows: int) -> None:
    spans = list(chunk_spans(rows))
    assert [i for s in spans for i in s] == list(range(rows))
    assert all(len(s) > 0 for s in spans)
    assert all(len(s) <= (FIRST_CHUNK if n == 0 else CHUNK) for n, s in enumerate(spans))
    assert all(len(s) == CHUNK for s in spans[1:-1])  # only the last may be short
