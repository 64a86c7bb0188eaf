"""The seeded plan of a generated province: who serves where, the agreements and a year of work.

Pure: `make_plan(province, seed, year)` gives the same plan for the same divisions, seed and year
(a `random.Random(seed)` consumed in code order). The writer (bench/province/writer.py) sends it to
the services; tests compare what the services count with `expected_county`.

Per county (realistic proportions for a western province, issue 12):
- units: law firms of about 8 advisors, a justice office (司法所) per township, the county's legal
  aid center (法律援助中心);
- advisors at about 5.6 villages each: one 法律援助律师 at the aid center, a 司法助理员 at every
  fourth township's justice office, the rest lawyers (律师) of the firms; each serves a run of
  neighbouring villages (code order) from 1 January;
- about 3 % of villages reassigned mid-year to the county's next advisor (POST /assignments);
- one agreement per served village, signed in January for two years; filed by the end of March
  (on time) for most, in April to June (late) for about 8 %, never (missing) for about 7 %;
- per advisor and quarter 8 on-site visits (2 to 4 h) and 12 consultations (on site, WeChat group,
  phone, online); each village 2 lectures a year (in Q2 and Q4, by whoever serves it then);
  every piece of work on its own day (never two places at once);
- about 1 % of visits logged late over the API (after the backfill), about 1.5 % of visits
  corrected (a new end time, so the hours change) and about 0.7 % of consultations voided.
"""

from __future__ import annotations

import functools
import itertools
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from vc_contracts import CST

from bench.province.divisions import County, Division, Province

VILLAGES_PER_ADVISOR = 5.6
ADVISORS_PER_FIRM = 8
VISITS_PER_QUARTER, CONSULTATIONS_PER_QUARTER = 8, 12
LECTURE_QUARTERS = (2, 4)  # 2 lectures per village and year
REASSIGNED, LATE_FILED, NEVER_FILED = 0.03, 0.08, 0.07
LATE_LOGGED, CORRECTED, VOIDED = 0.01, 0.015, 0.007
SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢"
)
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红文斌亮晓东海燕玉兰宁鹏飞"
FIRM_WORDS = "正大立信明德金城陇原丝路同心公正天诚恒信博远嘉和中正"
TOPICS = (
    "民法典与农村生活",
    "土地承包法律知识",
    "防范电信网络诈骗",
    "婚姻家庭与继承",
    "欠薪维权",
    "扫黑除恶与平安乡村",
)
CATEGORIES = ("land", "marriage_family", "labour", "contract_debt", "inheritance", "neighbour", "other")
CHANNELS = (("wechat", 45), ("on_site", 30), ("phone", 20), ("online", 5))
CHANNEL_NAMES = tuple(c for c, _ in CHANNELS)
SCHEDULES = ("每周一 9:00-12:00", "每周三 14:30-17:30", "每周五 9:00-12:00", "每月第一、三周周二全天")


@dataclass(frozen=True)
class Unit:
    unit_id: str
    kind: str  # law_firm | justice_office | legal_aid_center
    name: str
    division_code: str
    credit_code: str | None = None


@dataclass(frozen=True)
class Advisor:
    advisor_id: str
    name: str
    kind: str  # lawyer | judicial_assistant | legal_aid_lawyer
    unit: Unit
    phone: str
    licence_no: str | None
    county: str


@dataclass(frozen=True)
class Serving:
    """An assignment: `advisor` serves `village` from `valid_from` (until the next one starts)."""

    village: str
    advisor: Advisor
    valid_from: date
    schedule: str


@dataclass(frozen=True)
class Agreement:
    agreement_id: str
    unit_id: str
    village: str
    advisor_id: str
    term_start: date
    term_end: date
    signed_on: date
    filed_on: date | None  # None: never filed (missing)
    filing_no: str


