"""Amounts of money in a visit note: "50万", "五十万", "3-5万", a bare "20" where the context
makes it money, and which clause each stands in.
"""
from __future__ import annotations

import re
from decimal import Decimal
from typing import Iterable

from bot.visits.notes.results import AmountMention
from bot.vocabulary.numbers import parse_amount

_CLAUSE_BREAK = re.compile(r"[,,。;;!!??\n]|但是|不过|但|然后|另外")
_DIGIT_AMOUNT = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*(万元|万块|万|[wW](?![a-zA-Z])|千元|千块|千|亿元|亿|元|块钱|块)")
_CHINESE_AMOUNT = re.compile(r"([零一二两三四五六七八九十百千万亿]+)(万元|万块|元|块钱|块)?")
_AMOUNT_UNITS = set("万亿千")
# "三五万", "一两万", "两三千": a range said loosely, not an amount (it would read as 5万, 2万, 3千).
_CHINESE_RANGE = re.compile(r"[一二两三四五六七八九]{2}")
_CHINESE_DIGIT = re.compile(r"[零一二两三四五六七八九]")
# What follows a number that makes it a count, not money: 两千人, 3千米, 1万份, 2万股, 5千步.
# (Time words are not here: "50万月底到期" is money; "3天后", "1年期" have no money unit anyway.)
_NOT_MONEY_AFTER = re.compile(
    r"\s*(?:多|余|来)?\s*(?:%|％|‰|人|个|位|名|户|次|回|遍|步|米|公里|克|公斤|斤|吨|亩|字|件|份|股|张|只|头"
    r"|条|本|台|辆|套|间|层|岁|周岁|倍|积分|粉丝|平(?!安)|年(?!底|初|末|中|化|内|前|后|期))"
)
# Money, but not in yuan: "5万美元" is not ¥50,000, and no amount is read rather than a wrong one.
# Likewise "5千万" (two units the amount parser does not combine: it would read 5千).
_NOT_YUAN_AFTER = re.compile(r"\s*(?:美元|美金|欧元|日元|港币|港元|英镑|澳元|加元|韩元|万|亿)")
# A bare number is money only right after a money verb or a balance: 存了50000, 取了3000, 余额8000.
_MONEY_CONTEXT_BEFORE = re.compile(
    r"(?:存了?|存入|存进|续存了?|转存了?|取了?|取出|取走|支取了?|提现了?|买了?|购买了?|认购了?|申购了?|投了?|投入|定投"
    r"|转了?|转入|转出|转走|汇了?|还了?|借了?|贷了?|交了?|付了?|首付|拿出|余额有?|卡里有|卡里还有|账上有|账上还有"
    r"|账户里有|账户有|手上有|手里有|存款有?|存折里有|回款|到账了?|进账了?)\s*$"
)
_BARE_NUMBER = re.compile(r"(?<![\d.])\d+(?:\.\d+)?(?![\d.])")
# A bare amount ends there (a space, a stop, the end) or is followed by what the money is: 存了50000定期.
# Anything else makes it a count or a date: 存了3年, 取了2次, 买了3份, 存了5000在活期 (not read: too loose).
_BARE_AMOUNT_ENDS = re.compile(r"(?:\s|$|[,,。;;!!??、)\)]|(?:元|块|的|定期|活期|现金|存款|理财|基金|大额|国债|保险|黄金))")
BARE_AMOUNT_MINIMUM = Decimal(100)  # "买了2" is a count; nobody notes a deposit under ¥100 without a unit


def _money_follows(text: str, end: int) -> bool:
    """Whether the words after a number with a money unit leave it money (not 两千人, 5万美元)."""
    return not _NOT_MONEY_AFTER.match(text, end) and not _NOT_YUAN_AFTER.match(text, end)


def bare_money_at(text: str, start: int, end: int) -> bool:
    """Whether a number without a unit is money where it stands: right after a money verb (存了50000)
    and ending there, not followed by a counter or a time word (存了3年, 取了2次)."""
    if not _MONEY_CONTEXT_BEFORE.search(text[max(0, start - 6):start]):
        return False
    if end - start > 9:  # longer than ¥999,999,999: an account or phone number, not a sum
        return False
    return bool(_BARE_AMOUNT_ENDS.match(text, end))


def clauses_of(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for match in _CLAUSE_BREAK.finditer(text):
        if match.start() > start:
            spans.append((start, match.start()))
        start = match.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans or [(0, len(text))]


def clause_of(clauses: list[tuple[int, int]], position: int) -> int:
    for index, (start, end) in enumerate(clauses):
        if start <= position < end:
            return index
    return len(clauses) - 1


def overlaps(start: int, end: int, spans: Iterable[tuple[int, int]]) -> bool:
    return any(start < e and s < end for s, e in spans)


def find_amounts(text: str, taken: Iterable[tuple[int, int]] = ()) -> list[AmountMention]:
    """Amounts of money in the text: a number with a money unit (50万, 3.5万元, 两千块, 五十万, 20w)
    that is not a count (两千人, 1万份) or another currency (5万美元), or a bare number right after
    a money verb (存了50000). Other bare numbers (3天后, 70岁, 3.5%, 第2次, 尾号5678) are not money.
    `taken` are spans already read as something else (identifiers, times)."""
    taken = list(taken)
    found: list[AmountMention] = []
    for match in _DIGIT_AMOUNT.finditer(text):
        if overlaps(match.start(), match.end(), taken) or not _money_follows(text, match.end()):
            continue
        unit = match.group(2)
        value = parse_amount(match.group(1) + unit.replace("万元", "万").replace("万块", "万").replace("千元", "千")
                             .replace("千块", "千").replace("亿元", "亿"))
        if value:
            found.append(AmountMention(match.group(0), value, match.start(), match.end()))
    for match in _CHINESE_AMOUNT.finditer(text):
        digits, unit = match.group(1), match.group(2)
        if overlaps(match.start(), match.end(), taken + [(a.start, a.end) for a in found]):
            continue
        if not unit and not (_AMOUNT_UNITS & set(digits)):
            continue
        if not unit and len(digits) < 2:
            continue  # a lone 万/千 ("千万别", "万一") is no amount
        if digits in ("万一", "千万", "一万") and not unit:
            # "万一" (in case), "千万" (by all means): only with a money unit.
            if digits != "一万":
                continue
        if not unit and not _CHINESE_DIGIT.search(digits) and not digits.startswith("十"):
            continue  # "百万医疗险", "千万": a name or a word, not a sum (一百万 and 十万 are sums)
        if _CHINESE_RANGE.search(digits) or not _money_follows(text, match.end()):
            continue
        # Colloquial 三万五 is 35000 and 两千五 is 2500: a last digit after 万/千 counts the next unit down.
        if re.fullmatch(r".*万[一二两三四五六七八九]", digits):
            digits += "千"
        elif re.fullmatch(r".*千[一二两三四五六七八九]", digits):
            digits += "百"
        value = parse_amount(digits + (unit or "").replace("万元", "").replace("万块", "") + ("万" if unit in ("万元", "万块") else ""))
        if value:
            found.append(AmountMention(match.group(0), value, match.start(), match.end()))
    for match in _BARE_NUMBER.finditer(text):
        if overlaps(match.start(), match.end(), taken + [(a.start, a.end) for a in found]):
            continue
        if not bare_money_at(text, match.start(), match.end()):
            continue
        value = parse_amount(match.group(0))
        if value and value >= BARE_AMOUNT_MINIMUM:
            found.append(AmountMention(match.group(0), value, match.start(), match.end()))
    return sorted(found, key=lambda a: a.start)
