"""A value outside an enum is refused naming the choices as people read them (土地（land）…), not
the wire values alone ('land', 'marriage_family', …): every enum of the catalogue, one rule."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal

import pytest
from eventkit.reasons import reason_for
from pydantic import TypeAdapter, ValidationError
from vc_contracts.catalogue.enums import LABELS, ConsultationCategory


def _reason(kind: Any, given: str) -> str:
    try:
        TypeAdapter(kind).validate_python(given)
    except ValidationError as refused:
        return reason_for(refused.errors()[0])
    raise AssertionError(given)


def test_the_public_question_category_lists_chinese_labels() -> None:
    # given the public feedback form's category, when an unknown one is sent, then its choices read
    reason = _reason(ConsultationCategory, "weather")
    assert reason.startswith("取值无效，可选：土地（land）、婚姻家庭（marriage_family）"), reason


@pytest.mark.parametrize("enum", list(LABELS), ids=lambda e: e.__name__)
def test_every_catalogue_enum_names_its_choices_by_label(enum: type[StrEnum]) -> None:
    reason = _reason(enum, "no-such-value")
    for member, label in LABELS[enum].items():
        assert f"{label}（{member.value}）" in reason, (member, reason)


def test_a_literal_lists_its_choices_and_an_unlabelled_enum_its_values() -> None:
    assert _reason(Literal["json", "xlsx"], "pdf") == "取值无效，可选：json、xlsx"
