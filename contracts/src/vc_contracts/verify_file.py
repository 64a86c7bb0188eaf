"""A ledger volume's verification file (format `vc-volume/1`), read from its JSON or XLSX export.

JSON: ``{"format": "vc-volume/1", "volume_id", "length", "head", "links": [{"seq", "entry_id",
"event_id", "event_type", "canonical_version", "link", "canonical"}, …]}`` (other top-level keys,
such as kind, owner, owner_name and year, are for people and ignored here).

XLSX: the sheet ``校验数据``; row 1 ``format | vc-volume/1 | volume_id | <id> | length | <n> | head |
<hex>``, row 2 the item headings (`ITEM_KEYS`), rows 3… one item each.

Loading checks the shape only (keys, each once in its object; types, hex); whether the chain holds
is `verify_volume`'s business, so a tampered but well-formed file loads. Types are read strictly,
as the README's format says: `seq`, `length` and `canonical_version` are JSON integers (not 1.0,
not "1"; in XLSX numeric cells, which a spreadsheet program may hand back as 1.0), ids and texts
are non-empty strings, links and heads 64 lowercase hex. A `canonical` of null (JSON) or an empty cell (XLSX)
is read as None: the ledger's check file says so for an event deleted from its store, a mismatch
`verify_volume` names.
Pure apart from reading the one file.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FORMAT = "vc-volume/1"
SHEET = "校验数据"
ITEM_KEYS = ("seq", "entry_id", "event_id", "event_type", "canonical_version", "link", "canonical")
HEADER_LABELS = ("format", "volume_id", "length", "head")
VERSIONS = (1, 2)
_HEX = re.compile(r"[0-9a-f]{64}")


class VolumeFileError(ValueError):
    """The file cannot be read as a volume file; the message (Chinese) names the row or key."""


@dataclass(frozen=True)
class Item:
    """One link of the chain: `link` (64 lowercase hex) = sha256(previous link ‖ UTF-8 of `canonical`)."""

    seq: int
    entry_id: str
    event_id: str
    event_type: str
    canonical_version: int
    link: str
    canonical: str | None  # None: the event is gone from the ledger's store (null in its check file)


@dataclass(frozen=True)
class VolumeFile:
    """A volume as exported: its id, declared length and head, and its items in file order."""

    volume_id: str
    length: int
    head: str
    items: tuple[Item, ...]


def load_volume(path: str | Path) -> VolumeFile:
    """Reads a `.json` or `.xlsx` export. Raises `VolumeFileError` (also for an unreadable file)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".json":
        return _from_json(path)
    if suffix == ".xlsx":
        return _from_xlsx(path)
    raise VolumeFileError(f"无法识别的文件类型「{path.suffix}」：只接受 .json 或 .xlsx 校验文件")


def _from_json(path: Path) -> VolumeFile:
    try:
        text = path.read_text(encoding="utf-8-sig")  # a BOM some editors add
        document = json.loads(text, object_pairs_hook=_once_each)
    except VolumeFileError:
        raise
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise VolumeFileError(f"无法读取 JSON 校验文件：{exc}") from exc
    except RecursionError as exc:  # '[' * 200000: no export nests like that
        raise VolumeFileError("无法读取 JSON 校验文件：嵌套层数过深") from exc
    if not isinstance(document, dict):
        raise VolumeFileError("JSON 校验文件的顶层应为对象")
    links = document.get("links")
    if not isinstance(links, list):
        raise VolumeFileError("JSON 校验文件缺少键「links」（链接列表）")
    items = []
    for n, raw in enumerate(links):
        if not isinstance(raw, dict):
            raise VolumeFileError(f"links[{n}] 应为对象")
        items.append(_item(raw, f"links[{n}]", cells=False))
    return _volume(document, "JSON 校验文件", items, cells=False)


