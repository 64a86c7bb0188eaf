"""Calendar periods in China Standard Time as half-open ranges: 2025, 2025H1, 2025Q3 (pure)."""

from __future__ import annotations

import re
from datetime import datetime

from eventkit.errors import RuleViolationError
from eventkit.periods import quarter_start

_PERIOD = re.compile(r"^(\d{4})(?:([QH])([1-4]))?$")


def period_range(period: str) -> tuple[datetime, datetime]:
    """[start, end) of a CST period; e.g. 2025Q1 is 2025-01-01 00:00+08:00 up to 2025-04-01 00:00+08:00."""
    match = _PERIOD.match(period)
    if not match or (match.group(2) == "H" and match.group(3) not in "12"):
        raise RuleViolationError("期间格式应为 2025、2025H1 或 2025Q1", field="period")
    year = int(match.group(1))
    if match.group(2) is None:
        return quarter_start(year, 1), quarter_start(year, 5)
    n = int(match.group(3))
    if match.group(2) == "H":
        return quarter_start(year, 2 * n - 1), quarter_start(year, 2 * n + 1)
    return quarter_start(year, n), quarter_start(year, n + 1)


def year_of(period: str) -> int:
    return period_range(period)[0].year
