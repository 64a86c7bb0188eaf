"""What a caller may send, checked once for every request body (pure): no invisible direction or
format character in any text (`vc_contracts.text.invisible_character`, applied by
`eventkit.params.RequestBody` with each text's path), every date and time as ISO 8601 text, never a
number read as Unix time (`vc_contracts.base.check_iso_text`), an `Idempotency-Key` never blank
(`eventkit.idempotency.check_key`), and an error's fields read under a path (`AppError.within`).

Session 14 newcomer findings: a U+202E in a visit's place showed it reversed on every page and
export; `"started_at": 1740000000` was stored as 2025-02-20 05:20 +08:00. Stored events keep their
types: an event written before the rule still decodes.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

import pytest
from eventkit.errors import RuleViolationError
from eventkit.idempotency import MAX_KEY_LENGTH, check_key
from eventkit.params import RequestBody
from eventkit.sheet_cells import cell_text
from eventkit.spreadsheets import Kind
from hypothesis import given
from hypothesis import strategies as st
from pydantic import Field, TypeAdapter, ValidationError
from vc_contracts import CST, ShanghaiDate, ShanghaiDateTime, parse_event
from vc_contracts.base import check_iso_text
from vc_contracts.text import (
    FreeText,
    ShortText,
    _emoji_tags,
    _joins_emoji,
    _separates_mongolian_vowel,
    invisible_character,
)

INVISIBLE = [  # (character, its kind in the reason)
    ("\u202e", "文字方向控制字符"), ("\u202a", "文字方向控制字符"), ("\u202d", "文字方向控制字符"),
    ("\u2066", "文字方向控制字符"), ("\u2069", "文字方向控制字符"), ("\u200e", "文字方向控制字符"),
    ("\u200f", "文字方向控制字符"), ("\u061c", "文字方向控制字符"),
    ("\u200b", "格式字符"), ("\u200d", "格式字符"), ("\u2060", "格式字符"), ("\u2064", "格式字符"),
    ("\ufeff", "格式字符"), ("\u206a", "格式字符"), ("\u180e", "格式字符"), ("\ufff9", "格式字符"),
    ("\U000e0041", "格式字符"), ("\u2028", "格式字符"), ("\u2029", "格式字符"),
    ("\u00ad", "格式字符"), ("\U0001d173", "格式字符"), ("\U0001d17a", "格式字符"),  # drawn as nothing
    # printable letters and marks drawn as nothing: a name of one U+3164 showed as an empty name
    ("\u3164", "不可见的字符"), ("\u115f", "不可见的字符"), ("\u1160", "不可见的字符"),
    ("\uffa0", "不可见的字符"), ("\u034f", "不可见的字符"), ("\u17b4", "不可见的字符"),
    ("\u17b5", "不可见的字符"), ("\U0001bca0", "格式字符"), ("\u2065", "不可见的字符"),
    ("\ufff0", "不可见的字符"), ("\U000e0000", "不可见的字符"),
]  # fmt: skip
# Unicode's Default_Ignorable_Code_Point ("rendered invisibly"; DerivedCoreProperties.txt, Unicode 15)
DEFAULT_IGNORABLE = {
    chr(c)
    for first, last in [
        (0x00AD, 0x00AD), (0x034F, 0x034F), (0x061C, 0x061C), (0x115F, 0x1160), (0x17B4, 0x17B5),
        (0x180B, 0x180F), (0x200B, 0x200F), (0x202A, 0x202E), (0x2060, 0x206F), (0x3164, 0x3164),
        (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF), (0xFFA0, 0xFFA0), (0xFFF0, 0xFFF8), (0x1BCA0, 0x1BCA3),
        (0x1D173, 0x1D17A), (0xE0000, 0xE0FFF),
    ]
    for c in range(first, last + 1)
}  # fmt: skip
# Variation selectors choose how the character before them is drawn (an emoji's look, an ideograph's
# variant, the Mongolian letter forms): they pass
VARIATION_SELECTORS = {
    chr(c) for c in [*range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0), 0x180B, 0x180C, 0x180D, 0x180F]
}
REFUSED = (
    {char for char, _ in INVISIBLE}
    | {chr(c) for c in range(0x202A, 0x202F)}
    | {chr(c) for c in [*range(0x200B, 0x2010), *range(0x2060, 0x2065), *range(0x2066, 0x2070)]}
    | {chr(c) for c in [*range(0xFFF9, 0xFFFC), 0xE0001, *range(0xE0020, 0xE0080)]}  # annotation, tag chars
    | {chr(c) for c in [0x00AD, *range(0x1D173, 0x1D17B)]}  # soft hyphen, musical format: drawn as nothing
    | (DEFAULT_IGNORABLE - VARIATION_SELECTORS)  # every other character drawn as nothing
)  # every character `vc_contracts.text` refuses (hypothesis drew a tag character, U+E0020, left out)


@pytest.mark.parametrize(("char", "kind"), INVISIBLE)
def test_an_invisible_direction_or_format_character_is_named_with_its_place(char: str, kind: str) -> None:
    reason = invisible_character(f"村委会{char}会议室")
    assert reason is not None
    assert kind in reason and f"U+{ord(char):04X}" in reason and "第 4 个字符" in reason


def test_every_default_ignorable_character_but_the_variation_selectors_is_refused() -> None:
    """Found for U+3164 (a Hangul filler, printable: the fast paths asking `isprintable()` let it
    through, and a name of one showed as empty); the kind is Unicode's default-ignorable set."""
    for char in sorted(DEFAULT_IGNORABLE):
        refused = invisible_character(f"张{char}三") is not None
        assert refused == (char not in VARIATION_SELECTORS), f"U+{ord(char):04X}"


