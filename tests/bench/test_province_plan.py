"""The province generator's plan (pure): seeded, realistic proportions, never two places at once."""

from __future__ import annotations

from collections import Counter, defaultdict

import pytest

from bench.province import divisions
from bench.province.plan import expected_county, make_plan


@pytest.fixture(scope="module")
def province() -> divisions.Province:
    return divisions.load(300)


def test_whole_gansu_counties_in_code_order_with_real_names(province: divisions.Province) -> None:
    codes = [c.division.code for c in province.counties]
    assert codes == sorted(codes) and all(c.startswith("62") for c in codes)
    assert codes[0] == "620102" and province.counties[0].division.name == "城关区"
    assert len(province.villages) >= 300
    first = province.villages[0]
    assert (first.code, first.name, first.level) == ("620102001001", "畅家巷社区", "community")


@pytest.mark.parametrize(
    ("official", "shown"),
    [
        ("东关村村民委员会", "东关村"),
        ("东关村民委员会", "东关村"),
        ("畅家巷社区居委会", "畅家巷社区"),
        ("城关社区居民委员会", "城关社区"),
        ("张家湾村委会", "张家湾村"),
        ("虚拟生活区", "虚拟生活区"),
    ],
)
def test_a_committee_is_named_as_its_board_names_it(official: str, shown: str) -> None:
    assert divisions.short_name(official) == shown


def test_same_seed_same_plan_other_seed_other_plan(province: divisions.Province) -> None:
    one, two, other = (make_plan(province, s, 2025) for s in (7, 7, 8))
    assert one.entries == two.entries and one.agreements == two.agreements and one.first == two.first
    assert one.corrections == two.corrections and one.voids == two.voids
    assert other.entries != one.entries


def test_rates_as_the_issue_gives_them(province: divisions.Province) -> None:
    plan = make_plan(province, 7, 2025)
    per_advisor = len(province.villages) / len(plan.advisors)
    assert 5.0 <= per_advisor <= 6.2
    kinds = Counter(e.kind for e in plan.entries)
    quarters = 4 * len(plan.advisors)
    assert kinds["visit"] / quarters == pytest.approx(8, abs=0.5)
    assert kinds["consultation"] / quarters == pytest.approx(12, abs=0.5)
    assert kinds["lecture"] / len(province.villages) == pytest.approx(2, abs=0.1)
    filed = [a for a in plan.agreements if a.filed_on is not None]
    late = [a for a in filed if a.filed_on.month >= 4]  # type: ignore[union-attr]
    assert 0 < len(late) < len(filed) < len(plan.agreements)
    assert plan.reassigned and plan.corrections and plan.voids and any(e.late for e in plan.entries)


@pytest.mark.parametrize("size", [300, 17_000])
def test_an_advisor_is_never_in_two_places_and_only_where_assigned(size: int) -> None:
    """At 17,000 a lecture once fell before its village's reassignment to the lecturing advisor
    (the backfill refused it: 未被指派): every entry's day lies in its advisor's assignment."""
    plan = make_plan(divisions.load(size), 7, 2025, agreement_share=0.25)
    days: dict[str, Counter[object]] = defaultdict(Counter)
    for e in plan.entries:
        if e.kind != "consultation" or dict(e.fields)["channel"] == "on_site":
            days[e.advisor.advisor_id][e.started_at.date()] += 1
    assert all(n == 1 for per_day in days.values() for n in per_day.values())
    servings = defaultdict(list)
    for s in sorted([*plan.first, *plan.reassigned], key=lambda s: s.valid_from):
        servings[s.village].append(s)
    for e in plan.entries:
        holder = [s for s in servings[e.village] if s.valid_from <= e.started_at.date()][-1]
        assert holder.advisor == e.advisor


def test_expected_county_figures_leave_voids_out_and_take_corrections(province: divisions.Province) -> None:
    plan = make_plan(province, 7, 2025)
    county = province.counties[0].division.code
    figures = expected_county(plan, county)
    mine = [e for e in plan.entries if e.village.startswith(county)]
    voided = sum(v.entry.village.startswith(county) for v in plan.voids)
    assert figures["consultations"] == sum(e.kind == "consultation" for e in mine) - voided
    shift = sum(
        int((c.ended_at - c.entry.ended_at).total_seconds())
        for c in plan.corrections  # type: ignore[operator]
        if c.entry.village.startswith(county)
    )
    raw = sum(int((e.ended_at - e.started_at).total_seconds()) for e in mine if e.kind == "visit")  # type: ignore[operator]
    assert figures["seconds"] == raw + shift
