"""One row of a backfill file → the fields of a LogEntry, with every unreadable cell named."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any, NamedTuple

from eventkit.reasons import CODE_PATTERN_REASONS
from pydantic import TypeAdapter, ValidationError
from vc_contracts import CST
from vc_contracts.base import whole_minute_offset
from vc_contracts.catalogue.fields import VILLAGE_CODE_PATTERN, VillageCode
from vc_contracts.codes import ascii_digits
from vc_contracts.text import quoted

from ledger.domain.kinds import EVENT_OF, KIND_LABEL, VALUE_LABEL, Kind

COMMON = {
    "entry_id",
    "client_entry_id",
    "advisor_id",
    "unit_id",
    "village_code",
    "occurred_at",
    "note",
    "started_at",
    "ended_at",
    "hours",
}
KINDS = (
    {label: kind for kind, label in KIND_LABEL.items()}
    | {k.value: k for k in Kind}
    | {
        "驻点": Kind.visit,
        "讲座": Kind.lecture,
        "普法宣传": Kind.publicity,
        "咨询": Kind.consultation,
        "调解": Kind.mediation,
        "审查": Kind.document_review,
    }
)
ENUMS = {field: {label: value for value, label in labels.items()} for field, labels in VALUE_LABEL.items()}
INTS = {"audience", "parties"}
_SLASHED = ("%Y/%m/%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d", "%Y.%m.%d %H:%M", "%Y年%m月%d日 %H:%M")

Problems = list[tuple[str, str]]


class LabelError(ValueError):
    """A cell of a labelled column (channel, category…) holding neither a label nor a code."""


class ParsedRow(NamedTuple):
    """A row of the file read as an entry's fields (immutable; a tuple: built in a quarter of a
    frozen dataclass's time, once per row)."""

    line: int
    kind: Kind
    advisor_id: str
    village_code: str
    start: datetime
    end: datetime | None
    details: dict[str, Any]
    note: str
    client_entry_id: str


_MEMO = 16_384  # texts kept in _READ_BEFORE (a few MB at most); then it starts afresh
_READ_BEFORE: dict[str, datetime] = {}
"""The time texts read so far and their CST time (`when` is a pure function of the text): a file
repeats its days and hours, and reading one costs a parse and a time zone conversion."""


def when(value: Any) -> datetime:
    """A cell as a CST time: an XLSX date cell, ISO text (with or without offset) or 2025/3/5 9:00."""
    if type(value) is str:
        found = _READ_BEFORE.get(value)
        if found is None:
            found = _when(value)
            if len(_READ_BEFORE) >= _MEMO:  # bounded; dict operations are atomic: threads may share it
                _READ_BEFORE.clear()
            _READ_BEFORE[value] = found
        return found
    return _when(value)


def _when(value: Any) -> datetime:
    if isinstance(value, datetime):
        moment = value
    else:
        text = str(value).strip()
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            for fmt in _SLASHED:
                try:
                    moment = datetime.strptime(text, fmt).replace(tzinfo=CST)  # written without offset: CST
                    break
                except ValueError:
                    continue
            else:
                raise ValueError(text) from None
    # an offset with seconds (+08:00:30) is a typing mistake: refused, as in a request body
    return (
        moment.replace(tzinfo=CST) if moment.tzinfo is None else whole_minute_offset(moment).astimezone(CST)
    )


_WHOLE_CELL = re.compile(r"(-?[0-9]{1,18})(?:\.0*)?")


def _whole(value: Any) -> int:
    """A count cell: an int, a spreadsheet number without a fraction, or text of digits (read as
    codes.ascii_digits reads them, so ３０ is 30), `30.0` too. ValueError otherwise: a fraction,
    `inf`, `nan`, `1e3`, more than 18 digits (float() took those, and int(inf) raised OverflowError,
    a 500)."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not value.is_integer():  # also inf and nan
            raise ValueError(value)
        return int(value)
    match = _WHOLE_CELL.fullmatch(ascii_digits(str(value)))
    if match is None:
        raise ValueError(value)
    return int(match.group(1))


def _names(value: Any) -> list[str]:
    text = str(value)
    for sep in "，,;；":
        text = text.replace(sep, "、")
    return [part.strip() for part in text.split("、") if part.strip()]


def _labelled(field: str) -> Callable[[Any], str]:
    labels = ENUMS[field]
    codes = set(labels.values())
    known = "、".join(labels)

    def read(value: Any) -> str:
        text = str(value).strip()
        if text in codes:  # the API's code, as an export of the API would write it
            return text
        if text not in labels:  # a paper ledger is written with labels: name them, not the codes
            raise LabelError(f"无法识别的取值「{quoted(text)}」，应为：{known}")
        return labels[text]

    return read


def _text(value: Any) -> str:
    return str(value).strip()


def _reader(field: str) -> Callable[[Any], Any]:
    """How a detail field's cell is read: a count, a list of names, a label, else text."""
    if field in INTS:
        return _whole
    if field == "co_organisers":
        return _names
    if field in ENUMS:
        return _labelled(field)
    return _text


