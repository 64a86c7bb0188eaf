"""Reading a paper-ledger backfill: Chinese headings and labels, times as people write them (pure)."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest
from eventkit.import_errors import ImportRejectedError
from ledger.application.import_columns import read_upload
from ledger.application.import_rows import parse_row, when
from ledger.domain.kinds import Kind
from vc_contracts import CST


@pytest.mark.parametrize(
    "text",
    [
        "2025-03-05 09:00",
        "2025-03-05T09:00:00+08:00",
        "2025-03-05T01:00:00Z",
        "2025/3/5 9:00",
        "2025年3月5日 09:00",
    ],
)
def test_times_are_read_as_china_standard_time(text: str) -> None:
    assert when(text) == datetime(2025, 3, 5, 9, 0, tzinfo=CST)


def test_a_row_with_chinese_labels_becomes_a_wechat_consultation() -> None:
    values = {"kind": "法律咨询", "advisor_id": "A-1", "village_code": "621025100201",
              "started_at": "2025-03-05 20:00", "channel": "微信群", "category": "婚姻家庭",
              "outcome": "已解决", "summary": "离婚财产分割", "client_entry_id": "7"}  # fmt: skip
    row, problems = parse_row(4, values)
    assert problems == [] and row is not None and row.kind is Kind.consultation
    assert row.details == {"channel": "wechat", "category": "marriage_family", "outcome": "resolved",
                           "summary": "离婚财产分割"}  # fmt: skip


def test_every_unreadable_cell_of_a_row_is_named() -> None:
    values = {"kind": "驻点服务", "advisor_id": "A-1", "village_code": "621025100201", "started_at": "昨天",
              "audience": "很多"}  # fmt: skip
    row, problems = parse_row(7, values)
    assert row is None
    assert {field for field, _ in problems} == {"started_at", "ended_at", "client_entry_id"}


def test_csv_headings_may_be_chinese_or_field_names_and_unknown_headings_are_reported() -> None:
    out = io.StringIO()
    csv.writer(out).writerows(
        [["类型", "advisor_id", "村（社区）代码", "签名"], ["法治讲座", "A-1", "621025100201", "李"]]
    )
    with pytest.raises(ImportRejectedError) as refused:
        read_upload(out.getvalue().encode("gb18030"))
    assert [e.field for e in refused.value.problems] == ["rows[1].签名"]
    out = io.StringIO()
    csv.writer(out).writerows(
        [["序号", "类型", "advisor_id", "村（社区）代码"], ["1", "法治讲座", "A-1", "621025100201"]]
    )
    sheet = read_upload(out.getvalue().encode("gb18030"))
    assert sheet.rows == [(2, {"kind": "法治讲座", "advisor_id": "A-1", "village_code": "621025100201"})]


@pytest.mark.parametrize("other", ["日期", "发生时间", "时间", "occurred_at", "started_at"])
def test_a_start_time_and_a_date_column_are_refused_as_ambiguous(other: str) -> None:
    out = io.StringIO()
    csv.writer(out).writerows([["类型", "开始时间", "结束时间", other], ["驻点服务", "2026/12/1 9:00",
                               "2026/12/1 11:00", "2026/12/1"]])  # fmt: skip
    with pytest.raises(ImportRejectedError) as refused:
        read_upload(out.getvalue().encode())
    [problem] = refused.value.problems
    assert problem.row == 1 and "「开始时间」" in problem.reason and f"「{other}」" in problem.reason


def test_a_file_that_is_not_a_workbook_is_reported_not_crashed_on() -> None:
    with pytest.raises(ImportRejectedError) as refused:
        read_upload(b"PK\x03\x04 not a zip")
    assert refused.value.problems[0].field == "file"


def test_a_label_not_on_the_list_is_refused_naming_the_chinese_choices() -> None:
    """The reason used to list the API's codes ('on_site', 'wechat', …) that nobody writes on paper."""
    values = {"kind": "法律咨询", "advisor_id": "A-1", "village_code": "621025100201",
              "started_at": "2025-03-05 20:00", "channel": "飞鸽传书", "category": "土地",
              "outcome": "已解决", "summary": "宅基地", "client_entry_id": "8"}  # fmt: skip
    row, problems = parse_row(5, values)
    assert row is None
    assert problems == [("channel", "无法识别的取值「飞鸽传书」，应为：现场、微信群、电话、网络")]


def test_a_long_label_not_on_the_list_is_quoted_cut_not_whole() -> None:
    # a 3,000-character cell under 渠道 was echoed whole in the reason the import page lists
    values = {"kind": "法律咨询", "advisor_id": "A-1", "village_code": "621025100201",
              "started_at": "2025-03-05 20:00", "channel": "鸽" * 3000, "category": "土地",
              "outcome": "已解决", "summary": "宅基地", "client_entry_id": "8"}  # fmt: skip
    _, problems = parse_row(5, values)
    assert problems == [("channel", f"无法识别的取值「{'鸽' * 40}…」，应为：现场、微信群、电话、网络")]


