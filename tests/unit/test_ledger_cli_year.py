"""`python -m ledger.cli verify KIND OWNER YEAR` reads the volume as every other reader of a volume
id does (`vc_contracts.chain.parse_volume_id`): a year in another script's digits, signed, spaced,
with an underscore or out of range is refused by the parser (exit 2), never verified as some
other year or as an empty volume nobody has."""

from __future__ import annotations

import sys

import pytest
from ledger import cli

VILLAGE = "621025100201"


def _run(monkeypatch: pytest.MonkeyPatch, *args: str) -> SystemExit:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setattr(sys, "argv", ["python -m ledger.cli", "verify", *args])
    with pytest.raises(SystemExit) as stopped:
        cli.main()
    return stopped.value


# given year | why it names no volume
REFUSED = [
    ("٢٠٢٥", "Arabic-Indic digits: int() reads them as 2025"),
    ("２０２５", "full-width digits"),
    ("2025²", "a superscript"),
    ("2" * 25, "25 digits"),
    ("-1", "a sign"),
    ("+2025", "a sign int() accepts"),
    (" 2025", "a space int() strips"),
    ("2_025", "an underscore int() accepts"),
    ("1999", "before the first volume year"),
    ("02025", "five digits"),
]


@pytest.mark.parametrize(("year", "why"), REFUSED)
def test_a_year_that_names_no_volume_is_refused_before_any_database(
    year: str, why: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(monkeypatch, "village", VILLAGE, year).code == 2, why
    assert "no such volume" in capsys.readouterr().err


def test_an_owner_no_volume_has_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _run(monkeypatch, "village", "621025100000", "2025").code == 2  # a township's code


def test_a_volume_id_goes_on_to_the_database(monkeypatch: pytest.MonkeyPatch) -> None:
    for args in (("village", VILLAGE, "2025"), ("unit", "U-firm-1", "2100")):
        assert _run(monkeypatch, *args).code == "DATABASE_URL is not set"
