"""Every closed vocabulary has its Chinese labels once, in contracts, and everyone uses those."""

from __future__ import annotations

import inspect
import re
from enum import StrEnum
from pathlib import Path

import pytest
from ledger.domain.kinds import KIND_LABEL, VALUE_LABEL
from reporting.domain.statistics import CATEGORIES, CHANNELS, MEDIATIONS
from vc_contracts.catalogue import enums
from vc_contracts.catalogue.enums import (
    LABELS,
    ConsultationChannel,
    MediationOutcome,
    label,
    wire_labels,
)
from vc_contracts.export import DEFAULT_DIR, labels_document
from vc_web import labels as web_labels

ROOT = Path(__file__).resolve().parents[2]
FRONTEND = ROOT / "services/web/frontend/src"
ENUMS = [
    cls
    for _, cls in inspect.getmembers(enums, inspect.isclass)
    if issubclass(cls, StrEnum) and cls is not StrEnum
]


@pytest.mark.parametrize("enum", ENUMS, ids=lambda e: e.__name__)
def test_every_member_of_every_enum_has_one_nonempty_label(enum: type[StrEnum]) -> None:
    assert enum in LABELS, f"{enum.__name__} has no labels beside it"
    assert set(LABELS[enum]) == set(enum)
    assert all(text.strip() and not text.isascii() for text in LABELS[enum].values())


@pytest.mark.parametrize(
    ("given", "then"),
    [
        (ConsultationChannel.wechat, "微信群"),  # was 微信 in reporting
        (MediationOutcome.agreed, "调解成功"),  # was 达成协议 in reporting and the pages
    ],
)
def test_the_program_wording_is_the_one_wording(given: StrEnum, then: str) -> None:
    assert label(given) == then


def test_services_word_the_values_as_contracts_do() -> None:
    assert wire_labels(ConsultationChannel) == CHANNELS
    assert wire_labels(MediationOutcome) == MEDIATIONS
    assert wire_labels(enums.ConsultationCategory) == CATEGORIES
    assert VALUE_LABEL["channel"]["wechat"] == label(ConsultationChannel.wechat)
    assert VALUE_LABEL["outcome"]["agreed"] == label(MediationOutcome.agreed)
    assert KIND_LABEL == enums.ENTRY_KIND_LABELS


def test_labels_json_beside_the_schemas_is_current() -> None:
    assert (DEFAULT_DIR / "labels.json").read_text("utf-8").count('"wechat": "微信群"') == 1
    assert set(labels_document()) == {e.__name__ for e in LABELS}


def test_the_front_ends_labels_module_is_current() -> None:
    assert web_labels.TS_FILE.read_text("utf-8") == web_labels.render(), "run: make schemas"


def test_the_front_end_keeps_no_label_map_of_its_own() -> None:
    """A TS object literal mapping a wire value of an enum to Chinese is a twin of contracts.

    Words that are also values of other vocabularies are left out: `pending`, `approved`,
    `rejected` (a report's or a filing's state as well as a nominee's vetting), levels (the
    dashboard names a level's children), `other`, `missing` (a filing's status, and the message of a
    missing number in the pages' digit rules); and the roles."""
    shared = {
        "other",
        "pending",
        "approved",
        "rejected",
        "missing",
        "county",
        "city",
        "province",
        "township",
        "village",
    }
    wire = {m.value for e in LABELS for m in e} - shared
    twin = re.compile(r"\b(" + "|".join(sorted(wire)) + r")\s*:\s*'[^'\x00-\x7f]")
    found = [
        f"{path.relative_to(ROOT)}: {line.strip()}"
        for path in sorted([*FRONTEND.rglob("*.ts"), *FRONTEND.rglob("*.vue")])
        if path not in (web_labels.TS_FILE, FRONTEND / "auth/roles.ts")
        for line in path.read_text("utf-8").splitlines()
        if twin.search(line)
    ]
    assert found == []
