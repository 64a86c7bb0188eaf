"""Time lives here and only here: the domain gets `now` as data, in China Standard Time."""

from __future__ import annotations

from datetime import date, datetime

from vc_contracts import CST
from vc_contracts.base import MAX_CLOCK_AHEAD


def now_cst() -> datetime:
    """The current instant, tz-aware in China Standard Time (+08:00)."""
    return datetime.now(CST)


def today_cst() -> date:
    """Today's calendar day in China Standard Time."""
    return now_cst().date()


def phone_today_cst() -> date:
    """The latest Shanghai day a phone whose clock runs up to MAX_CLOCK_AHEAD ahead may already show:
    tomorrow in the server's last minutes of a day, else today. The one day every READ judges "has
    this year, half-year or quarter begun" on (`eventkit.periods.require_started`): the ledger's
    `Begun…` parameters, the assessment sheet and hours, and reporting's dashboard, statistics,
    previews and compliance, so in those minutes no service answers a period another refuses (the
    advisor's home at 00:01 of 1 January on the phone, 23:58 on the server, was told 2027年尚未开始
    beside the consultation just logged in it). WRITES (submissions, confirmations, evaluations)
    keep `today_cst()`: nothing is submitted for a period before it begins on the server. A read
    whose period has begun only on this day sees it as of its first day (an empty, current view)."""
    return (now_cst() + MAX_CLOCK_AHEAD).date()