def _once_each(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object whose keys are unique: of a key given twice, Python's json keeps the last value
    and another reader may show the first (a tampered text beside the one that verifies)."""
    document = dict(pairs)
    if len(document) < len(pairs):
        twice = next(key for n, (key, _) in enumerate(pairs) if any(k == key for k, _ in pairs[:n]))
        raise VolumeFileError(f"JSON 校验文件中同一对象的键「{twice}」出现了两次")
    return document


def _from_xlsx(path: Path) -> VolumeFile:
    import openpyxl  # noqa: PLC0415 (only XLSX readers pay for it)

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zipfile, KeyError, XML errors… for a broken file
        raise VolumeFileError(f"无法读取 XLSX 校验文件：{exc}") from exc
    try:
        if SHEET not in book.sheetnames:
            raise VolumeFileError(f"XLSX 文件中没有「{SHEET}」工作表")
        return _from_rows(book[SHEET].iter_rows(values_only=True))
    finally:
        book.close()


def _from_rows(rows: Iterator[Sequence[Any]]) -> VolumeFile:
    first = list(next(rows, ()))
    first += [None] * (8 - len(first))
    header = {str(first[i]): first[i + 1] for i in range(0, 8, 2) if first[i] is not None}
    missing = [key for key in HEADER_LABELS if key not in header]
    if missing:
        raise VolumeFileError(f"「{SHEET}」第 1 行缺少「{missing[0]}」")
    headings = tuple(next(rows, ()))[: len(ITEM_KEYS)]
    if headings != ITEM_KEYS:
        raise VolumeFileError(f"「{SHEET}」第 2 行的列标题应为 {' | '.join(ITEM_KEYS)}")
    items = []
    for number, row in enumerate(rows, start=3):
        cells = list(row)[: len(ITEM_KEYS)]
        if all(cell is None or cell == "" for cell in cells):
            continue  # trailing blank rows a spreadsheet program leaves behind
        cells += [None] * (len(ITEM_KEYS) - len(cells))
        values = {k: v for k, v in zip(ITEM_KEYS, cells, strict=True) if v is not None}
        values.setdefault("canonical", None)  # an empty cell: the event's text is gone (deleted)
        items.append(_item(values, f"「{SHEET}」第 {number} 行", cells=True))
    return _volume(header, f"「{SHEET}」第 1 行", items, cells=True)


def _volume(header: Mapping[str, Any], where: str, items: list[Item], *, cells: bool) -> VolumeFile:
    if header.get("format") != FORMAT:
        raise VolumeFileError(f"{where}的「format」应为 {FORMAT}，实为「{header.get('format')}」")
    return VolumeFile(
        volume_id=_text(header, "volume_id", where),
        length=_count(header, "length", where, least=0, cells=cells),
        head=_hex(header, "head", where),
        items=tuple(items),
    )


def _item(raw: Mapping[str, Any], where: str, *, cells: bool) -> Item:
    version = _count(raw, "canonical_version", where, least=1, cells=cells)
    if version not in VERSIONS:
        raise VolumeFileError(f"{where}的「canonical_version」为 {version}：只认识 1 和 2")
    return Item(
        seq=_count(raw, "seq", where, least=1, cells=cells),
        entry_id=_text(raw, "entry_id", where),
        event_id=_text(raw, "event_id", where),
        event_type=_text(raw, "event_type", where),
        canonical_version=version,
        link=_hex(raw, "link", where),
        canonical=_canonical(raw, where),
    )


def _canonical(raw: Mapping[str, Any], where: str) -> str | None:
    if "canonical" not in raw:
        raise VolumeFileError(f"{where}缺少「canonical」")
    value = raw["canonical"]
    if value is not None and (not isinstance(value, str) or value == ""):
        raise VolumeFileError(f"{where}的「canonical」应为非空文本（已删除的事件为 null）")
    return value


def _present(raw: Mapping[str, Any], key: str, where: str) -> Any:
    if key not in raw or raw[key] is None:
        raise VolumeFileError(f"{where}缺少「{key}」")
    return raw[key]


def _text(raw: Mapping[str, Any], key: str, where: str) -> str:
    """A non-empty string. One rule for both formats: an XLSX cell cannot hold an empty id (it reads
    as absent), so a JSON "" is refused too (every linked event belongs to an entry)."""
    value = _present(raw, key, where)
    if not isinstance(value, str) or value == "":
        raise VolumeFileError(f"{where}的「{key}」应为非空文本")
    return value


def _count(raw: Mapping[str, Any], key: str, where: str, *, least: int, cells: bool) -> int:
    """A JSON integer (not 1.0, not "1"); in XLSX (`cells`) a numeric cell, which may read as 3.0.
    Text that looks like a number is refused in both: a verifier takes types as the format says."""
    value = _present(raw, key, where)
    if cells and isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        rule = "XLSX 中须为数值单元格" if cells else "JSON 中须为整数，不能是小数或文本"
        raise VolumeFileError(
            f"{where}的「{key}」应为不小于 {least} 的整数，实为「{value}」（{_type_name(value)}；{rule}）"
        )
    return int(value)


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "布尔值"
    if isinstance(value, str):
        return "文本"
    if isinstance(value, float):
        return "小数"
    return "整数" if isinstance(value, int) else type(value).__name__


def _hex(raw: Mapping[str, Any], key: str, where: str) -> str:
    value = _present(raw, key, where)
    if not isinstance(value, str) or not _HEX.fullmatch(value):
        raise VolumeFileError(f"{where}的「{key}」应为 64 位小写十六进制，实为「{value}」")
    return value
