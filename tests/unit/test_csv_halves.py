"""A plain CSV cut in two halves reads as the whole file (`sheet_sources.csv_halves`).

Property: for any plain CSV (cells of any character but quotes and line ends, blank lines, cells
right of the heading, LF or CR LF, with or without a last line end, UTF-8, UTF-8 with BOM,
GB18030 or UTF-16, the text itself beginning with up to three U+FEFF), when `csv_halves` cuts
it: the good rows of the two halves, the second numbered from `second_from`, are the whole
file's, in order, and the counts add up; and when neither half has a problem, neither has the
whole file (the import reads the whole file again on any problem, so it answers exactly as
before). A half may have a problem the whole has not (one of only blank lines
has no data row): that file is read twice, never answered otherwise.
"""

from __future__ import annotations

from unittest import mock

import pytest
from eventkit import sheet_sources
from eventkit.import_errors import ImportRejectedError
from eventkit.sheet_cells import Kind
from eventkit.spreadsheets import MAX_BYTES, Column, Sheet, read_sheet
from hypothesis import given
from hypothesis import strategies as st

COLUMNS = (
    Column("code", ("代码",), Kind.identifier),
    Column("name", ("名称",)),
    Column("start", ("开始时间",), Kind.datetime),
)
_CELL = st.one_of(
    st.text(alphabet=st.characters(blacklist_characters='",\r\n\x00', codec="utf-8"), max_size=6),
    st.sampled_from(["2025-03-05 09:00", "2025/3/5", "１２３", "1e5", "\x07", "某\u00ad律所", " "]),
)
_ROW = st.lists(_CELL, min_size=0, max_size=4)  # 4 cells: one right of the heading, a problem


def _read(content: bytes, first_line: int = 2) -> Sheet | str:
    try:
        return read_sheet(content, COLUMNS, first_line=first_line)
    except ImportRejectedError as refused:
        return str([p.reason for p in refused.problems])


@given(
    st.lists(_ROW, min_size=1, max_size=30),
    st.sampled_from(["\n", "\r\n"]),
    st.booleans(),
    st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]),
    st.integers(0, 3),
)
def test_two_halves_read_as_the_whole_file(
    rows: list[list[str]], end: str, last_end: bool, encoding: str, marks: int
) -> None:
    # `marks`: U+FEFF at the start of the text, past the encoding's own mark (a converted file keeps
    # its old mark as a character): the reader takes some off as marks, a heading keeps the rest
    text = "\ufeff" * marks + end.join(",".join(cells) for cells in [[c.label for c in COLUMNS], *rows])
    content = (text + (end if last_end else "")).encode(encoding)
    with mock.patch.object(sheet_sources, "SPLIT_AT_LEAST", 0):
        halves = sheet_sources.csv_halves(content, MAX_BYTES)
    whole = _read(content)
    if halves is None:  # no line end past the middle, nothing below the heading...: read whole
        return
    first, second = _read(halves.first), _read(halves.second, halves.second_from)
    clean = [isinstance(s, Sheet) and not s.problems and not s.partial for s in (whole, first, second)]
    if clean[1] and clean[2]:  # the import takes the halves' rows: they must be the whole file's
        assert clean[0]
        assert isinstance(whole, Sheet) and isinstance(first, Sheet) and isinstance(second, Sheet)
        assert whole.rows == first.rows + second.rows
        assert whole.count == first.count + second.count


def test_a_file_is_cut_only_when_it_is_large_plain_and_within_the_bounds() -> None:
    line = "621025100201,某村,2025-03-05 09:00\n"
    plain = ("代码,名称,开始时间\n" + line * 20_000).encode()
    halves = sheet_sources.csv_halves(plain, MAX_BYTES)
    assert halves is not None and halves.second_from == halves.first.count(b"\n") + 1
    first, second = (
        read_sheet(halves.first, COLUMNS),
        read_sheet(halves.second, COLUMNS, first_line=halves.second_from),
    )
    assert not (first.problems or second.problems) and first.count + second.count == 20_000
    assert second.rows[0][0] == halves.second_from and second.rows[-1][0] == 20_001
    assert halves.first.count(b"\n") + halves.second.count(b"\n") == 20_002  # the heading twice
    assert sheet_sources.csv_halves(plain[:1000], MAX_BYTES) is None  # small: read whole
    assert sheet_sources.csv_halves(plain.replace(b"\n", b"\r"), MAX_BYTES) is None  # lone CR line ends
    assert (
        sheet_sources.csv_halves(plain.replace("某村".encode(), '"某村"'.encode()), MAX_BYTES) is None
    )  # quotes
    with mock.patch.object(sheet_sources, "MAX_ROWS", 19_000):
        assert (
            sheet_sources.csv_halves(plain, MAX_BYTES) is None
        )  # near a bound: the whole file's reader answers


def test_a_file_over_the_byte_cap_is_never_cut() -> None:
    # before: the cap was the halves' to check, each re-encoded in UTF-8 and smaller than the whole,
    # so a file the whole file's reader refuses as too large (文件过大) was read in halves and imported
    line = "621025100201,某村,2025-03-05 09:00\n"
    for content in [("代码,名称,开始时间\n" + line * 20_000).encode(e) for e in ("utf-8", "gb18030")]:
        assert sheet_sources.csv_halves(content, len(content)) is not None
        assert sheet_sources.csv_halves(content, len(content) - 1) is None


@pytest.mark.parametrize(
    "content",
    [
        # one U+FEFF more than the reading takes off as marks (UTF-16: its mark and one behind)
        b"\xff\xfe" + "\ufeff\ufeff代码,名称\n".encode("utf-16-le"),
        "\ufeff\ufeff\ufeff代码,名称\n".encode(),
    ],
    ids=["utf-16-marked-thrice", "utf-8-marked-thrice"],
)
def test_a_text_that_begins_with_a_byte_order_mark_character_is_never_cut(content: bytes) -> None:
    # before: the halves, re-encoded in UTF-8, lost that U+FEFF to the UTF-8 reading (a mark), the
    # whole file kept it on its first heading: the halves imported a file the whole refuses
    body = "".join(f"621025100201,某村{i}\n" for i in range(20_000))
    encoding = "utf-16-le" if content.startswith(b"\xff\xfe") else "utf-8"
    with mock.patch.object(sheet_sources, "SPLIT_AT_LEAST", 0):
        assert sheet_sources.csv_halves(content + body.encode(encoding), MAX_BYTES) is None
