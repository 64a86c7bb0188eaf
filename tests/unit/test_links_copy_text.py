"""A bulk import's chain links as the COPY text `volume_chain.links_text` writes: one line per link
of seven columns, every value as it was once PostgreSQL reads the escapes (the manual's
rules), whatever text a volume, entry id or event type holds."""

from __future__ import annotations

import re
from uuid import UUID, uuid4

from hypothesis import given
from hypothesis import strategies as st
from ledger.application.volume_chain import links_text

_ESCAPE = re.compile(r"\\(.)", re.DOTALL)
_READ = {"\\": "\\", "n": "\n", "r": "\r", "t": "\t"}


def read_back(text: str) -> str:
    """A column as PostgreSQL's COPY text reader takes it (the manual's escapes)."""
    return _ESCAPE.sub(lambda m: _READ[m.group(1)], text)


_ROW = st.tuples(
    st.text(), st.integers(1, 10**6), st.uuids().map(str), st.text(), st.text(),
    st.text(alphabet="0123456789abcdef", min_size=64, max_size=64), st.sampled_from([1, 2]),
)  # fmt: skip


@given(st.lists(_ROW, max_size=5))
def test_every_link_is_one_line_of_seven_columns_that_read_back_as_given(links: list[tuple]) -> None:  # type: ignore[type-arg]
    # given links, when written for COPY, then one line each, whose columns read back as the values
    text = links_text(links).decode()
    lines = text.split("\n")
    assert lines[-1] == "" and len(lines) == len(links) + 1
    for line, link in zip(lines, links, strict=False):
        columns = line.split("\t")
        assert len(columns) == 7
        volume, seq, event_id, entry_id, event_type, head, version = map(read_back, columns)
        assert (volume, int(seq), event_id, entry_id, event_type, head, int(version)) == link


def test_a_uuid_object_is_written_in_its_canonical_form() -> None:
    event_id = uuid4()
    line = links_text([("village:621025100202:2025", 1, event_id, "E-1", "VisitLogged", "0" * 64, 2)])
    assert UUID(line.decode().split("\t")[2]) == event_id