@dataclass(frozen=True)
class Entry:
    """One piece of work: the backfill row (or the API body) of a ledger entry."""

    client_entry_id: str
    kind: str  # visit | lecture | consultation
    advisor: Advisor
    village: str
    started_at: datetime
    ended_at: datetime | None = None
    fields: tuple[tuple[str, object], ...] = ()
    late: bool = False  # logged over the API after the backfill, not imported

    @property
    def hours(self) -> Decimal:
        """Exact hours of a visit (0 for other kinds)."""
        if self.ended_at is None:
            return Decimal(0)
        return Decimal((self.ended_at - self.started_at).total_seconds()) / 3600


@dataclass(frozen=True)
class Correction:
    entry: Entry
    ended_at: datetime  # a visit's new end (the ledger recomputes the hours)
    reason: str


@dataclass(frozen=True)
class Void:
    entry: Entry
    reason: str


@dataclass
class Plan:
    province: Province
    seed: int
    year: int
    agreement_share: float = 1.0  # the villages whose agreement is signed (and filed) over the API
    units: list[Unit] = field(default_factory=list)
    advisors: list[Advisor] = field(default_factory=list)
    first: list[Serving] = field(default_factory=list)  # from 1 January: the roster import
    reassigned: list[Serving] = field(default_factory=list)  # mid-year: POST /assignments
    agreements: list[Agreement] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)
    corrections: list[Correction] = field(default_factory=list)
    voids: list[Void] = field(default_factory=list)

    def county_of(self, code: str) -> str:
        return code[:6]

    def summary(self) -> dict[str, int]:
        return {
            "counties": len(self.province.counties),
            "townships": sum(len(c.townships) for c in self.province.counties),
            "villages": len(self.province.villages),
            "units": len(self.units),
            "advisors": len(self.advisors),
            "assignments": len(self.first) + len(self.reassigned),
            "reassignments": len(self.reassigned),
            "agreements": len(self.agreements),
            "filed": sum(a.filed_on is not None for a in self.agreements),
            "entries": len(self.entries),
            "imported": sum(not e.late for e in self.entries),
            "late": sum(e.late for e in self.entries),
            "corrections": len(self.corrections),
            "voids": len(self.voids),
        }


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _phone(rng: random.Random) -> str:
    return f"1{rng.choice('35789')}{rng.randrange(10**9):09d}"


def _county_people(rng: random.Random, county: County, year: int) -> tuple[list[Unit], list[Advisor]]:
    code, name = county.division.code, county.division.name
    wanted = max(1, round(len(county.villages) / VILLAGES_PER_ADVISOR))
    offices = [
        Unit(f"U-{t.code[:9]}-SFS", "justice_office", f"{t.name}司法所", t.code) for t in county.townships
    ]
    aid = Unit(f"U-{code}-FY", "legal_aid_center", f"{name}法律援助中心", code)
    units: list[Unit] = [*offices, aid]
    advisors: list[Advisor] = []

    def advisor(kind: str, unit: Unit) -> Advisor:
        n = len(advisors) + 1
        licence = (
            f"1{code}{year - rng.randrange(1, 20)}{rng.randrange(10**6):06d}"
            if kind != "judicial_assistant"
            else None
        )
        found = Advisor(f"A-{code}-{n:03d}", _person(rng), kind, unit, _phone(rng), licence, code)
        advisors.append(found)
        return found

    advisor("legal_aid_lawyer", aid)
    for office in offices[::4]:
        if len(advisors) < wanted:
            advisor("judicial_assistant", office)
    firms: list[Unit] = []
    while len(advisors) < wanted:
        if len(advisors) % ADVISORS_PER_FIRM == 0 or not firms:
            n = len(firms) + 1
            word = FIRM_WORDS[(int(code) + n) % (len(FIRM_WORDS) - 1) :][:2]
            firm = Unit(
                f"U-{code}-LS{n:02d}",
                "law_firm",
                f"甘肃{word}律师事务所{name}第{n}分所",
                code,
                f"31{code}MA{n:08d}",
            )
            firms.append(firm)
            units.append(firm)
        advisor("lawyer", firms[-1])
    return units, advisors


