"""How staff pick one entry of a numbered list: "2", "第二个", "第2个", "最后一个", "尾号5678"."""
from __future__ import annotations

import re
from dataclasses import dataclass

from bot.identity import to_half_width

_CHINESE_ORDINALS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


@dataclass(frozen=True)
class ByPosition:
    """1-based position in the list."""

    position: int


@dataclass(frozen=True)
class ByPhoneTail:
    digits: str


Choice = ByPosition | ByPhoneTail


def parse_choice(text: str, count: int) -> Choice | None:
    """What entry of a list of `count` the message picks, or None if it picks none."""
    text = to_half_width(text).strip()
    tail = re.search(r"(?<!\d)(\d{4})(?!\d)", text)
    if tail:
        return ByPhoneTail(tail.group(1))
    if re.search(r"最后|末尾", text):
        return ByPosition(count)
    number = re.search(r"(?<!\d)(\d{1,2})(?!\d)", text)
    if number:
        return ByPosition(int(number.group(1)))
    ordinal = re.search(r"第([一二两三四五六七八九十])", text) or re.fullmatch(
        r"\s*([一二三四五六七八九十])\s*(?:个|号|位)?\s*(?:吧|啊|呀)?\s*", text
    )
    if ordinal:
        return ByPosition(_CHINESE_ORDINALS[ordinal.group(1)])
    return None
