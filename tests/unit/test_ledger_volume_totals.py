"""A volume's footer adds the visits' exact durations and rounds the total once."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from ledger.application.volumes import totals as volume_totals
from vc_contracts import CST

START = datetime(2025, 1, 6, 9, tzinfo=CST)


def visit(n: int, minutes: int, voided: bool = False) -> dict[str, Any]:
    start = START + timedelta(days=n)
    return {"kind_label": "驻点服务", "voided": voided, "hours": round(minutes / 60, 2),
            "started_at": start, "ended_at": start + timedelta(minutes=minutes)}  # fmt: skip


def test_six_visits_of_80_minutes_total_8_hours_not_7_98() -> None:
    totals = volume_totals([visit(n, 80) for n in range(6)])
    assert (totals["visit_hours"], totals["entries"], totals["by_kind"]) == (8.0, 6, {"驻点服务": 6})


def test_voided_visits_and_other_kinds_add_no_time() -> None:
    lecture = {
        "kind_label": "法治讲座",
        "voided": False,
        "hours": None,
        "started_at": START,
        "ended_at": START,
    }
    totals = volume_totals([visit(0, 40), visit(1, 40), visit(2, 40, voided=True), lecture])
    assert (totals["visit_hours"], totals["voided"]) == (1.33, 1)
