"""Argument types for the project's command lines (argparse `type=`): what a person types is read
strictly, and anything else is a usage error (exit 2, one line), never a traceback.

`type=int` and `type=float` read too much and too little: `float("inf")`, `float("nan")` and
`float("1e999")` are numbers no duration or rate can be (a token valid "inf" hours raised
OverflowError), `int("٣")` is 3 although nobody typed a 3, and a negative count or a port of 10**30
fails deep inside the command. These types take ASCII digits only, finite, inside bounds the
command names; `name` refuses an empty or blank word.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable
from math import isfinite

from vc_contracts.numerals import ascii_whole

_DECIMAL = re.compile(r"[0-9]{1,12}(\.[0-9]{1,9})?")


def whole(least: int = 0, most: int = 10**12) -> Callable[[str], int]:
    """A whole number of ASCII digits in [least, most]."""

    def read(text: str) -> int:
        value = ascii_whole(text)
        if value is None or not least <= value <= most:
            raise argparse.ArgumentTypeError(f"应为 {least} 到 {most} 之间的整数（半角数字 0-9）：{text!r}")
        return value

    return read


def decimal(least: float = 0.0, most: float = 1e9, *, above: bool = False) -> Callable[[str], float]:
    """A decimal number of ASCII digits (e.g. 12 or 0.5; no sign, exponent, inf or nan) in
    [least, most], or (least, most] with `above`."""

    def read(text: str) -> float:
        value = float(text) if _DECIMAL.fullmatch(text) else None
        low_ok = value is not None and (value > least if above else value >= least)
        if value is None or not isfinite(value) or not low_ok or value > most:
            bound = f"大于 {least:g}" if above else f"不小于 {least:g}"
            raise argparse.ArgumentTypeError(
                f"应为{bound}、不大于 {most:g} 的数（半角数字与小数点，如 12 或 0.5）：{text!r}"
            )
        return value

    return read


def name(text: str) -> str:
    """A non-empty word (a service, a projection, a county code): blank is refused."""
    if not text.strip() or "\x00" in text:
        raise argparse.ArgumentTypeError(f"不能为空：{text!r}")
    return text


def wholes(least: int = 0, most: int = 10**12) -> Callable[[str], list[int]]:
    """Comma-separated whole numbers (e.g. 1000,4000), each as `whole(least, most)` reads it."""
    one = whole(least, most)

    def read(text: str) -> list[int]:
        return [one(part) for part in text.split(",")]

    return read


def digits(count: int) -> Callable[[str], str]:
    """A code of exactly `count` ASCII digits (a county's 6-digit code), kept as text."""
    pattern = re.compile(rf"[0-9]{{{count}}}")

    def read(text: str) -> str:
        if pattern.fullmatch(text) is None:
            raise argparse.ArgumentTypeError(f"应为 {count} 位半角数字：{text!r}")
        return text

    return read
