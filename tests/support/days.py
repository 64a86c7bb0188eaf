"""The Shanghai days a test's action may have run on, for days the server decides from its own clock.

A test that took "today" once (at import, or before a slow browser step) and compares it with a day the
server stamps later (completed on, filed on, a term ended the day before) fails when the run crosses
midnight +08:00 in between: CI ran from 15:5x to 16:0x UTC and read 已整改（2026-12-05） where it
expected 2026-12-04. The pattern: take `before = today_cst()` just before the action, and accept any
day of `days_since(before)` afterwards (one day, or two across midnight).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, timedelta

from eventkit.clock import today_cst


def days_since(first: date) -> list[date]:
    """Every Shanghai day from `first` through today (read now, at the call), in order."""
    last = today_cst()
    assert first <= last, f"{first} is after today ({last})"
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def any_day(days: Iterable[date]) -> str:
    """A regex alternative of `days` in ISO form, e.g. `(?:2026-12-04|2026-12-05)`."""
    return "(?:" + "|".join(re.escape(day.isoformat()) for day in days) + ")"


def text_on_days(template: str, days: Iterable[date], *, whole: bool = True) -> re.Pattern[str]:
    """A pattern for Playwright's `to_have_text`/`to_contain_text`: `template` with `{day}` standing for
    any of `days` (the rest is literal), anchored at both ends when `whole` (for `to_have_text`)."""
    before, placeholder, after = template.partition("{day}")
    assert placeholder, f"no {{day}} in {template!r}"
    body = re.escape(before) + any_day(days) + re.escape(after)
    return re.compile(f"^{body}$" if whole else body)