def test_a_code_of_the_api_is_still_read_in_a_labelled_column() -> None:
    values = {"kind": "consultation", "advisor_id": "A-1", "village_code": "621025100201",
              "started_at": "2025-03-05 20:00", "channel": "wechat", "category": "land",
              "outcome": "resolved", "summary": "宅基地", "client_entry_id": "9"}  # fmt: skip
    row, problems = parse_row(5, values)
    assert problems == [] and row is not None
    assert row.details["channel"] == "wechat"


@pytest.mark.parametrize(
    ("cell", "read"),
    [(30, 30), (30.0, 30), ("30", 30), (" 30 ", 30), ("30.0", 30), ("３０", 30), ("-3", -3)],
)
def test_a_count_cell_is_read_as_a_whole_number(cell: object, read: int) -> None:
    values = {"kind": "法治讲座", "advisor_id": "A-1", "village_code": "621025100201",
              "started_at": "2025-03-05 09:00", "topic": "民法典", "audience": cell,
              "client_entry_id": "7"}  # fmt: skip
    row, problems = parse_row(4, values)
    assert problems == [] and row is not None and row.details["audience"] == read


@pytest.mark.parametrize(
    "cell",
    [
        "inf",
        "-inf",
        "1e999",
        "nan",
        float("inf"),
        float("nan"),
        2.5,
        "2.5",
        "1e3",
        "9" * 19,
        True,
        "三十",
        "3²",
        "①",
        "⑩",
    ],  # NFKC made 3² read as 32
)
def test_a_count_cell_that_is_no_whole_number_is_named_not_raised(cell: object) -> None:
    """`inf` and `1e999` made float() infinite and int() raise OverflowError: the import answered 500."""
    values = {"kind": "调解", "advisor_id": "A-1", "village_code": "621025100201",
              "started_at": "2025-03-05 09:00", "parties": cell, "client_entry_id": "7"}  # fmt: skip
    row, problems = parse_row(4, values)
    assert row is None
    assert [(field, message.startswith("须为整数")) for field, message in problems if field == "parties"] == [
        ("parties", True)
    ]


@pytest.mark.parametrize("code", ["62102510000", "621025100000", "6210251002011", "621025", "62102510020x"])
def test_a_village_code_of_the_wrong_shape_is_named_as_such_not_looked_up(code: str) -> None:
    # an 11-digit code was answered "未被指派到62102510000", as if it were a village
    values = {"kind": "法治讲座", "advisor_id": "A-1", "village_code": code,
              "started_at": "2025-03-05 14:00", "topic": "民法典", "client_entry_id": "7"}  # fmt: skip
    row, problems = parse_row(4, values)
    assert row is None and problems == [("village_code", "村（社区）代码须为12位数字，末三位不为000")]


def test_a_long_kind_or_time_not_read_is_quoted_cut_not_whole() -> None:
    # 类型 and 开始时间 of 3,000 characters were echoed whole in the reasons the import page lists
    values = {"kind": "类" * 3000, "advisor_id": "A-1", "village_code": "621025100201",
              "started_at": "时" * 3000, "summary": "宅基地", "client_entry_id": "8"}  # fmt: skip
    _, problems = parse_row(5, values)
    reasons = dict(problems)
    assert f"「{'类' * 40}…」" in reasons["kind"] and "类" * 41 not in reasons["kind"]
    assert f"「{'时' * 40}…」" in reasons["started_at"] and "时" * 41 not in reasons["started_at"]


def test_a_long_count_cell_is_quoted_cut_not_whole() -> None:
    # 调解当事人数 of 3,000 characters came back whole in 须为整数（「…」）
    values = {"kind": "调解", "advisor_id": "A-1", "village_code": "621025100201",
              "started_at": "2025-03-05 09:00", "parties": "人" * 3000, "client_entry_id": "9"}  # fmt: skip
    _, problems = parse_row(4, values)
    reason = dict(problems)["parties"]
    assert f"「{'人' * 40}…」" in reason and "人" * 41 not in reason


def test_a_long_example_client_id_is_quoted_cut_not_whole() -> None:
    # a client id starting 示例 (the template's example row, edited) of 3,000 characters came back whole
    values = {"kind": "调解", "advisor_id": "A-1", "village_code": "621025100201", "parties": 2,
              "started_at": "2025-03-05 09:00", "client_entry_id": "示例" + "号" * 3000}  # fmt: skip
    _, problems = parse_row(4, values)
    reason = dict(problems)["client_entry_id"]
    assert "示例" + "号" * 38 + "…」" in reason and "号" * 39 not in reason
