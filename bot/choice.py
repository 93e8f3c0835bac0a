"""How staff pick one entry of a numbered list: "2", "第二个", "第2个", "最后一个", "尾号5678"."""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from bot.identity import has_chinese_words, to_half_width
from bot.vocabulary.numbers import parse_ordinal

# What staff reply to "回复“确认”保存" (a visit, a referral) to save the draft.
CONFIRM_WORDS = re.compile(
    r"^(确认|确定|对|对的|是的|是|好|好的|可以|没问题|行|ok|嗯|提交|保存|记吧|记上|👍|👌)[。!！\s]*$", re.IGNORECASE
)


def confirms(
    text: str, intent: str | None, entities: dict, is_customer_name: Callable[[str], bool] = lambda text: False
) -> bool:
    """Whether the answer to "回复“确认”保存" saves the draft: one of the confirming words, or
    what the NLU read as agreement (嗯嗯没问题 记上吧) in a message with Chinese words and no new
    details. A message with no Chinese word that the NLU guessed was agreement (😀😀, "???",
    at 0.36) saves nothing: the user is asked again. Nor does a customer's bare name that the
    NLU read as agreement ("李秀英" at 0.5): `is_customer_name` tells, asked only then."""
    if CONFIRM_WORDS.match(text.strip()):
        return True
    return intent == "affirm" and not entities and has_chinese_words(text) and not is_customer_name(text)


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
    position = parse_ordinal(text, count)
    return ByPosition(position) if position is not None else None
