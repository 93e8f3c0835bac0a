"""What a message asks of campaigns (营销活动), read from its words:

* a campaign to make: "做个活动,推大额存单,按客户经理分,月底前": the product, who works it
  ("按客户经理分": each customer's own manager; "平均分给王芳和马骏": in turn, in the segment's
  ranking; "都给我": the one who asks), the deadline (the last day the time expression names),
  and a name if one is given ("活动名:年末存款");
* an outcome of a campaign's customer: "第3个已联系,有意向", "王建国 成交10万", "不需要";
* its progress ("活动进度", "大额存单活动进度") and a reassignment ("把马骏没联系的转给王芳").

Nothing here reads the database: colleagues are matched against the names passed in.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import Enum

from bot.visits.period import days_named
from bot.vocabulary.numbers import parse_amount, parse_count
from bot.vocabulary.products import product_word_in
from bot.vocabulary.width import to_half_width


class Assignment(str, Enum):
    BY_MANAGER = "by_manager"  # each customer's own manager (按客户经理分)
    EVENLY = "evenly"  # in turn among the colleagues named (平均分给王芳和马骏)
    TO_ME = "to_me"  # the one who makes it (都给我)


MAKES_A_CAMPAIGN = re.compile(
    r"(?:做|建|搞|弄|开)(?:一?个|一下|一场|一次)[^,，。]{0,8}(?:活动|营销)|(?:发起|新建|创建|策划)[^,，。]{0,6}(?:活动|营销)"
    r"|做成[^,，。]{0,4}(?:活动|营销)|营销活动(?![^,，。]{0,4}(?:进度|进展|情况|完成|怎么样|咋样|成交))")
_BY_MANAGER = re.compile(r"按(?:客户|管户|理财)?经理|各自|自己的客户|各管各|按管户|分给(?:各自的|各位)?(?:客户|管户)经理|谁管谁跟")
_TO_ME = re.compile(r"都给我|全给我|给我(?:吧|来)?$|我(?:自己)?来跟|我自己跟|我来做|都我来|归我")
_EVENLY = re.compile(r"(?:平均|平分|轮流)?(?:分给|分配给|交给|给|派给)(?P<who>[^,，。;；]+)")
_NAMED = re.compile(r"(?:活动名|名字|名称)(?:叫|是|为)?\s*[:：]?\s*(?P<name>[^,，。;；]{2,20})|叫(?:做)?\s*[“\"](?P<quoted>[^”\"]{2,20})[”\"]")
_DEADLINE_WORD = re.compile(r"截止|之前|以前|前完成|前做完|(?<!之)前$|前[,，。]|底前|内")

OUTCOME_WORDS = re.compile(r"已联系|联系了|联系过|联系上|打过电话|有意向|感兴趣|想买|考虑一下|在考虑|成交|办了|买了|签了|不需要|不要了|没兴趣|不感兴趣|拒绝|不买")
_CONVERTED = re.compile(r"成交|办了|买了|签了|已购买|购买了")
_INTERESTED = re.compile(r"有意向|感兴趣|想买|考虑|有兴趣")
_DECLINED = re.compile(r"不需要|不要了|没兴趣|不感兴趣|拒绝|不买|没需求")
_CONTACTED = re.compile(r"已联系|联系了|联系过|联系上|打过电话|聊过|见过")
_ITEM = re.compile(r"第\s*([0-9一二两三四五六七八九十]+)\s*(?:个|条|位|项|号)?|^([0-9]+)\s*(?:号|条)?(?=[^0-9万元块]|$)")
_AMOUNT = re.compile(r"(\d+(?:\.\d+)?\s*(?:万|w|W|千|元|块)|[一二两三四五六七八九十百千]+\s*(?:万|千|元|块))")
PROGRESS = re.compile(r"活动(?:的)?(?:进度|进展|情况|完成|怎么样|咋样|如何|做得|跟进|效果|成交|统计)|活动.{0,6}(?:进度|进展|完成了多少|成交了多少|联系了几个)|我的活动")
REASSIGN = re.compile(r"把(?P<from>[^,，。]{2,4}?)(?:的)?(?:没联系|未联系|还没联系|没跟进)的?(?:客户)?(?:都)?(?:转给|交给|分给|给)(?P<to>[^,，。]{2,4})")


@dataclass(frozen=True)
class CampaignWords:
    product_word: str | None = None
    assignment: Assignment | None = None
    colleagues: tuple[str, ...] = ()  # named for EVENLY, in the order written
    deadline: date | None = None
    name: str | None = None


def read_campaign(text: str, today: date, colleague_names: list[str] | tuple[str, ...] = ()) -> CampaignWords:
    """What a message says of a campaign to make or of a change to its draft."""
    text = to_half_width(text or "")
    named = _NAMED.search(text)
    name = (named.group("name") or named.group("quoted")).strip() if named else None
    rest = text.replace(named.group(0), " ") if named else text
    colleagues: tuple[str, ...] = ()
    assignment = None
    evenly = _EVENLY.search(rest)
    if _BY_MANAGER.search(rest):
        assignment = Assignment.BY_MANAGER
    elif _TO_ME.search(rest):
        assignment = Assignment.TO_ME
    elif evenly:
        colleagues = _names_in(evenly.group("who"), colleague_names)
        assignment = Assignment.EVENLY if colleagues else None
    product = product_word_in(rest, list(colleagues))
    deadline = None
    period = days_named(rest, today)
    if period is not None and period.last >= today:
        deadline = period.last
    return CampaignWords(product, assignment, colleagues if assignment is Assignment.EVENLY else (), deadline, name)


_SEPARATORS = re.compile(r"和|、|跟|与|及|以及|还有|/|\s+")


def _names_in(who: str, colleague_names) -> tuple[str, ...]:
    """The colleagues of "王芳和马骏": each piece a colleague's name, or (a name of nobody) the
    piece as written, so that the bot can say it knows nobody of that name."""
    names = []
    for piece in _SEPARATORS.split(who):
        piece = re.sub(r"(?:吧|啊|呢|两个人|两人|几个人|他们|她们|各一半|平均)$", "", piece.strip())
        if not piece:
            continue
        known = next((n for n in sorted(colleague_names, key=len, reverse=True) if n and n in piece), None)
        if known:
            names.append(known)
        elif re.fullmatch(r"[\u4e00-\u9fa5]{2,3}", piece):
            names.append(piece)
    return tuple(dict.fromkeys(names))


def asks_for_a_campaign(text: str) -> bool:
    return bool(MAKES_A_CAMPAIGN.search(to_half_width(text or "")))


@dataclass(frozen=True)
class OutcomeWords:
    status: str | None  # 'contacted', 'interested', 'converted', 'declined'
    amount: Decimal | None = None
    item_number: int | None = None


def outcome_said(text: str) -> OutcomeWords:
    """"第3个已联系,有意向" -> interested, item 3; "成交10万" -> converted, 10万; the furthest step said."""
    text = to_half_width(text or "")
    status = None
    if _CONVERTED.search(text):
        status = "converted"
    elif _DECLINED.search(text):
        status = "declined"
    elif _INTERESTED.search(text):
        status = "interested"
    elif _CONTACTED.search(text):
        status = "contacted"
    amount_found = _AMOUNT.search(text)
    amount = parse_amount(amount_found.group(1)) if amount_found and status == "converted" else None
    item = _ITEM.search(text)
    number = parse_count(item.group(1) or item.group(2)) if item else None
    return OutcomeWords(status, amount, number)


def reassignment_said(text: str) -> tuple[str, str] | None:
    """"把马骏没联系的转给王芳" -> ("马骏", "王芳")."""
    found = REASSIGN.search(to_half_width(text or ""))
    return (found.group("from"), found.group("to")) if found else None
