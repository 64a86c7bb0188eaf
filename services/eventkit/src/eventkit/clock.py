"""Time lives here and only here: the domain gets `now` as data, in China Standard Time."""

from __future__ import annotations

from datetime import date, datetime

from vc_contracts import CST


def now_cst() -> datetime:
    """The current instant, tz-aware in China Standard Time (+08:00)."""
    return datetime.now(CST)


def today_cst() -> date:
    """Today's calendar day in China Standard Time."""
    return now_cst().date()
