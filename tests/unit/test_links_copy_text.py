"""A bulk import's chain links as the COPY text `volume_chain` writes: `links_text`, one line per
link of seven columns, and `runs_text`, one line per volume and run; every value as it was once
PostgreSQL reads the escapes (the manual's rules), whatever text a volume, entry id or event type
holds."""

from __future__ import annotations

import re
from typing import Any
from uuid import UUID, uuid4

import pytest
from hypothesis import given
from hypothesis import strategies as st
from ledger.application.volume_chain import links_copy, links_text, runs_text

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


# Runs (`volume_link_runs`): a bulk write's links, one line per volume and run of seqs that follow
# on in one canonical version, each column the run's values one per line.
_VOLUMES = ["village:621025100201:2025", "unit:U-1:2025", "v\t\\x:1:2025"]
_TEXT = st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\n"))


def _linked(picks: list[tuple[int, str, str, int]]) -> list[tuple[Any, ...]]:
    """Links as `VolumeHeads.links` makes them: each volume's seqs one after another."""
    length: dict[str, int] = {}
    links = []
    for volume, entry_id, event_type, version in picks:
        v = _VOLUMES[volume]
        length[v] = length.get(v, 0) + 1 + (version == 9)  # 9: a gap in the seqs
        links.append((v, length[v], uuid4(), entry_id, event_type, f"{len(links):064x}", version % 3))
    return links


def expand(text: str) -> list[tuple[Any, ...]]:
    """The links a run text holds, as `chain_links` gives them back."""
    out = []
    for line in text.split("\n")[:-1]:
        volume, first, count, ids, entries, types, hashes, version = map(read_back, line.split("\t"))
        columns = [c.split("\n") if c else [] for c in (ids, entries, types, hashes)]  # as string_to_array
        assert all(len(c) == int(count) for c in columns)
        for n, (event_id, entry_id, event_type, head) in enumerate(zip(*columns, strict=True)):
            out.append((volume, int(first) + n, UUID(event_id), entry_id, event_type, head, int(version)))
    return out


@given(st.lists(st.tuples(st.integers(0, 2), _TEXT, _TEXT, st.sampled_from([1, 2, 2, 2, 9])), max_size=40))
def test_runs_hold_every_link_once_and_read_back_as_given(picks: list[tuple[int, str, str, int]]) -> None:
    # given links into three volumes (some in another canonical version, some after a gap)
    links = _linked(picks)
    # when written as runs
    text, left = runs_text(links)
    # then the runs and the links left a row each are exactly the links, each volume's in order
    # (left: only a run of one link with an empty value, which a run cannot hold)
    assert all("" in (link[3], link[4]) for link in left)
    place = lambda r: (r[0], r[1])  # noqa: E731
    assert sorted(expand(text.decode()) + left, key=place) == sorted(links, key=place)
    assert text.decode().count("\n") <= len(links)


def test_links_of_one_volume_in_a_chunk_are_one_run() -> None:
    links = _linked([(0, f"E-{n}", "VisitLogged", 2) for n in range(500)] + [(1, "E-x", "VisitLogged", 2)])
    text, left = runs_text(links)
    assert text.decode().count("\n") == 2 and not left
    assert links_copy(links) == (text, b"")


@pytest.mark.parametrize("where", ["entry_id", "event_type"])
def test_a_line_break_in_a_value_leaves_that_volumes_run_a_row_a_link_the_others_runs(where: str) -> None:
    # given a chunk of three volumes' links, one link of the second volume holding a line break in
    # its entry id or event type (a run could not tell its values apart)
    entry_id, event_type = ("E-\n2", "VisitLogged") if where == "entry_id" else ("E-2", "Visit\nLogged")
    links = _linked(
        [(0, "E-1", "VisitLogged", 2), (1, "E-1", "VisitLogged", 2), (1, entry_id, event_type, 2),
         (2, "E-3", "VisitLogged", 2), (0, "E-4", "VisitLogged", 2)]
    )  # fmt: skip
    # then that volume's links go a row each, into volume_links; the other volumes' stay runs
    text, left = runs_text(links)
    assert left == [x for x in links if x[0] == _VOLUMES[1]]
    assert sorted(x[:2] for x in expand(text.decode())) == sorted(x[:2] for x in links if x[0] != _VOLUMES[1])
    assert links_copy(links) == (text, links_text(left))
