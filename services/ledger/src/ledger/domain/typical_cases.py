"""Typical cases (典型案例, R16): an advisor or their unit proposes one of its ledger entries (a
mediation, a consultation, a lecture) with a short anonymised write-up; the county approves it (it
is then published on the county's public page and listed in the annual report) or returns it with a
reason, after which it may be revised and proposed again.

One stream per entry (`typical-case-{entry_id}`, case id `TC-` + the entry's id without `E-`): an
entry is one case at most, so a second proposal of the same entry is its resubmission.

Anonymity: only the write-up (title, text) is ever published, never the entry's summary or note.
The write-up is refused when it holds a name from the entry's parties (when the entry lists their
names), a mobile phone number or an identity card number, or a person's name written out where
public write-ups write surname + 某/某某 (`resident_name_in`; a heuristic, the county reviewer is the
last check).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Any, assert_never

from eventkit.decider import Decider
from eventkit.errors import ConflictError, RuleViolationError
from vc_contracts import Event
from vc_contracts.catalogue.enums import ENTRY_KIND_LABELS, EntryKind
from vc_contracts.catalogue.ledger import TypicalCaseApproved, TypicalCaseProposed, TypicalCaseReturned
from vc_contracts.personal_numbers import INVISIBLE, MIDDLE_DOTS, personal_number_in

PROPOSABLE = (EntryKind.mediation, EntryKind.consultation, EntryKind.lecture)
"""The kinds of work the notice calls typical cases: a mediation, a consultation, a lecture."""


# The ~100 most common surnames, and the compound ones a reader knows (欧阳, 司马, 诸葛 …; not 东方,
# 长孙, 公孙: a direction and kin words). A name is one of these followed by one or two characters
# that are not 某.
_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕"
    "丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃"
    "武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒"
)
_COMPOUND = "欧阳|司马|诸葛|上官|司徒|夏侯|皇甫|尉迟|慕容|令狐|宇文|端木|西门|南宫|独孤|澹台|公冶"
# Words a written-out name follows in a write-up: a role (村民王小明) or a verb or preposition that
# takes a person (向李大海借款, 与张某某协商); a surname that is also a link word (向) is not
# caught after one. Role words end the name's left side; the name is then
# 2-3 characters (surname + 1-2) not ending in 某. Place and organisation words (李家川村, 村委会) are
# not after these words, and a title after a surname (张律师, 王主任) is not a name: not refused.
_ROLES = (
    "村民|居民|群众|当事人|申请人|被申请人|原告|被告|上诉人|被上诉人|丈夫|妻子|老人|儿子|女儿|父亲|母亲|"
    "哥哥|弟弟|姐姐|妹妹|邻居|农户|村民小组长|务工人员|承包人|债权人|债务人|男方|女方|甲方|乙方|对方|第三人|"
    # kin as a write-up names them (其子王小明, 长子王小明称)
    "其子|其女|其妻|其夫|其父|其母|长子|次子|三子|长女|次女|三女|儿媳|女婿|养子|养女|继子|继女"
)
_LINKS = "向|与|和|跟|被|把|对|给|替|帮|找|及|欠(?!钱)"  # 欠刘建国5万元; 欠钱 is no 钱 + a name
_TITLES = "律师|主任|书记|村长|组长|所长|局长|法官|老师|医生|先生|女士|大爷|大妈|师傅|同志|家"
# What follows a name in a sentence: punctuation, the end, a link word or a verb a party does
# (借款, 协商, 签订, 发生 …). Requiring it keeps nouns out (与高速公路, 村民高兴地说 are not names).
_VERBS = "同借协签发达说商要的等称表反讨索还支订约调家因就在不也都已拒认主提起将未欠诉于以之"
_KIN = "夫妇|夫妻|一家|二人|两人|父子|母子|父女|母女|兄弟|姐妹"  # 王小明夫妇, 王小明一家
# Words a party's name is followed by in a write-up (王小明前来咨询, 李大海辩称, 被王小明打伤)
_NEXT = "前来|来电|来访|登记|辩称|诉称|打伤|陈述|申请|起诉|咨询|反映|认为|表示|提出|承认|同意|拒绝"
# and a sum (欠刘建国5万元, 借给王小明三万元): a link word, a name and an amount
_AFTER = rf"(?:$|[\s，。、；：！？“”（）{_VERBS}\d一二三四五六七八九十两几]|{_LINKS}|{_KIN}|{_NEXT})"
# A given name's characters are never these grammatical words (原告曾与被告协商 is no name 曾与)
_NOT_IN_NAME = f"{_LINKS}|的|了|在|是|不"
# The name may not begin a role word (被申请人 is a role, not 被 + the name 申请人), nor with 方 or 于
# after a role or link word: 对方, 被告方, 对于 are words of every write-up, a surname there almost never.
_NAME = (
    rf"(?P<name>(?P<surname>{_COMPOUND}|[{_SURNAMES}])"
    rf"(?!某|{_NOT_IN_NAME})[\u4e00-\u9fff](?:(?!某|{_NOT_IN_NAME})[\u4e00-\u9fff])??)"
)
_NAMED = re.compile(rf"(?:(?:{_ROLES})[：:]?|{_LINKS})(?!{_LINKS}|{_ROLES}|[方于]){_NAME}(?={_AFTER})")
# A name opening a sentence (王小明因土地纠纷前来咨询, 李桂兰来电咨询): only before what a person
# does in a write-up (`_COMES`), at once or after 因 and its reason in the same clause. Before any
# verb or 因 alone, openings such as 曾多次协商, 毛坯房因漏水 would be read as names. Nor 于 or 向
# there: 于当日前来, 向来 are no names.
_COMES = "前来|来电|来访|辩称|诉称|咨询|登记|反映|起诉"
_OPENS = re.compile(rf"(?:^|(?<=[。！？；]))(?![于向]){_NAME}(?=(?:因[^，,。！？；;]*?)?(?:{_COMES}))")
# Common words that start with a surname character and sit where a name may (村民高兴地说, 与黄河).
_WORDS = frozenset(
    re.findall(
        r"\S+",
        "顾问 高兴 黄河 金额 方面 安全 文化 方式 万元 关于 章程 史料 常年 温和 江边 钱款 于是 林地 林权 田地"
        " 田间 石头 金钱 孙子 孙女 马路 周边 周围 白天 夏天 左右 常住 何时 任何 严重 龙头 包括 齐心 安排 尚未"
        " 宁愿 文书 金融 方法 关系 关心 关注 关键 关爱 关联 林业 林场 林区 常说 常常 常见 常来 常去 石料"
        " 江水 白菜 马上 邢台 冯家 万一 高度 高速 高空 钟表 安置 安装 包工 包干 文明 黄金 田地 金属 任务 范围"
        " 宁县 宁夏 江苏 江西 安徽 武汉 贺兰 陈述 申请 申诉 申报 申领 付款 付清 付给 付工 付彩 付费 付钱 岳父"
        " 岳母 孙媳 施工 石匠 关切 何处 何地 何人 曾经 方案 高龄 万般 许多 许可 谢谢 苏醒 邻里"
        # sentence openings before 因 or a party's verb (曾多次因…), and Gansu's places after a link
        " 曾多 曾一 曾屡 常因 钟点 高中 夏季 夏收 温度 牛羊 牛群 杨树 柳树 雷雨 程序 余款 余额 余下 尚需"
        " 兰州 白银 武威 金昌 张掖 甘南 甘肃 甘州",
    )
)
_NOT_A_NAME_TAIL = re.compile(rf"^(?:{_TITLES})")
# Whitespace (the full-width U+3000 too: `\s` takes it), the zero-width and soft-hyphen characters
# and middle dots (· ・ • …): a reader does not see the first two and reads a name across a dot, so a
# name split by one (村民王 小明, 村民王·小明) is still the name. The same characters as the number
# rule's (`vc_contracts.personal_numbers`), so a number and a name are read alike.
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029]+")
_GAPS = re.compile(f"[\\s{INVISIBLE}{MIDDLE_DOTS}\\-\u2010-\u2015]")  # and hyphens: 王-小明


def resident_name_in(text: str) -> str | None:
    """A person's name written out (not as surname + 某/某某) after a role word or a verb that takes
    a person, or opening a sentence before a party's verb, e.g. 村民王小明 → "王小明", 向李大海借款
    → "李大海", 欠刘建国5万元 → "刘建国", 王小明因土地纠纷前来咨询 → "王小明"; None if there is none.

    A heuristic for the convention of public write-ups (王某, 李某某): it catches a common or
    compound surname right after one of `_ROLES`/`_LINKS`, or at a sentence's start before 因 or a
    word of `_NEXT`; a name elsewhere (after a comma, before another verb) is not caught, and the
    county reviewer is the last check. Accepted: 王某向李某借款, 村委会, 李家川村, 法律顾问张律师 (a
    title, not a name). Spaces, invisible characters and middle dots between the characters are
    ignored (`_GAPS`): 村民王 小明, 村民王\u3000小明 or 村民王·小明 is the name 王小明, as a reader sees
    it; a line break still opens a sentence.
    """
    read = _GAPS.sub("", text)
    lines = _GAPS.sub("", _LINE_BREAKS.sub("。", text))
    for seen, pattern in ((read, _NAMED), (lines, _OPENS)):
        for m in pattern.finditer(seen):
            name = m.group("name")
            if name[:2] in _WORDS:
                continue
            rest = seen[m.end("surname") :]
            if _NOT_A_NAME_TAIL.match(rest):
                continue  # 张律师, 王主任: a surname with a title
            # Two characters then a title (王小律师 is odd; 张某律师 excluded above): keep the shorter name
            if len(name) == len(m.group("surname")) + 2 and _NOT_A_NAME_TAIL.match(rest[1:]):
                name = name[:-1]
            return name
    return None


def surname_of(name: str) -> str:
    """The surname of a name `resident_name_in` found: 欧阳小明 → 欧阳, 王小明 → 王."""
    return name[:2] if re.match(_COMPOUND, name) else name[:1]


def stream_id(entry_id: str) -> str:
    return f"typical-case-{entry_id}"


def case_id_for(entry_id: str) -> str:
    return "TC-" + entry_id.removeprefix("E-")


class Status(StrEnum):
    none = "none"
    proposed = "proposed"
    approved = "approved"
    returned = "returned"


STATUS_LABELS = {Status.proposed: "待审核", Status.approved: "已发布", Status.returned: "已退回"}


@dataclass(frozen=True)
class Case:
    status: Status = Status.none
    county_code: str = ""
    village_code: str = ""
    case_id: str = ""


@dataclass(frozen=True)
class EntryFacts:
    """What the proposal needs to know of the ledger entry (read from the entries read model)."""

    entry_id: str
    kind: EntryKind
    village_code: str
    year: int
    voided: bool
    resident_names: tuple[str, ...] = ()


def resident_names(data: Mapping[str, Any]) -> tuple[str, ...]:
    """Names the entry lists for its parties, when it lists them (`parties` or `party_names` as a
    list of names; today's entries carry only the number of parties, so this is usually empty)."""
    found: list[str] = []
    for field in ("parties", "party_names"):
        value = data.get(field)
        if isinstance(value, list):
            found += [v.strip() for v in value if isinstance(v, str) and v.strip()]
    return tuple(found)


@dataclass(frozen=True)
class ProposeCase:
    case_id: str
    entry: EntryFacts
    title: str
    text: str
    proposed_by: str


@dataclass(frozen=True)
class ApproveCase:
    approved_by: str


@dataclass(frozen=True)
class ReturnCase:
    reason: str
    returned_by: str


Command = ProposeCase | ApproveCase | ReturnCase


def _check_anonymous(c: ProposeCase) -> None:
    for field, value in (("title", c.title), ("text", c.text)):
        seen = _GAPS.sub("", value)  # as a reader reads it: 张·三丰 and 张 三丰 are 张三丰
        for name in c.entry.resident_names:
            folded = _GAPS.sub("", name)
            if folded and folded in seen:
                raise RuleViolationError(
                    f"典型案例不得出现当事人姓名：“{name}”是该台账记录的当事人，请改用“当事人甲”等称呼",
                    field=field,
                )
        written = resident_name_in(value)
        if written:
            surname = surname_of(written)
            raise RuleViolationError(
                f"典型案例不得出现当事人姓名：“{written}”像是人名，请写作“{surname}某”或“{surname}某某”",
                field=field,
            )
        if personal_number_in(value):
            raise RuleViolationError("典型案例不得出现手机号码或身份证号码，请删去后再提交", field=field)


def _propose(state: Case, c: ProposeCase) -> list[Event]:
    if c.entry.kind not in PROPOSABLE:
        kinds = "、".join(ENTRY_KIND_LABELS[k] for k in PROPOSABLE)
        raise RuleViolationError(
            f"只有{kinds}记录可以推荐为典型案例（该记录为{ENTRY_KIND_LABELS[c.entry.kind]}）",
            field="entry_id",
        )
    if c.entry.voided:
        raise RuleViolationError("已作废的台账记录不能推荐为典型案例", field="entry_id")
    if state.status is Status.proposed:
        raise ConflictError("该记录已推荐为典型案例，正在等待县司法局审核", field="entry_id")
    if state.status is Status.approved:
        raise ConflictError("该典型案例已审核发布，不能再次推荐", field="entry_id")
    _check_anonymous(c)
    village = c.entry.village_code
    return [
        TypicalCaseProposed(
            case_id=c.case_id, entry_id=c.entry.entry_id, entry_kind=c.entry.kind, village_code=village,
            county_code=village[:6], year=c.entry.year, title=c.title, text=c.text,
            proposed_by=c.proposed_by,
        )
    ]  # fmt: skip


def _require_pending(state: Case, verb: str) -> None:
    if state.status is not Status.proposed:
        shown = STATUS_LABELS.get(state.status, "未推荐")
        raise ConflictError(f"只有待审核的典型案例可以{verb}（当前：{shown}）", field="case_id")


def decide(state: Case, c: Command, now: datetime) -> list[Event]:
    match c:
        case ProposeCase():
            return _propose(state, c)
        case ApproveCase():
            _require_pending(state, "审核通过")
            return [
                TypicalCaseApproved(
                    case_id=state.case_id, village_code=state.village_code,
                    county_code=state.county_code, approved_by=c.approved_by,
                )
            ]  # fmt: skip
        case ReturnCase():
            _require_pending(state, "退回")
            return [
                TypicalCaseReturned(
                    case_id=state.case_id, village_code=state.village_code,
                    county_code=state.county_code, reason=c.reason, returned_by=c.returned_by,
                )
            ]  # fmt: skip
        case _:
            assert_never(c)


def evolve(state: Case, event: Event) -> Case:
    match event:
        case TypicalCaseProposed():
            return replace(
                state, status=Status.proposed, county_code=event.county_code,
                village_code=event.village_code, case_id=event.case_id,
            )  # fmt: skip
        case TypicalCaseApproved():
            return replace(state, status=Status.approved)
        case TypicalCaseReturned():
            return replace(state, status=Status.returned)
    return state


typical_cases: Decider[Case, Command] = Decider(Case(), evolve, decide)
