"""One row of a county's advisor roster (花名册): a unit, one of its advisors, and optionally the
village that advisor serves from a day on. Units and advisors repeat across rows.

Ids are optional columns; when absent they are derived from what identifies the row (a unit by its
credit code or name, an advisor by licence number or unit and name, an assignment by village,
advisor and first day), so importing the same file again finds the same ids and changes nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import date
from typing import Annotated

from eventkit.spreadsheets import Column, Kind
from pydantic import BaseModel, ConfigDict, Field
from vc_contracts.catalogue.enums import ADVISOR_KIND_LABELS, UNIT_KIND_LABELS, AdvisorKind, UnitKind
from vc_contracts.catalogue.fields import Phone, ShortText, VillageCode
from vc_contracts.codes import ChosenId, CreditCode, LawyerLicence, Number
from vc_contracts.divisions import DivisionCode
from vc_contracts.schedules import EnteredSchedule

from registry.application.reasons import FORMAT_HINTS
from registry.application.vocabulary import ADVISOR_KINDS, UNIT_KINDS, translated

ID, DAY = Kind.identifier, Kind.date
COLUMNS = (
    Column("unit_id", ("单位编号",), ID),
    Column("unit_name", ("单位名称", "所属单位", "服务单位"), required=True),
    Column("unit_kind", ("单位类型", "单位类别"), required=True),
    Column("unit_division_code", ("单位所在区划代码", "单位区划代码"), ID, required=True),
    Column("unit_credit_code", ("统一社会信用代码", "信用代码"), ID),
    Column("unit_licence_no", ("执业许可证号", "单位执业许可证号"), ID),
    Column("advisor_id", ("顾问编号",), ID),
    Column("advisor_name", ("顾问姓名", "姓名"), required=True),
    Column("advisor_kind", ("顾问类别", "人员类别", "身份"), required=True),
    Column("licence_no", ("执业证号", "律师执业证号"), ID),
    Column("phone", ("联系电话", "电话", "手机"), ID, required=True),
    Column("village_code", ("村(社区)代码", "村代码", "服务村代码"), ID),
    Column("valid_from", ("起始日期", "任职日期", "开始日期"), DAY),
    Column("schedule", ("驻点时间",)),
)
HINTS = {
    column: FORMAT_HINTS[column] for column in ("unit_credit_code", "licence_no", "phone", "village_code")
} | {  # the words the sheet takes, never the API's English values
    "unit_kind": "无法识别的单位类型，应为：" + "、".join(UNIT_KIND_LABELS.values()),
    "advisor_kind": "无法识别的顾问类别，应为：" + "、".join(ADVISOR_KIND_LABELS.values()),
}


class RosterRow(BaseModel):
    model_config = ConfigDict(extra="ignore")

    unit_id: Annotated[ChosenId, Field(max_length=64)] | None = None  # the API's rule (http_bodies.NewId)
    unit_name: ShortText
    unit_kind: UnitKind
    unit_division_code: DivisionCode
    unit_credit_code: CreditCode | None = None
    unit_licence_no: Number | None = None
    advisor_id: Annotated[ChosenId, Field(max_length=64)] | None = None  # the API's rule (http_bodies.NewId)
    advisor_name: ShortText
    advisor_kind: AdvisorKind
    licence_no: LawyerLicence | None = None
    phone: Phone
    village_code: VillageCode | None = None
    valid_from: date | None = None
    schedule: EnteredSchedule | None = None  # as the API's (vc_contracts.schedules)

    @classmethod
    def parse(cls, raw: dict[str, str]) -> RosterRow:
        words: dict[str, Mapping[str, str]] = {"unit_kind": UNIT_KINDS, "advisor_kind": ADVISOR_KINDS}
        return cls.model_validate({k: translated(v, words[k]) if k in words else v for k, v in raw.items()})

    @property
    def unit_key(self) -> str:
        return self.unit_id or "U-" + _digest(
            self.unit_division_code, self.unit_credit_code or self.unit_name
        )

    @property
    def unit_facts(self) -> tuple[object, ...]:
        return (self.unit_name, self.unit_kind, self.unit_division_code, self.unit_credit_code)

    @property
    def advisor_key(self) -> str:
        return self.advisor_id or "A-" + _digest(self.licence_no or f"{self.unit_key}|{self.advisor_name}")

    @property
    def advisor_facts(self) -> tuple[object, ...]:
        return (self.advisor_name, self.advisor_kind, self.licence_no, self.phone, self.unit_key)

    @property
    def assignment_key(self) -> str:
        return "AS-" + _digest(self.village_code or "", self.advisor_key, str(self.valid_from))


def _digest(*parts: str) -> str:
    return hashlib.sha1("|".join(parts).encode(), usedforsecurity=False).hexdigest()[:12]