def _serve(rng: random.Random, plan: Plan, county: County, advisors: list[Advisor]) -> None:
    year = plan.year
    villages = county.villages
    for i, village in enumerate(villages):
        a = advisors[i * len(advisors) // len(villages)]
        plan.first.append(Serving(village.code, a, date(year, 1, 1), rng.choice(SCHEDULES)))
        signed = date(year, 1, 2 + rng.randrange(20))
        draw, share = rng.random(), rng.random()
        filed = (
            None
            if draw < NEVER_FILED
            else date(year, 4, 1) + timedelta(days=rng.randrange(90))
            if draw < NEVER_FILED + LATE_FILED
            else signed + timedelta(days=10 + rng.randrange(60))
        )
        if share < plan.agreement_share:
            plan.agreements.append(
                Agreement(
                    f"AG-{year}-{village.code}",
                    a.unit.unit_id,
                    village.code,
                    a.advisor_id,
                    date(year, 1, 1),
                    date(year + 1, 12, 31),
                    signed,
                    filed,
                    f"备〔{year}〕{i + 1:05d}号",
                )
            )
        if len(advisors) > 1 and rng.random() < REASSIGNED:
            successor = advisors[(advisors.index(a) + 1) % len(advisors)]
            start = date(year, 4, 1) + timedelta(days=rng.randrange(180))
            plan.reassigned.append(Serving(village.code, successor, start, rng.choice(SCHEDULES)))


@functools.cache
def _quarter_days(year: int, quarter: int) -> list[date]:
    first = date(year, 3 * quarter - 2, 1)
    end = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return [first + timedelta(days=n) for n in range((end - first).days)]


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=CST)


