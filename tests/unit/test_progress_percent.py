"""A progress bar's share (the SPA's `util/percent.ts` `progressPercent`, run under Node as the
pages run it) never fills the bar short of the minimum nor leaves it empty above nothing: 7.97 of 8
hours filled the advisor's bar (Math.round gave 100, a full bar reads as 已达标). Three pages wrote
the rounding out each; one function now."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from support.node import NodeLines, reading

CASES = [
    # (done, owed) -> the bar's per cent
    ((7.97, 8), 99),  # short by 0.03 h: Math.round gave 100
    ((7.999, 8), 99),
    ((8, 8), 100),
    ((9.5, 8), 100),  # over the minimum: a full bar, no more
    ((4, 8), 50),
    ((0.02, 8), 1),  # above nothing: Math.round gave 0
    ((0, 8), 0),
    ((1, 2), 50),
    ((1, 0), 100),  # nothing owed
    ((0, 0), 100),
    ((199, 200), 99),  # 99.5 rounds to 100
    ((1, 201), 1),  # 0.4975 rounds to 0
    # with the services' verdict: hours come rounded, 7 h 59 min 59 s is 8.00 of 8, not met
    ((8, 8, False), 99),  # was 100: a full bar short of the minimum
    ((8.01, 8, False), 99),  # a pro-rated minimum shown raised may still read below the hours
    ((8, 8, True), 100),
    ((0, 8, False), 0),
    ((0.01, 0, False), 99),
    ((0, 0, True), 100),
]


@pytest.fixture(scope="module")
def node() -> Iterator[NodeLines]:
    with reading("util/percent.ts", "progressPercent", "progressPercent(...value)") as reader:
        yield reader


IDS = ["of".join(map(str, c)) for c, _ in CASES]


@pytest.mark.parametrize(("index", "case"), list(enumerate(CASES)), ids=IDS)
def test_a_bar_is_full_only_when_met_and_empty_only_when_nothing_done(
    node: NodeLines, index: int, case: tuple[tuple[float, ...], int]
) -> None:
    # given done of owed (and the verdict, where given), when the bar is drawn, then its per cent
    assert node.ask(list(case[0])) == case[1]
