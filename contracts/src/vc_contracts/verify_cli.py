"""`python -m vc_contracts.verify`: the verifier's command line (see `vc_contracts.verify`).

Prints ``ok <volume_id> <length> <head>`` and exits 0; or names the first mismatch (Chinese) and
exits 1; exits 2 for anything else: bad arguments, an unreadable or malformed file (a value of
another type than the format says), a head kept for another volume, the topic mode's "nothing to
check" (`EXIT_CODES`, also in ``--help``). ``--json`` prints the verdict as one JSON
object instead: ``{"ok", "volume_id", "length", "head", "first_mismatch": null | {"seq",
"entry_id", "event_id", "event_type", "kind", "reason", "message"}}`` (or ``{"ok": false,
"error"}`` for an unreadable file). ``--topic`` hands over to `vc_contracts.verify_topic`.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from vc_contracts.numerals import ascii_whole
from vc_contracts.verify import Verdict, VolumeFileError, load_volume, verify_volume

# The exit codes of both modes (the topic mode, `vc_contracts.verify_topic`, prints them too).
EXIT_CODES = (
    "退出码：0 校验通过；1 发现不符（指出第一处）；"
    "2 无法校验（参数错误、文件或主题无法读取、格式不符、没有可校验的内容）"
)

USAGE = (
    "python -m vc_contracts.verify FILE [--head HEX | --head 'VOLUME_ID HEX' [--length N]] [--json]\n"
    "       python -m vc_contracts.verify --topic TOPIC --bootstrap HOST:PORT [--volume ID]"
)


def run(argv: Sequence[str] | None = None) -> int:
    """Runs the CLI on `argv` (default: sys.argv[1:]); returns the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    if any(a == "--topic" or a.startswith("--topic=") for a in args):
        return _topic(args)
    parser = argparse.ArgumentParser(
        prog="python -m vc_contracts.verify",
        usage=USAGE,
        description="校验台账卷册的哈希链（无需数据库）。",
        epilog=EXIT_CODES,
    )
    parser.add_argument("file", help="卷册校验文件：.json 或 .xlsx（含「校验数据」工作表）")
    parser.add_argument(
        "--head",
        type=_head,
        help="另行保存的链头：64 位十六进制，或二维码中的「卷册号 链头」（如报告或打印件中的）",
    )
    parser.add_argument(
        "--length",
        type=_length,
        help="保存该链头时卷册的条数（报告冻结的条数），须与 --head 一同给出；"
        "卷册此后只会增长。缺省：文件的条数",
    )
    parser.add_argument("--json", action="store_true", help="以 JSON 输出结论")
    options = parser.parse_args(args)
    if options.length is not None and options.head is None:
        # the length says where a head kept elsewhere sits: alone it checks nothing
        parser.error("--length 须与 --head 一同给出（保存链头时卷册的条数）")
    try:
        volume = load_volume(options.file)
    except VolumeFileError as exc:
        _say({"ok": False, "error": str(exc)} if options.json else None, f"无法校验：{exc}", err=True)
        return 2
    kept_volume, head = options.head if options.head is not None else (None, None)
    if kept_volume is not None and kept_volume != volume.volume_id:
        message = f"无法校验：链头属于卷册 {kept_volume}，而文件是卷册 {volume.volume_id}"
        _say({"ok": False, "error": message} if options.json else None, message, err=True)
        return 2
    verdict = verify_volume(volume, head, options.length)
    _say(_jsonable(verdict) if options.json else None, _line(verdict))
    return 0 if verdict.ok else 1


def _topic(argv: list[str]) -> int:
    try:
        from vc_contracts.verify_topic import main  # noqa: PLC0415 (needs the kafka extra)
    except ModuleNotFoundError as exc:
        print(
            f"按主题校验需要 vc_contracts.verify_topic 及 kafka 附加依赖"
            f"（villagecounsel-contracts[kafka]）：{exc}",
            file=sys.stderr,
        )
        return 2
    return int(main(argv))


def _head(value: str) -> tuple[str | None, str]:
    """`HEX`, or the QR code's text `VOLUME_ID HEX`: (volume id or None, head)."""
    parts = value.split()
    volume, head = (parts[0], parts[1].lower()) if len(parts) == 2 else (None, value.strip().lower())
    if not re.fullmatch(r"[0-9a-f]{64}", head):
        raise argparse.ArgumentTypeError("链头应为 64 位十六进制，或二维码中的「卷册号 链头」")
    return volume, head


def _length(value: str) -> int:
    # ASCII digits only: int() would read "٣" as 3, a length nobody kept
    length = ascii_whole(value, least=1)
    if length is None:
        raise argparse.ArgumentTypeError("条数应为不小于 1 的整数（半角数字 0-9）")
    return length


def _line(verdict: Verdict) -> str:
    if verdict.first_mismatch is None:
        return f"ok {verdict.volume_id} {verdict.length} {verdict.head}"
    return f"不符 {verdict.volume_id} {verdict.first_mismatch.message}"


def _jsonable(verdict: Verdict) -> dict[str, Any]:
    mismatch = verdict.first_mismatch
    return {
        "ok": verdict.ok,
        "volume_id": verdict.volume_id,
        "length": verdict.length,
        "head": verdict.head,
        "first_mismatch": None if mismatch is None else {**asdict(mismatch), "message": mismatch.message},
    }


def _say(document: dict[str, Any] | None, line: str, *, err: bool = False) -> None:
    if document is not None:
        print(json.dumps(document, ensure_ascii=False))
    else:
        print(line, file=sys.stderr if err else sys.stdout)
