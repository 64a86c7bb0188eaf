"""A volume's footer adds the visits' exact durations in its period and rounds the total once."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from eventkit.periods import parse_period
from ledger.application.volumes import count_hours
from ledger.application.volumes import totals as volume_totals
from vc_contracts import CST

START = datetime(2025, 1, 6, 9, tzinfo=CST)
YEAR = parse_period("2025")


def visit(n: int, minutes: int, voided: bool = False) -> dict[str, Any]:
    start = START + timedelta(days=n)
    return {"kind": "visit", "kind_label": "驻点服务", "voided": voided, "hours": round(minutes / 60, 2),
            "started_at": start, "ended_at": start + timedelta(minutes=minutes)}  # fmt: skip


def test_six_visits_of_80_minutes_total_8_hours_not_7_98() -> None:
    totals = volume_totals(count_hours([visit(n, 80) for n in range(6)], YEAR))
    assert (totals["visit_hours"], totals["entries"], totals["by_kind"]) == (8.0, 6, {"驻点服务": 6})
    assert totals["visit_seconds"] == 6 * 80 * 60


def test_voided_visits_and_other_kinds_add_no_time() -> None:
    lecture = {
        "kind": "lecture",
        "kind_label": "法治讲座",
        "voided": False,
        "hours": None,
        "started_at": START,
        "ended_at": START,
    }
    entries = count_hours([visit(0, 40), visit(1, 40), visit(2, 40, voided=True), lecture], YEAR)
    totals = volume_totals(entries)
    assert (totals["visit_hours"], totals["voided"]) == (1.33, 1)
    assert [e["counted_seconds"] for e in entries] == [2400, 2400, 0, None]
