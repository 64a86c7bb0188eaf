"""No command line of the project answers odd input with a traceback: a usage error (exit 2).

`python -m eventkit.tokens issue … --hours inf` printed an OverflowError. The same kind, in every
argparse CLI (services, deploy, contracts, bench): non-finite, negative, overflowing or exponent
numbers, digits of other scripts (int() reads "٣" as 3), empty and blank words, an unknown service
or read model (a ModuleNotFoundError / StopIteration). Each is called in-process with the odd
argument; whatever would run after parsing (asyncio.run, uvicorn.run) is replaced by a stand-in
that fails the test, so a bad value that got through is seen, and nothing real starts."""

from __future__ import annotations

import asyncio
import importlib
import io
import sys
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any

import pytest
import uvicorn

ROOT = str(Path(__file__).resolve().parents[2])
if ROOT not in sys.path:  # bench/ is a folder of the repository, not an installed package
    sys.path.insert(0, ROOT)

BAD_NUMBERS = [
    "inf",
    "nan",
    "-1",
    "1e999",
    "1e3",
    "99999999999999999999999",
    "٣",
    "１２",
    "",
    " ",
    "12abc",
    "0x10",
]
"""What no count, duration, rate, port or year is. (0 is fine for some: they get their own case.)"""

TOKEN = ["issue", "--role", "county_admin", "--scope", "621025"]


def _cases() -> list[tuple[str, str, list[str]]]:
    """(module, its entry point, argv)."""
    cases: list[tuple[str, str, list[str]]] = []
    numbers = [
        ("eventkit.tokens", "main", [*TOKEN, "--hours"], ["0", "100000"]),
        ("vc_web.main", "main", ["--port"], ["0", "65536"]),
        ("bench.__main__", "parse_args", ["--events"], ["0"]),
        ("bench.__main__", "parse_args", ["--seconds"], ["0"]),
        ("bench.__main__", "parse_args", ["--rate"], ["0"]),
        ("bench.__main__", "parse_args", ["--latency-seconds"], ["0"]),
        ("bench.scale", "parse_args", ["--seed"], []),
        ("bench.scale", "parse_args", ["--year"], ["0", "10000"]),
        ("bench.scale", "parse_args", ["--agreements"], ["1.5"]),
        ("bench.scale", "parse_args", ["--budget"], ["0"]),
        ("bench.scale", "parse_args", ["--sizes"], ["0", "1000,,2000", "1000,٣"]),
        ("bench.province.__main__", "parse_args", ["--seed"], []),
        ("bench.province.__main__", "parse_args", ["--villages"], ["0"]),
        ("bench.province.__main__", "parse_args", ["--year"], ["0"]),
        ("bench.province.__main__", "parse_args", ["--agreements"], ["2"]),
        ("bench.catchup_profile", "main", ["--events"], ["0"]),
        ("bench.catchup_profile", "main", ["--rounds"], ["0"]),
        ("bench.catchup_profile", "main", ["--caps"], ["0", "500,"]),
        ("bench.import_profile", "main", ["--rows"], ["0"]),
        ("vc_contracts.verify_cli", "run", ["volume.json", "--head", "0" * 64, "--length"], ["0"]),
        ("ledger.cli", "main", ["seal", "--county"], ["62102", "６２１０２５", "62102510"]),
    ]
    for module, entry, argv, more in numbers:
        cases += [(module, entry, [*argv, value]) for value in BAD_NUMBERS + more]
    for module in ("eventkit.rebuild", "eventkit.own_views", "eventkit.parked"):
        for argv in (
            ["", "x"],
            [" ", "x"],
            ["nosuch", "x"],
            ["eventkit", "x"],
            ["reporting", "nosuch"],
            ["reporting", ""],
        ):
            cases.append((module, "main", argv))
    cases += [
        ("ledger.cli", "main", ["verify", "village", "621025100201", "٢٠٢٥"]),
        ("ledger.cli", "main", ["verify", "village", "", "2025"]),
        ("vc_contracts.verify_topic", "main", ["--bootstrap", ""]),
        ("vc_contracts.verify_topic", "main", ["--bootstrap", "localhost:9092", "--topic", " "]),
        ("bench.replicas", "main", ["dsn", "schema", "localhost:9092", "topic", "group", "0,x"]),
        ("bench.replicas", "main", ["dsn", "schema", "localhost:9092", "topic", "group", "-1"]),
    ]
    return cases


def _must_not_run(*args: Any, **kwargs: Any) -> Any:
    for arg in args:  # an un-awaited coroutine would only warn
        if asyncio.iscoroutine(arg):
            arg.close()
    raise AssertionError("the odd argument got past the command line's parsing")


@pytest.mark.parametrize(
    ("module", "entry", "argv"), _cases(), ids=lambda v: repr(v) if isinstance(v, list) else v
)
def test_an_odd_argument_is_a_usage_error_not_a_traceback(
    module: str, entry: str, argv: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(asyncio, "run", _must_not_run)
    monkeypatch.setattr(uvicorn, "run", _must_not_run)
    monkeypatch.setenv("DATABASE_URL", "postgresql://nowhere.invalid/none")
    monkeypatch.setenv("VC_JWT_SECRET", "a-test-secret-of-at-least-32-bytes!")
    monkeypatch.setattr("sys.argv", [module, *argv])
    call: Callable[..., Any] = getattr(importlib.import_module(module), entry)
    err = io.StringIO()
    with redirect_stderr(err), redirect_stdout(io.StringIO()), pytest.raises(SystemExit) as exited:
        if entry == "parse_args" or module.startswith("vc_contracts"):
            call(argv)
        else:
            call()
    assert exited.value.code == 2, err.getvalue()
    assert "error" in err.getvalue() or "错误" in err.getvalue(), err.getvalue()
