"""Volume ids as the check file's address takes them (pure): `kind:owner:year`, anything else a 404
naming volume_id; and the label of a volume's canonical versions."""

from __future__ import annotations

import pytest
from eventkit.errors import NotFoundError
from ledger.adapters.export_html import versions_label
from ledger.application.volumes import parse_volume_id

# given a volume id | then it reads as (kind, owner, year), or None: refused
CASES = [
    ("village:621025100200:2026", ("village", "621025100200", 2026)),
    ("unit:U-firm-zhengda:2025", ("unit", "U-firm-zhengda", 2025)),
    ("unit:U:with:colons:2025", ("unit", "U:with:colons", 2025)),  # the year is the last part
    ("village:621025100200", None),  # no year
    ("village::2026", None),  # no owner
    ("parish:621025100200:2026", None),  # not a kind of volume
    ("village:621025100200:26", None),  # not a year of the program
    ("village:621025100200:二〇二六", None),
    ("", None),
]


@pytest.mark.parametrize(("vid", "parsed"), CASES)
def test_a_volume_id_is_kind_owner_and_year(vid: str, parsed: tuple[str, str, int] | None) -> None:
    if parsed is None:
        with pytest.raises(NotFoundError) as refused:
            parse_volume_id(vid)
        assert refused.value.field == "volume_id" and "卷册编号" in refused.value.message
    else:
        assert parse_volume_id(vid) == parsed


@pytest.mark.parametrize(("versions", "label"), [([2], "v2"), ([1, 2], "v1、v2"), ([], "—")])
def test_the_versions_of_a_volumes_links_read_oldest_first(versions: list[int], label: str) -> None:
    assert versions_label(versions) == label