@pytest.mark.parametrize(
    "text", ["👍\ufe0f", "☺\ufe0e", "葛\U000e0100", "\u1820\u180b", "张\u3164三", "\u3164"]
)
def test_a_cell_and_a_body_answer_a_printable_invisible_character_as_the_rule_does(text: str) -> None:
    """The import's cells (`cell_text`) and every request body (`RequestBody`) ask the one rule."""
    reason = invisible_character(text)
    try:
        cell = cell_text(text, Kind.text)
    except ValueError as exc:
        assert reason is not None and str(exc).startswith(reason)
    else:
        assert reason is None and cell == text
    with pytest.raises(ValidationError) if reason else _nothing():
        _Named.model_validate({"name": text})


class _Named(RequestBody):
    name: str


@contextlib.contextmanager
def _nothing() -> Iterator[None]:
    yield


@pytest.mark.parametrize(
    "text",
    ["村委会会议室", "张三\u3000李四", "第1条\t第2条\n第3条", "👨", "ﬁ", "\u00a0不换行空格", "阿拉伯数字٣"],
)
def test_visible_text_and_ordinary_spaces_pass(text: str) -> None:
    assert invisible_character(text) is None  # (TAB and LF are the line rule's, vc_contracts.text)


@given(st.text(), st.sampled_from(sorted(REFUSED)), st.text())
def test_any_text_holding_one_is_refused(before: str, char: str, after: str) -> None:
    # "。" after it: a U+200D between two emoji is one picture's joiner and passes (next tests)
    assert invisible_character(before + char + "。" + after) is not None


EMOJI_SEQUENCES = ["我家👨\u200d👩\u200d👧怎么办", "👩\u200d⚖️法官", "🏳️\u200d🌈", "👍🏻\u200d👍"]


@pytest.mark.parametrize("text", EMOJI_SEQUENCES)
def test_a_joiner_inside_an_emoji_passes(text: str) -> None:
    """An emoji ZWJ sequence (UTS #51) as a phone's emoji keyboard writes it: the board refused a
    resident's 👨‍👩‍👧 as holding an invisible character."""
    assert invisible_character(text) is None


# the flags of England, Scotland and Wales (UTS #51 emoji tag sequences: 🏴, tag letters, CANCEL TAG),
# on every phone's emoji keyboard
FLAGS = [
    "英格兰🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f队",
    "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f🏴\U000e0067\U000e0062\U000e0077\U000e006c\U000e0073\U000e007f",
]


