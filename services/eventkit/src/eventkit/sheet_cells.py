"""One cell of an uploaded sheet as text, by the kind of its column (see `spreadsheets`).

`cell_text(value, kind)` takes a CSV string or an XLSX value (str, int, float, bool, date, datetime,
time, None) and gives the text the import reads, "" for an empty cell, or raises ValueError with
the reason in Chinese.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any

from vc_contracts import CST
from vc_contracts.base import FRACTION_OF_SECOND, ODD_OFFSET, whole_minute_offset, whole_seconds_text
from vc_contracts.codes import ascii_digits
from vc_contracts.moment_text import moment_reason
from vc_contracts.text import invisible_character, quoted

from eventkit.params import DAY_YEAR_MAX, DAY_YEAR_MIN, in_record_years


class Kind(StrEnum):
    """What a column holds, which decides how its cells are read."""

    text = "text"
    identifier = "identifier"  # codes, numbers, phones, ids: digits as written, never a float;
    # read like the API reads them (vc_contracts.codes.ascii_digits: full-width digits -> ASCII)
    date = "date"
    datetime = "datetime"


MAX_CELL = 32_767  # characters in one cell: Excel's own limit
EXACT_DIGITS = 15  # Excel keeps 15 significant digits of a number; the rest become zeros
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # tab, line feed, carriage return allowed
SCIENTIFIC = re.compile(r"^[+-]?\d+(\.\d+)?[eE][+-]?\d+$")  # how Excel shows a long number
# Blanks are matched possessively (`\s*+`), never two runs of them side by side: a regular expression
# tries every split of a run between adjacent `\s*` before it gives up, so `2026-01-01`, 1,000
# blanks and a letter took 5 s (cubic; a full cell, hours, holding the GIL).
_DAY = r"(\d{4})\s*+[-/.年]\s*+(\d{1,2})\s*+[-/.月]\s*+(\d{1,2})(?:\s*+日)?"
_DATE = re.compile(rf"^{_DAY}$")
_CLOCK = r"(\d{1,2})\s*+[:：时]\s*+(\d{1,2})(?:\s*+[:：分]\s*+(\d{1,2}))?"
_DATETIME = re.compile(rf"^{_DAY}(?:(?:\s*+T\s*+|\s++){_CLOCK})?$")
AS_TEXT = "请将该列设置为文本格式后重新填写（在 Excel 中选中该列，设置单元格格式为“文本”）"
DATE_EXAMPLES = "例如 2026-12-01、2026/12/1 或 2026年12月1日"
ANY_YEARS = range(DAY_YEAR_MIN, DAY_YEAR_MAX + 1)  # a date cell in a text column: Excel starts in 1900


FORMULA_WITHOUT_VALUE = "公式单元格没有计算结果，请粘贴为数值"


class FormulaWithoutValue(str):
    """An XLSX cell holding a formula but no result saved with it (`=10+5` written by a program
    that does not calculate, `=#REF!`): its text is the formula; `cell_text` refuses it, since the
    value the person saw in Excel is not in the file (it read as an empty cell: 不能为空)."""

    __slots__ = ()


def cell_text(value: Any, kind: Kind) -> str:
    """A spreadsheet cell as the text of `kind`; ValueError with the reason in Chinese if it is not one."""
    if type(value) is str:  # the usual case (every CSV cell) first: this runs once per cell
        text = value.strip()
    elif isinstance(value, FormulaWithoutValue):
        raise ValueError(f"{FORMULA_WITHOUT_VALUE}（{quoted(value)}）")
    elif value is None:
        return ""
    elif isinstance(value, bool):
        text = "是" if value else "否"
    elif isinstance(value, (datetime, date, time)):
        return _moment(value, kind)
    elif isinstance(value, (int, float)):
        return _number(value, kind)
    else:
        text = str(value).strip()
    if not text:
        return ""
    if len(text) >= MAX_CELL:
        # An XLSX cell comes cut to Excel's limit (openpyxl reads at most 32,767 characters): its
        # length is no count of what was written, and every field's own cap is far below it.
        raise ValueError(f"内容过长：超过 {MAX_CELL} 个字符（Excel 单元格的上限），请缩短后重新上传")
    # isprintable() is False for every control character: the regex only runs on the rare cell
    # with one (or with a TAB, a line break or a non-printing space, which it lets through).
    if not text.isprintable() and _CONTROL.search(text):
        raise ValueError("含有不可见的控制字符（如 NUL），请删除后重新上传")
    # the request bodies' rule too (a U+202E shows the rest of a cell reversed on every page; a
    # U+3164, printable, an empty name); an ASCII cell has none
    if not text.isascii() and (reason := invisible_character(text)) is not None:
        raise ValueError(f"{reason}，请删除后重新上传")
    return text if kind is _TEXT else _READ[kind](text)


def _identifier(text: str) -> str:
    text = ascii_digits(text)  # the API's rule for codes, numbers, phones and ids (one place)
    if SCIENTIFIC.match(text):
        raise ValueError(f"「{quoted(text)}」是科学计数法显示的数字，原值已丢失；{AS_TEXT}")
    return text


def _number(value: int | float, kind: Kind) -> str:
    whole = isinstance(value, int) or value.is_integer()
    if kind is Kind.identifier:
        if not whole or abs(value) >= 10**EXACT_DIGITS:
            raise ValueError(f"数字 {value:.15g} 超出 Excel 能准确保存的 {EXACT_DIGITS} 位，{AS_TEXT}")
        return str(int(value))
    if kind in (Kind.date, Kind.datetime):
        raise ValueError(f"无法识别的日期「{value}」，{DATE_EXAMPLES}")
    return str(int(value)) if whole else str(value)


def _moment(value: datetime | date | time, kind: Kind) -> str:
    if isinstance(value, time):
        if kind in (Kind.date, Kind.datetime):
            raise ValueError(f"只有时间「{value}」，缺少日期，{DATE_EXAMPLES}")
        return value.isoformat(timespec="minutes")
    if not isinstance(value, datetime):
        # a cell holds wall-clock time, no offset: made CST below, or shown as it was typed
        value = datetime(value.year, value.month, value.day)  # noqa: DTZ001
    value = _nearest_second(value)
    if kind is Kind.date:  # a cell's day or time has no offset: CST already
        return in_record_years(value.date(), cell=True).isoformat()
    if kind is Kind.datetime:
        return in_record_years(value, cell=True).isoformat()
    if value.year not in ANY_YEARS:
        raise ValueError(f"年份 {value.year} 超出范围（{DAY_YEAR_MIN}–{DAY_YEAR_MAX}），请核对")
    return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")


_HALF_SECOND = 500_000  # microseconds


def _nearest_second(value: datetime) -> datetime:
    """A sheet's moment to the nearest whole second, as Excel displays it (`hh:mm:ss` rounds). Excel
    keeps a moment as a float fraction of a day, so a time typed 10:00 and then computed or pasted
    comes back through openpyxl as 09:59:59.999: kept, it was a visit stored to the millisecond and
    counted a second short (and a day cell of 1 April read as 31 March). Times are whole seconds
    everywhere else (a typed fraction is refused: `vc_contracts.base.whole_seconds_text`); a cell's
    fraction is the float's, nobody's typing. The last second of year 9999 stays as it is: refused
    for its year, not rounded past the calendar."""
    if not value.microsecond:
        return value
    whole = value.replace(microsecond=0)
    if value.microsecond < _HALF_SECOND:
        return whole
    try:
        return whole + timedelta(seconds=1)
    except OverflowError:
        return whole


def _date_text(text: str) -> date:
    found = _DATE.match(text)
    try:
        day = date(*(int(part) for part in found.groups())) if found else date.fromisoformat(text)
    except ValueError:
        raise ValueError(_unread(text, "日期", DATE_EXAMPLES)) from None
    return in_record_years(day, cell=True)


def _datetime_text(text: str) -> datetime:
    try:  # whole seconds, as a request body's times (`vc_contracts.base.whole_seconds_text`)
        whole_seconds_text(text)
    except ValueError:
        raise ValueError(f"时间「{quoted(text)}」：{FRACTION_OF_SECOND}") from None
    try:  # ISO first: it is what exports and the template write, and parsed in C
        moment = datetime.fromisoformat(text)
    except ValueError:
        pass
    else:  # in CST, if its Beijing year is a record year; an offset with seconds is a typing mistake
        return in_record_years(_whole_minute(moment, text), cell=True)
    found = _DATETIME.match(text)
    try:
        if found:
            y, mo, d, h, mi, s = (int(p) for p in found.groups(default="0"))
            moment = datetime(y, mo, d, h, mi, s, tzinfo=CST)
        else:
            moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(_unread(text, "时间", "例如 2026-12-01 09:30 或 2026/12/1 9:30")) from None
    return in_record_years(_whole_minute(moment, text), cell=True)


def _unread(text: str, what: str, examples: str) -> str:
    """A cell's day or time that could not be read: its wrong part when it is ISO-shaped (month 13,
    hour 25, offset +25:00: `vc_contracts.moment_text`), else the forms a cell may take. A cell
    without time or offset is CST wall-clock time, so neither is asked for."""
    wrong = moment_reason(text, with_time=False)
    shown = quoted(text)
    return f"{what}「{shown}」：{wrong}" if wrong else f"无法识别的{what}「{shown}」，{examples}"


def _whole_minute(moment: datetime, text: str) -> datetime:
    """`moment` if its offset is whole minutes (`vc_contracts.base.whole_minute_offset`), else the
    cell's reason naming what it holds."""
    try:
        return whole_minute_offset(moment)
    except ValueError:
        raise ValueError(f"时间「{quoted(text)}」的{ODD_OFFSET}") from None


