"""What a message says about a segment: "30天内理财到期、5万以上的", "三个月没联系过、资产10万以上的",
"买过理财但没买过基金的C3以上客户", "代理网点60岁以上的客户", "沉睡唤醒", and the corrections of one
("改成10万以上", "只要代理网点的", "不限金额").

Rules:

* A maturity ("到期") is within the days the message names ("下个月", "30天内", "12月"); without a
  day, the next 30 days. Its product is the product word written with it ("定期", "理财"); none:
  any holding with a term.
* An amount with 以上/以下 ("5万以上", "≥5万") is the maturing amount when a maturity is asked and
  no asset word (资产, 总资产, AUM) is written; otherwise the customer's assets.
* "买过X" / "有X的" / "持有X" hold X; "没买过X" / "没有X" / "未持有X" lack X.
* "N个月(没|未)联系", "N天没联系过", "半年没联系": no contact in that many days.
* "测评过期" is an expired risk assessment; "测评快到期" / "测评到期" expired or expiring in 30 days.
* "生日" is a birthday in the days named, this week without one.
* "60岁以上", "40岁以下"; "代理网点" / "自营网点"; "C3以上" / "C2及以下"; "女客户";
  "…标签的" a tag; "我名下" / "我管的" her own customers.
* The scenes of bot.segments.scenes, by name.

Nothing here reads the database; the reading is `SegmentWords`: the segment and what a
correction clears.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal

from bot.segments.conditions import Segment
from bot.segments.scenes import scene_named, scene_segment
from bot.visits.period import days_named
from bot.vocabulary.numbers import parse_amount, parse_count
from bot.vocabulary.products import PRODUCT_VOCABULARY, product_word_in
from bot.vocabulary.width import to_half_width

DEFAULT_MATURITY_DAYS = 30
_NUMERAL = r"[0-9一二两三四五六七八九十百半]+"
_AMOUNT = r"(\d+(?:\.\d+)?\s*(?:万|w|W|千|k|K|亿|元|块)?|[一二两三四五六七八九十百千]+\s*(?:万|千|亿|元|块))"
_AT_LEAST = re.compile(rf"(?:[≥>]=?|大于|超过|不低于|不少于|至少|满)\s*{_AMOUNT}|{_AMOUNT}\s*(?:以上|及以上|或以上|起|\+|多)")
_AT_MOST = re.compile(rf"(?:[≤<]=?|小于|低于|不超过|不到)\s*{_AMOUNT}|{_AMOUNT}\s*(?:以下|及以下|以内)")
_ASSET_WORDS = re.compile(r"资产|总资产|AUM|aum|金融资产|存款总额|总存款")
_MATURES = re.compile(r"到期")
_ASSESSMENT = re.compile(r"(?:风险)?(?:测评|风评|评估|问卷)")
_ASSESSMENT_EXPIRED = re.compile(r"(?:测评|风评|评估|问卷)[^,，。]{0,4}(?:过期|失效|已到期|超期)|过期[^,，。]{0,3}(?:测评|风评)")
_ASSESSMENT_DUE = re.compile(r"(?:测评|风评|评估|问卷)[^,，。]{0,3}到期")
_BIRTHDAY = re.compile(r"生日|寿辰")
_NO_CONTACT = re.compile(
    rf"(?P<count>{_NUMERAL})\s*(?:个)?(?P<unit>天|日|周|星期|礼拜|月|年)(?:以上|多)?(?:都|都没|没有?|未|没再)\s*(?:联系|联络|拜访|跟进|接触|来往|走动|来过|来网点|到店|来)"
    rf"|(?:没|未)(?:有)?(?:联系|联络|拜访|跟进)(?:过)?(?:的)?(?:超过|已经|有)?\s*(?P<count2>{_NUMERAL})\s*(?:个)?(?P<unit2>天|日|周|星期|礼拜|月|年)"
    r"|(?P<long>很久|好久|长期)(?:都)?(?:没|未)(?:有)?(?:联系|联络|拜访|跟进)")
_UNIT_DAYS = {"天": 1, "日": 1, "周": 7, "星期": 7, "礼拜": 7, "月": 30, "年": 365}
_AGE_AT_LEAST = re.compile(rf"(?P<age>{_NUMERAL})\s*(?:周)?岁\s*(?:以上|及以上|或以上|\+|往上)|(?:大于|超过|满)\s*(?P<age2>{_NUMERAL})\s*岁")
_AGE_AT_MOST = re.compile(rf"(?P<age>{_NUMERAL})\s*(?:周)?岁\s*(?:以下|及以下|以内|往下)|(?:小于|不到|不满)\s*(?P<age2>{_NUMERAL})\s*岁")
_AGE_BETWEEN = re.compile(rf"(?P<low>{_NUMERAL})\s*(?:岁)?\s*(?:到|至|-|~)\s*(?P<high>{_NUMERAL})\s*岁")
_ELDERLY = re.compile(r"老年客户|老年人|老人家|老年")
_RISK_AT_LEAST = re.compile(r"[Cc]([1-5])\s*(?:以上|及以上|或以上|\+|往上)|(?:风险等级|风评)?[Cc]([1-5])\s*到\s*[Cc]?5")
_RISK_AT_MOST = re.compile(r"[Cc]([1-5])\s*(?:以下|及以下|或以下|以内)")
_RISK_EXACT = re.compile(r"(?<![A-Za-z0-9])[Cc]([1-5])(?![0-9])(?:\s*(?:级|的|客户))")
_AGENCY = re.compile(r"代理网点|代理行|代理点|代理机构")
_SELF_OPERATED = re.compile(r"自营网点|自营的?网点")
_WOMEN = re.compile(r"女客户|女性|女的")
_MEN = re.compile(r"男客户|男性|男的")
_MINE = re.compile(r"我名下|我管的|我管户|我维护的|我手上的|我手里的|我负责的|我的客户")
_TAG = re.compile(r"(?:打了|贴了|带|有|是)?[“\"'‘「]?(?P<tag>[^,，。、;；\s“”\"'‘’「」]{2,12}?)[”\"'’」]?\s*(?:这个)?标签")
_HOLDS = re.compile(r"(?<![没未不])(?:买过|持有|有过|做过|办过|购买过|配置了?|有)(?P<rest>.{2,8})")
_LACKS = re.compile(r"(?:没买过|没有买过|未买过|没持有|未持有|不持有|没有|没配置|没做过|没办过|从没买过|从来没买过)(?P<rest>.{2,8})")
_CLEARS = {
    "min_maturing_amount": re.compile(r"(?:不限|去掉|不要|不管)(?:金额|钱|多少)"),
    "min_assets": re.compile(r"(?:不限|去掉|不要|不管)(?:金额|资产|钱|多少)"),
    "branch_kind": re.compile(r"(?:不限|去掉|不要|不管)(?:网点|代理|自营)|所有网点|全部网点"),
    "min_age": re.compile(r"(?:不限|去掉|不要|不管)年龄"),
    "max_age": re.compile(r"(?:不限|去掉|不要|不管)年龄"),
    "mine": re.compile(r"(?:不限|不只|不光)(?:我名下|我的)|全网点的|所有客户"),
    "tag": re.compile(r"(?:不限|去掉|不要)标签"),
}
# "改成10万以上", "只要代理网点的", "再加个条件…": a change of the segment just shown.
CORRECTION = re.compile(r"^(?:那|那就|就)?(?:改成|改为|换成|只要|只看|只留|再加|加上|加个|加一个|去掉|不限|不要|不管|变成|调成|筛掉|排除)")


@dataclass(frozen=True)
class SegmentWords:
    segment: Segment
    cleared: tuple[str, ...] = ()  # the fields a correction drops ("不限金额")


def read_segment(text: str, today: date, product_words: list[str] | tuple[str, ...] = (),
                 correcting: Segment | None = None) -> SegmentWords:
    """The conditions a message writes (see the module's rules); `correcting` is the segment a
    correction changes: "改成10万以上" of a maturity is the maturing amount."""
    text = to_half_width(text or "").strip()
    scene = scene_named(text)
    segment = scene_segment(scene, today, text) if scene is not None else Segment()
    segment, text = _tag(text, segment)
    segment = _maturity(_ASSESSMENT_DUE.sub(" ", text), today, segment, product_words)
    segment = _amounts(text, segment, correcting is not None and correcting.maturing)
    segment = _holdings(text, segment)
    segment = _contact(text, segment)
    segment = _assessment(text, segment)
    segment = _birthday(text, today, segment)
    segment = _age(text, segment)
    segment = _branch_and_person(text, segment)
    if correcting is not None and not segment.maturing and not segment.holds and not segment.lacks:
        segment = _product_only(text, segment, correcting, product_words)
    cleared = tuple(name for name, words in _CLEARS.items() if words.search(text))
    return SegmentWords(segment, cleared)


def _product_only(text: str, segment: Segment, correcting: Segment, product_words) -> Segment:
    """"只要大额存单的", "换成理财" while correcting: the product of the maturity shown, or what
    the customers hold."""
    word = _product_word(text, product_words)
    if word is None:
        return segment
    if correcting.maturing:
        return replace(segment, maturing_from=correcting.maturing_from, maturing_to=correcting.maturing_to,
                       maturing_word=word)
    return replace(segment, holds=(word,))


def describes_customers(text: str, today: date) -> bool:
    """Whether a message describes a group of customers by conditions ("下个月到期的客户",
    "5万以上的") or drops one ("不限金额"), whatever else it asks."""
    words = read_segment(text, today)
    return not words.segment.is_empty or bool(words.cleared)


def _maturity(text: str, today: date, segment: Segment, product_words) -> Segment:
    if not _MATURES.search(text):
        return segment
    before = text[:text.rfind("到期")]
    days = days_named(text, today)
    if days is not None and days.last >= today:
        first, last = max(days.first, today), days.last
    elif segment.maturing:
        first, last = segment.maturing_from, segment.maturing_to
    else:
        first, last = today, today + timedelta(days=DEFAULT_MATURITY_DAYS - 1)
    word = _product_word(before, product_words) or _product_word(text, product_words)
    return replace(segment, maturing_from=first, maturing_to=last, maturing_word=word or segment.maturing_word)


def _product_word(text: str, product_words) -> str | None:
    for word in product_words:
        if word and word in text and word in PRODUCT_VOCABULARY:
            return word
    return product_word_in(text)


def _amount_of(match: re.Match) -> Decimal | None:
    written = next((g for g in match.groups() if g), None)
    if written is None:
        return None
    written = written.strip()
    if re.fullmatch(r"\d+(?:\.\d+)?", written):
        return None  # a bare number is no amount ("3以上" says nothing of money)
    return parse_amount(written)


def _amounts(text: str, segment: Segment, of_a_maturity: bool = False) -> Segment:
    text = _without_ages(text)
    low = next((a for a in (_amount_of(m) for m in _AT_LEAST.finditer(text)) if a is not None), None)
    high = next((a for a in (_amount_of(m) for m in _AT_MOST.finditer(text)) if a is not None), None)
    if low is None and high is None:
        return segment
    if (segment.maturing or of_a_maturity) and not _ASSET_WORDS.search(text) and low is not None:
        return replace(segment, min_maturing_amount=low)
    return replace(segment, min_assets=low if low is not None else segment.min_assets,
                   max_assets=high if high is not None else segment.max_assets)


def _without_ages(text: str) -> str:
    return re.sub(rf"{_NUMERAL}\s*(?:周)?岁|[Cc][1-5]|{_NUMERAL}\s*(?:个)?(?:天|日|周|星期|礼拜|月|年)", " ", text)


def _holdings(text: str, segment: Segment) -> Segment:
    lacks = [w for w in (_product_word(m.group("rest"), ()) for m in _LACKS.finditer(text)) if w]
    lacking_spans = [m.span() for m in _LACKS.finditer(text)]
    holds = []
    for m in _HOLDS.finditer(text):
        if any(start <= m.start() < end for start, end in lacking_spans):
            continue
        if "到期" in m.group("rest") or "标签" in text[m.end():m.end() + 3] or "意向" in m.group("rest"):
            continue
        word = _product_word(m.group("rest"), ())
        if word and word not in lacks:
            holds.append(word)
    if segment.maturing:
        holds = [w for w in holds if w != segment.maturing_word]
    if not holds and not lacks:
        return segment
    return replace(segment, holds=tuple(dict.fromkeys(holds)) or segment.holds,
                   lacks=tuple(dict.fromkeys(lacks)) or segment.lacks)


def _days(count: str | None, unit: str) -> int:
    number = 0.5 if count == "半" else (parse_count(count) if count else 1) or 1
    return max(1, round(number * _UNIT_DAYS[unit]))


def _contact(text: str, segment: Segment) -> Segment:
    found = _NO_CONTACT.search(text.replace("半年", "半个年").replace("半个年", "半年"))
    if found is None:
        return segment
    if found.group("long"):
        return replace(segment, no_contact_days=segment.no_contact_days or 90)
    if found.group("unit"):
        return replace(segment, no_contact_days=_days(found.group("count"), found.group("unit")))
    return replace(segment, no_contact_days=_days(found.group("count2"), found.group("unit2")))


def _assessment(text: str, segment: Segment) -> Segment:
    if not _ASSESSMENT.search(text) or not re.search(r"过期|到期|失效|超期|快到|即将|更新|重做|重新", text):
        return segment
    if _ASSESSMENT_EXPIRED.search(text) and not re.search(r"快|即将|将要|马上|天内|就要", text):
        return replace(segment, assessment_within_days=0)
    within = re.search(rf"(?P<count>{_NUMERAL})\s*(?:个)?(?P<unit>天|周|月)内", text)
    days = _days(within.group("count"), within.group("unit")) if within else 30
    return replace(segment, assessment_within_days=days)


def _birthday(text: str, today: date, segment: Segment) -> Segment:
    if not _BIRTHDAY.search(text):
        return segment
    days = days_named(text, today)
    if days is None:
        first = today - timedelta(days=today.weekday())
        return replace(segment, birthday_from=first, birthday_to=first + timedelta(days=6))
    return replace(segment, birthday_from=days.first, birthday_to=min(days.last, days.first + timedelta(days=365)))


_DECADE = re.compile(r"(?<![0-9])([0-9])0后")


def _age(text: str, segment: Segment) -> Segment:
    decade = _DECADE.search(text)
    if decade:  # "90后": born 1990-1999; "00后": 2000-2009
        digit = int(decade.group(1))
        first_year = (1900 if digit >= 3 else 2000) + digit * 10
        return replace(segment, born_from=date(first_year, 1, 1), born_to=date(first_year + 9, 12, 31))
    between = _AGE_BETWEEN.search(text)
    if between:
        return replace(segment, min_age=parse_count(between.group("low")), max_age=parse_count(between.group("high")))
    low = _AGE_AT_LEAST.search(text)
    high = _AGE_AT_MOST.search(text)
    if low:
        segment = replace(segment, min_age=parse_count(low.group("age") or low.group("age2")))
    elif _ELDERLY.search(text) and segment.min_age is None:
        segment = replace(segment, min_age=60)
    if high:
        segment = replace(segment, max_age=parse_count(high.group("age") or high.group("age2")))
    return segment


def _branch_and_person(text: str, segment: Segment) -> Segment:
    if _AGENCY.search(text):
        segment = replace(segment, branch_kind="agency")
    elif _SELF_OPERATED.search(text):
        segment = replace(segment, branch_kind="self_operated")
    if _WOMEN.search(text):
        segment = replace(segment, gender="F")
    elif _MEN.search(text):
        segment = replace(segment, gender="M")
    if _MINE.search(text):
        segment = replace(segment, mine=True)
    low, high, exact = _RISK_AT_LEAST.search(text), _RISK_AT_MOST.search(text), _RISK_EXACT.search(text)
    if low:
        segment = replace(segment, min_risk=f"C{low.group(1) or low.group(2)}")
    if high:
        segment = replace(segment, max_risk=f"C{high.group(1)}")
    if exact and not low and not high:
        segment = replace(segment, min_risk=f"C{exact.group(1)}", max_risk=f"C{exact.group(1)}")
    return segment


def _tag(text: str, segment: Segment) -> tuple[Segment, str]:
    """The tag a message asks for, and the message without it (a tag's words are no holding)."""
    tag = _TAG.search(text)
    if not tag:
        return segment, text
    words = re.sub(r"^(?:有|是|带)(?=意向)", "", tag.group("tag"))
    words = re.sub(r"^.*?(?:打了|贴了|带有|带)", "", words)
    return replace(segment, tag=words.replace("：", ":")), text[:tag.start()] + " " + text[tag.end():]