@pytest.mark.parametrize("text", FLAGS)
def test_a_flag_of_tags_passes(text: str) -> None:
    """The tags spell the flag's region (gbeng): refused as U+E0067, characters nobody typed."""
    assert invisible_character(text) is None
    assert cell_text(text, Kind.text) == text


@pytest.mark.parametrize(
    "text",
    [
        "字\U000e0067\U000e0062\U000e007f",  # no emoji before the tags
        "🏴\U000e0067\U000e0062",  # no CANCEL TAG after them
        "🏴\U000e007f",  # no tag between
        "🏴\U000e0067\U000e0001\U000e007f",  # U+E0001 LANGUAGE TAG is no tag letter
        "🏴\U000e0067\U000e0062\U000e007f\U000e007f",  # a second CANCEL TAG ends nothing
    ],
)
def test_tags_not_in_a_flag_are_refused(text: str) -> None:
    assert invisible_character(text) is not None


@pytest.mark.parametrize("text", ["ᠬᠠᠳᠠ\u180eᠠ", "ᠨᠣᠮ\u180eᠡ", "内蒙古 ᠬᠠᠳᠠ\u180eᠠ 村"])
def test_the_mongolian_vowel_separator_in_a_mongolian_word_passes(text: str) -> None:
    """Traditional Mongolian writes U+180E before a final ᠠ or ᠡ (ᠬᠠᠳᠠ᠎ᠠ, "rock"): a word spelled
    right was refused as holding an invisible character (a newcomer's find, session 32)."""
    assert invisible_character(text) is None


@pytest.mark.parametrize("text", ["张\u180e三", "ᠬᠠᠳᠠ\u180e", "\u180eᠠ", "ᠬᠠᠳᠠ\u180eᠬ", "a\u180eᠠ"])
def test_the_mongolian_vowel_separator_elsewhere_is_refused(text: str) -> None:
    assert invisible_character(text) is not None


@pytest.mark.parametrize("text", ["数字\u200d有误", "👨\u200d", "\u200d👨", "👨\u200d字", "字\u200d👨"])
def test_a_joiner_not_between_two_emoji_is_refused(text: str) -> None:
    assert invisible_character(text) is not None


@given(st.text())
def test_text_without_one_passes(text: str) -> None:
    tags = _emoji_tags(text)  # emoji joiners, a flag's tags and a Mongolian word's separator pass
    rest = "".join(
        c
        for i, c in enumerate(text)
        if not (_joins_emoji(text, i) or _separates_mongolian_vowel(text, i)) and i not in tags
    )
    assert (invisible_character(text) is None) == REFUSED.isdisjoint(rest)


ISO_TEXT = [  # (given, with_time, refused)
    ("2025-03-05", False, False),
    ("2025-03-05T09:00:00+08:00", True, False),
    ("2025-03-05 09:00:00+08:00", True, False),
    ("2025-03-05T09:00:00", True, False),  # naive: the type's rule (refused for instants, CST for days)
    (date(2025, 3, 5), False, False),  # a Python caller
    (datetime(2025, 3, 5, 9, tzinfo=CST), True, False),
    (None, False, False),
    ([date(2025, 3, 5), "2025-03-06"], False, False),
    (1740000000, True, True),  # the example
    (1740000000.5, True, True),
    ("1740000000", True, True),  # digits as text: Unix time too for pydantic
    ("20250305", False, True),
    (0, False, True),
    (True, False, True),
    ("明天", True, True),
    (["2025-03-05", 1740960000], False, True),
]


@pytest.mark.parametrize(("given_value", "with_time", "refused"), ISO_TEXT)
def test_a_date_or_time_is_iso_8601_text_never_a_number(
    given_value: Any, with_time: bool, refused: bool
) -> None:
    if refused:
        with pytest.raises(ValueError, match="ISO 8601"):
            check_iso_text(given_value, with_time=with_time)
    else:
        assert check_iso_text(given_value, with_time=with_time) is given_value


class Sample(RequestBody):
    name: ShortText
    items: list[ShortText] = Field(default_factory=list)
    changes: dict[str, Any] = Field(default_factory=dict)
    day: ShanghaiDate | None = None
    at: ShanghaiDateTime | None = None