def _work(rng: random.Random, plan: Plan, villages: list[Division], advisors: list[Advisor]) -> None:
    """A year of entries per advisor, quarter by quarter, each on its own day."""
    servings: dict[str, list[Serving]] = defaultdict(list)  # village -> its assignments in time order
    county = advisors[0].county
    for s in [*plan.first[-len(villages) :], *plan.reassigned]:
        if s.village[:6] == county:
            servings[s.village].append(s)
    served_by: dict[str, list[str]] = defaultdict(list)  # advisor -> villages they ever serve
    for village, periods in servings.items():
        for s in periods:
            if village not in served_by[s.advisor.advisor_id]:
                served_by[s.advisor.advisor_id].append(village)

    def holder(village: str, day: date) -> str:
        return [s for s in servings[village] if s.valid_from <= day][-1].advisor.advisor_id

    weights = list(itertools.accumulate(w for _, w in CHANNELS))
    changing = {s.village for s in plan.reassigned}
    for a in advisors:
        mine = served_by[a.advisor_id]
        steady = not changing.intersection(mine)
        for quarter in (1, 2, 3, 4):
            days = _quarter_days(plan.year, quarter)
            middle = days[len(days) // 2]
            lectures = [v for v in mine if quarter in LECTURE_QUARTERS and holder(v, middle) == a.advisor_id]
            jobs = ["visit"] * VISITS_PER_QUARTER + ["consultation"] * CONSULTATIONS_PER_QUARTER
            jobs += ["lecture"] * len(lectures)
            picked = sorted(rng.sample(days, len(jobs)))
            rng.shuffle(jobs)
            for n, (job, day) in enumerate(zip(jobs, picked, strict=True)):
                if job == "lecture":
                    village = lectures.pop()
                    if holder(village, day) != a.advisor_id:
                        continue  # reassigned: the day falls in the former advisor's time there
                else:
                    here = mine if steady else [v for v in mine if holder(v, day) == a.advisor_id]
                    if not here:
                        continue
                    village = rng.choice(here)
                cid = f"gen-{a.advisor_id}-{plan.year}Q{quarter}-{n:02d}"
                plan.entries.append(_entry(rng, cid, job, a, village, day, weights))


def _entry(
    rng: random.Random, cid: str, job: str, a: Advisor, village: str, day: date, weights: list[int]
) -> Entry:
    if job == "visit":
        start = _at(day, rng.choice((9, 14)), rng.choice((0, 30)))
        end = start + timedelta(minutes=rng.choice((120, 150, 180, 210, 240)))
        place = rng.choice(("村委会", "村便民服务中心", "社区服务站", "村法律服务室"))
        return Entry(
            cid,
            job,
            a,
            village,
            start,
            end,
            (("place", place), ("summary", "驻村坐班接待群众法律咨询")),
            late=rng.random() < LATE_LOGGED,
        )
    if job == "lecture":
        topic = rng.choice(TOPICS)
        return Entry(
            cid, job, a, village, _at(day, 10), None, (("topic", topic), ("audience", 20 + rng.randrange(80)))
        )
    channel = rng.choices(CHANNEL_NAMES, cum_weights=weights)[0]
    hour = 15 if channel == "on_site" else 20
    outcome = rng.choices(("resolved", "referred", "pending"), cum_weights=(80, 92, 100))[0]
    return Entry(
        cid,
        job,
        a,
        village,
        _at(day, hour),
        None,
        (
            ("channel", channel),
            ("category", rng.choice(CATEGORIES)),
            ("outcome", outcome),
            ("summary", "解答群众法律咨询"),
        ),
    )


def make_plan(province: Province, seed: int, year: int, agreement_share: float = 1.0) -> Plan:
    """The province's units, advisors, assignments, agreements and a year of ledger entries.
    `agreement_share` < 1 signs agreements for a seeded share of the villages only (two commands
    per village are most of a large generation's requests; the rest then read 未签约)."""
    rng = random.Random(seed)
    plan = Plan(province, seed, year, agreement_share)
    for county in province.counties:
        units, advisors = _county_people(rng, county, year)
        plan.units += units
        plan.advisors += advisors
        _serve(rng, plan, county, advisors)
        _work(rng, plan, county.villages, advisors)
    for e in plan.entries:
        if e.kind == "visit" and e.ended_at is not None and not e.late and rng.random() < CORRECTED:
            end = e.ended_at + timedelta(minutes=rng.choice((-30, 30, 60)))
            plan.corrections.append(Correction(e, end, "结束时间登记有误，据签到表更正"))
        elif e.kind == "consultation" and not e.late and rng.random() < VOIDED:
            plan.voids.append(Void(e, "重复登记，予以作废"))
    return plan


def expected_county(plan: Plan, county: str, half: int | None = None) -> dict[str, int]:
    """What the county's statistics table must show for the year (or its half 1 or 2): visits,
    exact on-site seconds, lectures and their audience, consultations (voided ones excluded,
    corrections applied; no visit crosses a half-year, all are by day)."""
    corrected = {c.entry.client_entry_id: c.ended_at for c in plan.corrections}
    voided = {v.entry.client_entry_id for v in plan.voids}
    visits, seconds, lectures, audience, consultations = 0, 0, 0, 0, 0
    for e in plan.entries:
        if e.village[:6] != county or e.client_entry_id in voided:
            continue
        if half is not None and (e.started_at.month > 6) != (half == 2):
            continue
        if e.kind == "visit":
            end = corrected.get(e.client_entry_id, e.ended_at)
            visits += 1
            seconds += int((end - e.started_at).total_seconds())  # type: ignore[operator]
        elif e.kind == "lecture":
            lectures += 1
            audience += int(dict(e.fields)["audience"])  # type: ignore[call-overload]
        else:
            consultations += 1
    return {
        "visits": visits,
        "seconds": seconds,
        "lectures": lectures,
        "audience": audience,
        "consultations": consultations,
    }


def divisions_of(plan: Plan) -> list[Division]:
    return plan.province.all_divisions()
