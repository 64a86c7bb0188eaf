"""Zhengning county (正宁县, 621025) demo data: townships, villages, units, advisors.

Codes are shaped like the statistics bureau's 12-digit codes (county + township + village) but are
demo values, not the official list. Deliberate gaps so the views show them: one village has no
advisor, one agreement was filed late (after 03-31 +08:00), two were never filed, and one
notice board still shows a former advisor (see boards_and_groups.py).
"""

from __future__ import annotations

from dataclasses import dataclass

COUNTY = ("621025", "正宁县")
CITY = ("621000", "庆阳市")
PROVINCE = ("620000", "甘肃省")

TOWNSHIPS = [
    ("100", "山河镇"),
    ("101", "榆林子镇"),
    ("102", "宫河镇"),
    ("103", "永和镇"),
    ("104", "周家镇"),
    ("105", "湫头镇"),
    ("106", "永正镇"),
    ("107", "西坡镇"),
    ("200", "三嘉乡"),
    ("201", "五顷塬回族乡"),
]
_VILLAGE_NAMES = [
    "东村",
    "西村",
    "南村",
    "北村",
    "中村",
    "新庄村",
    "上川村",
    "下川村",
    "坳子村",
    "塬畔村",
    "柳沟村",
]
_COMMUNITIES = {"100": ["城关社区", "东关社区"], "101": ["榆林子社区"], "102": ["宫河社区"]}


@dataclass(frozen=True)
class Village:
    code: str
    name: str
    township_code: str
    community: bool


def township_code(suffix: str) -> str:
    return f"{COUNTY[0]}{suffix}000"


def villages() -> list[Village]:
    result: list[Village] = []
    for index, (suffix, town) in enumerate(TOWNSHIPS):
        parent = township_code(suffix)
        for n, name in enumerate(_COMMUNITIES.get(suffix, []), start=1):
            result.append(Village(f"{COUNTY[0]}{suffix}{n:03d}", name, parent, True))
        for n, name in enumerate(_VILLAGE_NAMES[: 8 + index % 3], start=201):
            result.append(Village(f"{COUNTY[0]}{suffix}{n:03d}", f"{town[:2]}{name}", parent, False))
    return result


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


def division_csv(villages: list[Village]) -> bytes:
    """The county's township and village list as the county bureau would export it."""
    lines = ["代码,名称,级别,上级代码"]
    lines += [f"{township_code(s)},{name},乡镇,{COUNTY[0]}" for s, name in TOWNSHIPS]
    lines += [f"{v.code},{v.name},{'社区' if v.community else '村'},{v.township_code}" for v in villages]
    return ("\n".join(lines) + "\n").encode("utf-8")