def _refusals(data: dict[str, Any]) -> dict[tuple[Any, ...], str]:
    with pytest.raises(ValidationError) as refused:
        Sample.model_validate(data)
    return {e["loc"]: e["msg"] for e in refused.value.errors()}


def test_a_body_names_each_invisible_character_by_its_path_with_its_other_errors() -> None:
    found = _refusals(
        {"name": "村\u202e委会", "items": ["好", "坏\u200b"], "changes": {"summary": {"text": "\u2066"}},
         "day": 20250305, "at": "2025-03-05"}
    )  # fmt: skip
    assert set(found) == {("name",), ("items", 1), ("changes", "summary", "text"), ("day",), ("at",)}
    assert "U+202E" in found[("name",)] and "ISO 8601" in found[("day",)]


def test_a_body_with_only_an_invisible_character_is_refused_and_clean_ones_pass() -> None:
    assert set(_refusals({"name": "\ufeff村委会"})) == {("name",)}
    body = Sample.model_validate({"name": "村委会", "day": "2025-03-05", "at": "2025-03-05T09:00:00+08:00"})
    assert body.day == date(2025, 3, 5) and body.at == datetime(2025, 3, 5, 9, tzinfo=CST)


def test_the_stored_events_and_their_types_keep_what_was_stored_before_the_rules() -> None:
    data = {"entry_id": "E-1", "advisor_id": "A-1", "unit_id": "U-1", "village_code": "621025100201",
            "started_at": "2025-03-05T09:00:00+08:00", "ended_at": "2025-03-05T11:00:00+08:00",
            "occurred_at": "2025-03-05T09:00:00+08:00", "hours": 2.0, "place": "村委会\u202e室议会",
            "summary": "坐班\u200b", "note": ""}  # fmt: skip
    assert parse_event("VisitLogged", 1, data).place == "村委会\u202e室议会"  # type: ignore[attr-defined]
    # the field types themselves are unchanged (an event built from them too): only RequestBody refuses
    assert TypeAdapter(ShortText).validate_python("村\u202e委会") == "村\u202e委会"
    assert TypeAdapter(FreeText).validate_python("坐班\u200b") == "坐班\u200b"


KEYS = [  # (given, refused, reason)
    ("", True, "幂等键不能为空"),
    ("   ", True, "幂等键不能为空"),
    ("\t", True, "幂等键不能为空"),
    ("a b", True, "可见的 ASCII"),
    ("k" * (MAX_KEY_LENGTH + 1), True, "不能超过 200"),
    ("k" * MAX_KEY_LENGTH, False, ""),
    ("0190f6a2-7c1e-7d3b-9a5e-2f6c8b1d4e3a", False, ""),
    (None, False, ""),  # no header: no key
]


@pytest.mark.parametrize(("key", "refused", "reason"), KEYS)
def test_an_idempotency_key_sent_is_never_blank(key: str | None, refused: bool, reason: str) -> None:
    if refused:
        with pytest.raises(ValueError, match=reason):
            check_key(key)
    else:
        assert check_key(key) is key


def test_an_error_names_its_fields_under_a_path() -> None:
    error = RuleViolationError(
        "原因", field="occurred_at", reasons=[("occurred_at", "甲"), ("summary", "乙")]
    )
    assert error.within("changes", {"occurred_at": "started_at"}) is error
    assert error.field == "changes.started_at"
    assert error.reasons == [("changes.started_at", "甲"), ("changes.summary", "乙")]
    assert error.within("body").field == "body.changes.started_at"
    assert RuleViolationError("原因").within("body").field is None


@pytest.mark.parametrize(("kind", "cell"), [(Kind.text, "普法\u202e讲座"), (Kind.identifier, "A-1\u200b")])
def test_an_import_cell_holds_the_same_rule(kind: Kind, cell: str) -> None:
    with pytest.raises(ValueError, match=r"不能包含不可见的.*请删除后重新上传"):
        cell_text(cell, kind)
    assert cell_text("普法 讲座", Kind.text) == "普法 讲座"
