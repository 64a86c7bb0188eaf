"""How an entry reads in a volume, an export or a printed page (Chinese, one line per fact)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ledger.domain.facts import minute
from ledger.domain.kinds import Kind, label, value_label


def _v(field: str, value: Any) -> str:
    if value is None or value == "":
        return "（空）"
    if isinstance(value, list):
        return "、".join(str(v) for v in value) or "（无）"
    if field in ("started_at", "ended_at", "occurred_at") and isinstance(value, str):
        return minute(datetime.fromisoformat(value))
    return value_label(field, str(value))


def content(kind: str, data: dict[str, Any]) -> str:
    """The substance of the work in one line."""
    match Kind(kind):
        case Kind.visit:
            return f"{data.get('place', '')}：{data.get('summary', '')}"
        case Kind.lecture | Kind.publicity:
            extra = (
                f"，协办：{_v('co_organisers', data['co_organisers'])}" if data.get("co_organisers") else ""
            )
            return f"{data.get('topic', '')}（{data.get('audience', 0)} 人{extra}）"
        case Kind.consultation:
            tags = "／".join(_v(f, data.get(f)) for f in ("channel", "category", "outcome"))
            return f"【{tags}】{data.get('summary', '')}"
        case Kind.mediation:
            tags = "／".join(_v(f, data.get(f)) for f in ("category", "outcome"))
            return f"【{data.get('parties', 2)} 方，{tags}】{data.get('summary', '')}"
        case Kind.document_review:
            what = _v("document_kind", data.get("document_kind"))
            return f"【{what}】{data.get('title', '')}：{data.get('summary', '')}"


def actor(by: str, known: dict[str, str]) -> str:
    """Who acted, as people read it: an advisor by name (the directory's `known`), a committee as
    its village's committee; a sign-in id only when the directory names nobody for it."""
    if by.startswith("committee-"):
        return committee(by.removeprefix("committee-"), known)
    return known.get(f"advisor:{by}", by)


def committee(code: str, known: dict[str, str]) -> str:
    """The committee of village `code` by its village's name: 山河东村村委会, 城关社区居委会; 村（居）委会
    when the directory does not know the village. Never a sign-in id."""
    village = known.get(f"division:{code}")
    # the division code's last three digits: 001–199 a residents' committee, 200–399 a village's
    body = "居委会" if code[-3:].isdigit() and int(code[-3:]) < 200 else "村委会"
    return f"{village}{body}" if village else "村（居）委会"


def history_lines(
    history: list[dict[str, Any]], known: dict[str, str] | None = None, village_code: str | None = None
) -> list[str]:
    """Confirmations, queries, corrections (what changed, from → to, why) and voids, in order; who
    acted by name (`known` from `directory_view.names`: advisors and villages).

    Only the committee of the entry's village (`village_code`) may confirm or query it (the role is
    checked on the command), so those lines name that committee, whatever sign-in id its member
    used (`village_committee-621025100200` was shown as it was)."""
    known = known or {}
    lines = []
    for item in history:
        when = minute(datetime.fromisoformat(item["at"]))
        by = actor(item["by"], known)
        if village_code and item["event_type"] in ("EntryConfirmed", "EntryQueried"):
            by = committee(village_code, known)
        match item["event_type"]:
            case "EntryConfirmed":
                lines.append(
                    f"{when} {by}确认" if by.endswith("委会") else f"{when} 村（居）委会确认（{by}）"
                )
            case "EntryCorrected":
                before = item.get("before", {})
                changed = "；".join(
                    f"{label(f)}：{_v(f, before.get(f))} → {_v(f, v)}"
                    for f, v in item["changes"].items()
                    if not (f == "occurred_at" and "started_at" in item["changes"])
                    and _v(f, before.get(f)) != _v(f, v)  # a form sends fields it left as they were
                )
                lines.append(f"{when} 更正（{by}）：{changed}；原因：{item['reason']}")
            case "EntryQueried":
                lines.append(f"{when} {by}质疑：{item['reason']}" if by.endswith("委会")
                             else f"{when} 村（居）委会质疑（{by}）：{item['reason']}")  # fmt: skip
            case "EntryVoided":
                lines.append(f"{when} 作废（{by}）：{item['reason']}")
    return lines


def status(entry: dict[str, Any]) -> str:
    if entry["voided"]:
        return "已作废"
    if entry.get("queried"):
        return f"有质疑：{entry.get('query_reason') or ''}"
    return "已确认" if entry["confirmed"] else "待确认"
