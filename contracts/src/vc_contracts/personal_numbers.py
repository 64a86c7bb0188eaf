"""Personal numbers in free text that people write for others to read (a typical case, a resident's
question shown back on the village's public board): a mainland mobile number or a resident ID
number (GB 11643: 17 digits and a check digit or X) must not be published.

Text in which a number merely sits inside a longer run of digits or letters (an order number, a
code) is not taken for one."""

from __future__ import annotations

import re

MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
"""An 11-digit mainland mobile number (1, then 3-9, then nine digits), not inside a longer number."""
ID_CARD = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
"""An 18-character resident ID number, not inside a longer run of digits or letters."""


def personal_number_in(text: str) -> str | None:
    """What personal number `text` holds, in Chinese ("身份证号码" or "手机号码"), else None."""
    if ID_CARD.search(text):
        return "身份证号码"
    if MOBILE.search(text):
        return "手机号码"
    return None