MEMO = 16_384  # texts kept per kind in READ_BEFORE (a few MB at most); then it starts afresh
READ_BEFORE: dict[Kind, dict[str, str]] = {kind: {} for kind in Kind}
"""Per kind, the date and date-time texts read so far and what `cell_text` gave for each: a file
repeats its days and times (a ledger's year has 365 days and a few usual hours), and reading one
costs a parse, a time zone and a format (`spreadsheets._read` looks here first). Only successful
reads are kept; the reading is a pure function of the text, so a kept answer is always right."""


def _remembered(read: Callable[[str], str], kept: dict[str, str]) -> Callable[[str], str]:
    def remember(text: str) -> str:
        found = kept.get(text)
        if found is None:
            found = read(text)
            if len(kept) >= MEMO:  # bounded; dict operations are atomic, so threads may share it
                kept.clear()
            kept[text] = found
        return found

    return remember


# Kind members read once: an Enum member lookup costs a descriptor call on Python 3.11, per cell.
_TEXT = Kind.text
_READ: dict[Kind, Callable[[str], str]] = {
    Kind.identifier: _identifier,
    Kind.date: _remembered(lambda text: _date_text(text).isoformat(), READ_BEFORE[Kind.date]),
    Kind.datetime: _remembered(lambda text: _datetime_text(text).isoformat(), READ_BEFORE[Kind.datetime]),
}
