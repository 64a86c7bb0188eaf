"""The period normaliser is written twice by design: the services' (`vc_contracts.periods.
normalise_period`) and the pages' (services/web/frontend/src/util/period.ts, run here by Node). A page
that reads a typed period otherwise than the services do says 无法识别 of a period they take, or
sends one they refuse: both are run on one table and must give the same text, the one the table
names."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from support.node import NodeLines, reading
from vc_contracts.periods import normalise_period


@pytest.fixture(scope="module")
def node() -> Iterator[NodeLines]:
    # one Node for the table: a JSON string a line in, its normal form a line out
    with reading("util/period.ts", "normalisePeriod", "normalisePeriod(value)") as reader:
        yield reader


# given the text typed (or pasted, or in an address), then its one normal form
TABLE = [
    ("2026H1", "2026H1"),
    ("  2026h1  ", "2026H1"),
    ("２０２５Ｈ２", "2025H2"),  # a Chinese keyboard's full-width digits and letters
    ("２０２６H1", "2026H1"),
    ("２０２６ｑ３", "2026Q3"),
    ("2026\u3000", "2026"),  # the ideographic space
    ("\u30002025", "2025"),
    ("\t2026q3\n", "2026Q3"),
    ("\u00a02026\u00a0", "2026"),  # a non-breaking space (pasted from a web page)
    ("\u20032026\u2009", "2026"),  # em and thin spaces
    ("\u202f2026Q1\u205f", "2026Q1"),
    ("\ufeff2026", "2026"),  # a byte-order mark (pasted from a CSV file)
    ("2026\u0085", "2026"),  # next line (C1)
    ("2026\x1c", "2026"),  # a file separator (control)
    ("\u200b2026", "\u200b2026"),  # a zero-width space is no space: kept, and the period refused
    ("2026 H1", "2026 H1"),  # inside a period no space is read away
    ("2025Q¹", "2025Q¹"),  # a superscript is no digit (NFKC would make one): kept, refused
    ("②⓪②⑥", "②⓪②⑥"),  # circled numbers likewise
    ("2026x", "2026X"),
    ("", ""),
    ("   ", ""),
    ("２０２５年", "2025年"),
    ("ⅰ", "I"),  # a Roman numeral is a letter after NFKC
    ("ß", "SS"),
]


@pytest.mark.parametrize(("given", "then"), TABLE, ids=[json.dumps(g) for g, _ in TABLE])
def test_given_a_typed_period_then_the_services_and_the_pages_read_the_same_text(
    node: NodeLines, given: str, then: str
) -> None:
    assert (normalise_period(given), node.ask(given)) == (then, then)
