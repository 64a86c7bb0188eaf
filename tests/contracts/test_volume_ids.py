"""A volume id's shape (one rule for the ledger's and reporting's volume endpoints): given an id,
then it parses to (kind, owner, year) or is malformed (404 on every volume endpoint, whoever asks)."""

from __future__ import annotations

import pytest
from vc_contracts.chain import parse_volume_id

IDS: list[tuple[str, tuple[str, str, int] | None]] = [
    ("village:621025100200:2026", ("village", "621025100200", 2026)),
    ("unit:U-heads-firm:2025", ("unit", "U-heads-firm", 2025)),
    ("unit:甘肃律所:2025", ("unit", "甘肃律所", 2025)),  # unit ids are opaque: Chinese is an id
    ("unit:a:b:2025", ("unit", "a:b", 2025)),
    ("village:东关村:2026", None),
    ("village:62102510020:2026", None),
    ("village:621025100000:2026", None),  # a township's code
    ("unit:律所 一:2026", None),
    ("unit::2026", None),
    (f"unit:{'u' * 129}:2026", None),
    ("village:621025100200", None),
    ("village:621025100200:１９９９", None),
    ("village:621025100200:1999", None),
    ("parish:x:2025", None),
    ("village:621025100200:02026", None),  # no volume's id: ids are written f"{kind}:{owner}:{year}"
    ("village:621025100200:2026\n", None),
    (f"village:621025100200:{'9' * 5000}", None),  # beyond int()'s 4300 digits: no ValueError (500)
]


@pytest.mark.parametrize(("volume_id", "parts"), IDS, ids=[i[:60] for i, _ in IDS])
def test_a_volume_id_parses_or_is_malformed(volume_id: str, parts: tuple[str, str, int] | None) -> None:
    assert parse_volume_id(volume_id) == parts
