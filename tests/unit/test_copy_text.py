"""PostgreSQL's COPY text format as `eventkit.copy_text` writes it: every text comes back as it was
once PostgreSQL reads the escapes (a reference reader of the manual's rules here), no value can
break a line or a column, and timestamps keep their instant."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from eventkit.copy_text import NULL, event_rows_text, text_value, timestamp_value
from hypothesis import given
from hypothesis import strategies as st
from vc_contracts import CST

_ESCAPE = re.compile(r"\\(.)", re.DOTALL)
_READ = {"\\": "\\", "n": "\n", "r": "\r", "t": "\t"}


def read_back(text: str) -> str:
    """What PostgreSQL's COPY text reader makes of a column's text (the escapes this writer uses)."""
    return _ESCAPE.sub(lambda m: _READ[m.group(1)], text)


@pytest.mark.parametrize(
    ("given_text", "written"),
    [
        ("", ""),
        ("民法典讲座", "民法典讲座"),
        ("\\", "\\\\"),
        ("\\N", "\\\\N"),  # the text \N, not NULL
        ("\\.", "\\\\."),  # not the end-of-data marker
        ("a\tb", "a\\tb"),
        ("line\nnext", "line\\nnext"),
        ("cr\rlf\r\n", "cr\\rlf\\r\\n"),
        ('{"summary":"引号\\"与\\\\"}', '{"summary":"引号\\\\"与\\\\\\\\"}'),  # JSON escapes stay JSON's
        ("😀 beyond U+FFFF", "😀 beyond U+FFFF"),
    ],
)
def test_a_text_is_written_with_the_escapes_copy_reads(given_text: str, written: str) -> None:
    # when it is written for a COPY text column, then it is these characters, and reads back as given
    assert text_value(given_text) == written
    assert read_back(written) == given_text


@given(st.text())
def test_any_text_reads_back_as_it_was_and_stays_in_its_column(value: str) -> None:
    written = text_value(value)
    assert not {"\t", "\n", "\r"} & set(written)
    assert read_back(written) == value
    assert written != NULL


@pytest.mark.parametrize(
    ("given_time", "instant"),
    [
        (datetime(2025, 3, 1, 9, 30, tzinfo=CST), datetime(2025, 3, 1, 1, 30, tzinfo=UTC)),
        (datetime(2025, 3, 1, 9, 30, 0, 123456, tzinfo=CST),
         datetime(2025, 3, 1, 1, 30, 0, 123456, tzinfo=UTC)),
        (datetime(2025, 3, 1, 9, 30, tzinfo=timezone(timedelta(hours=-5, minutes=-30))),
         datetime(2025, 3, 1, 15, 0, tzinfo=UTC)),
    ],
)  # fmt: skip
def test_a_timestamp_is_written_as_its_instant_in_utc(given_time: datetime, instant: datetime) -> None:
    assert datetime.fromisoformat(timestamp_value(given_time)) == instant
    assert timestamp_value(given_time).endswith("+00:00")


def test_a_naive_time_or_a_bare_date_is_local_time_as_the_codec_takes_it() -> None:
    naive = datetime(2025, 3, 1, 9, 30)  # noqa: DTZ001 (the case under test)
    assert datetime.fromisoformat(timestamp_value(naive)) == naive.astimezone()
    assert datetime.fromisoformat(timestamp_value(date(2025, 3, 1))) == datetime(2025, 3, 1).astimezone()


@given(
    texts=st.lists(st.text(), min_size=1, max_size=5),
    county=st.none() | st.sampled_from(["621025", "a\tb"]),
)
def test_an_event_row_is_one_line_of_eleven_columns_that_read_back_as_given(
    texts: list[str], county: str | None
) -> None:
    # given an event row whose texts hold anything
    at = datetime(2025, 3, 1, 9, tzinfo=CST)
    stream, data = "\n".join(texts), '{"s":' + repr(texts[0]) + "}"
    tenant = '{"v":"\\\\"}'
    row = ("0b6c3c9e-8f1e-4a55-9a57-1d5e1c8a7b10", stream, 1, "LectureHeld", 1, tenant, county, at, data,
           '{"actor":"x"}')  # fmt: skip
    # when it is written as COPY text, recorded at the text the envelope writes
    written = event_rows_text([row], "2025-03-02T10:00:00+08:00").decode()
    # then it is one line of eleven columns, each reading back as given
    assert written.endswith("\n") and written.count("\n") == 1
    columns = written[:-1].split("\t")
    assert len(columns) == 11
    expected = [stream, "1", "LectureHeld", "1", tenant, *([county] if county else [])]
    assert [read_back(c) for c in columns[1:7] if c != NULL] == expected
    assert (columns[6] == NULL) is (county is None)
    assert datetime.fromisoformat(columns[7]) == at
    assert read_back(columns[8]) == data
    assert columns[10] == "2025-03-02T10:00:00+08:00"