# Each kind's own fields with their readers, in the order of the set `set(fields) - COMMON` (the
# order a row's problems have always named them in), worked out once instead of once per row.
_DETAILS = {
    kind: tuple((field, _reader(field)) for field in set(cls.model_fields) - COMMON)
    for kind, cls in EVENT_OF.items()
}
_REQUIRED = {"kind", "advisor_id", "village_code", "started_at", "client_entry_id"}
_VISIT = Kind.visit

EXAMPLE_CLIENT_ID = "示例-1"
"""The client entry id of the template's example row (`import_template`). A row whose client id
starts with 示例 is the example left in (or copied and edited from it): it is refused by that column,
never written as a record of work nobody did (a template uploaded unchanged logged a 3-hour visit)."""
_EXAMPLE_MARK = EXAMPLE_CLIENT_ID.split("-")[0]


_VILLAGE_CODE: TypeAdapter[str] = TypeAdapter(VillageCode)
_GOOD_CODES: set[str] = set()  # village codes read well so far (a file names a few, on many rows)


def village_code_problem(code: str) -> str | None:
    """Why `code` is no village code, by the API's own type, or None; the reason is the village
    code's shape (村（社区）代码须为12位数字…), not the division code's that a six-digit code passes.
    Checked before anything is looked up by it: an 11-digit code was answered "未被指派到62102510000"."""
    if code in _GOOD_CODES:
        return None
    try:
        _VILLAGE_CODE.validate_python(code)
    except ValidationError:
        return CODE_PATTERN_REASONS[VILLAGE_CODE_PATTERN]
    if len(_GOOD_CODES) >= _MEMO:  # bounded, as _READ_BEFORE
        _GOOD_CODES.clear()
    _GOOD_CODES.add(code)
    return None


def parse_row(line: int, values: dict[str, Any]) -> tuple[ParsedRow | None, Problems]:
    """The row's fields, or None and its problems (field, reason) in the order they have always
    been named: missing cells, the kind, the start, the end, then the kind's own fields."""
    problems: Problems = []
    if not values.keys() >= _REQUIRED:
        for field in ("kind", "advisor_id", "village_code", "started_at", "client_entry_id"):
            if field not in values and not (field == "started_at" and "occurred_at" in values):
                problems.append((field, "不能为空"))
    kind = KINDS.get(str(values.get("kind", "")).strip())
    if kind is None and "kind" in values:
        problems.append(
            (
                "kind",
                f"无法识别的类型「{quoted(str(values['kind']))}」，应为：{'、'.join(KIND_LABEL.values())}",
            )
        )
    if "village_code" in values and (wrong := village_code_problem(str(values["village_code"]).strip())):
        problems.append(("village_code", wrong))
    start = end = None
    source = values["started_at"] if "started_at" in values else values.get("occurred_at")
    if source is not None:
        try:
            start = when(source)
        except ValueError:
            problems.append(("started_at", f"无法识别的时间「{quoted(str(source))}」，例如 2025-03-05 09:00"))
    source = values.get("ended_at")
    if source is not None:
        try:
            end = when(source)
        except ValueError:
            problems.append(("ended_at", f"无法识别的时间「{quoted(str(source))}」，例如 2025-03-05 09:00"))
    elif kind is _VISIT and "ended_at" not in values:
        problems.append(("ended_at", "驻点服务须填写结束时间"))
    client_id = str(values.get("client_entry_id", "")).strip()
    if client_id.startswith(_EXAMPLE_MARK):
        reason = f"这是模板的示例行（客户端编号「{quoted(client_id)}」），"
        reason += "请改为实际记录（换成纸质台账上的编号）或删除后再上传"
        problems.append(("client_entry_id", reason))
    details: dict[str, Any] = {}
    for field, read in _DETAILS[kind] if kind else ():
        if field in values:
            try:
                details[field] = read(values[field])
            except LabelError as wrong:
                problems.append((field, str(wrong)))
            except ValueError:
                problems.append((field, f"须为整数（「{quoted(str(values[field]))}」）"))
    if problems or kind is None or start is None:
        return None, problems
    row = ParsedRow(
        line,
        kind,
        str(values["advisor_id"]).strip(),
        str(values["village_code"]).strip(),
        start,
        end if kind is _VISIT else None,
        details,
        str(values.get("note", "")).strip(),
        str(values["client_entry_id"]).strip(),
    )
    return row, []
