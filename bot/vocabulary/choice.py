"""How staff pick one entry of a numbered list: "2", "第二个", "第2个", "最后一个", "尾号5678"."""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from bot.vocabulary.numbers import parse_ordinal
from bot.vocabulary.width import to_half_width

# What staff reply to "回复“确认”保存" (a visit, a referral) to save the draft: one confirming word.
CONFIRM_WORDS = re.compile(
    r"^(确认|确定|对|对的|是的|是|好|好的|可以|没问题|行|ok|嗯|提交|保存|记吧|记上|👍|👌)[。!！\s]*$", re.IGNORECASE
)
# The words a confirmation is made of, alone or together ("嗯嗯没问题 记上吧", "对,就这样", "确认无误").
_AGREEING = (
    "确认无误", "确认保存", "确认提交", "没问题", "没毛病", "就这样", "就这么", "可以的", "好的", "好滴", "好嘞", "好吧", "行吧",
    "是的", "对的", "没错", "正确", "同意", "确认", "确定", "提交", "保存", "记上", "记下", "记吧", "存吧", "发吧", "存上", "发出",
    "办吧", "转吧", "可以", "无误", "ok", "okay", "yes", "对", "是", "好", "行", "嗯", "中", "妥", "吧", "呢", "了", "啊", "哈",
    "的", "谢谢", "辛苦", "👍", "👌", "✅",
)
_AGREEMENT = re.compile(
    "^(?:" + "|".join(sorted((re.escape(word) for word in _AGREEING), key=len, reverse=True)) + r"|[\s,，。.!！~～、])+$",
    re.IGNORECASE,
)


def confirms(
    text: str, intent: str | None = None, entities: dict | None = None,
    is_customer_name: Callable[[str], bool] = lambda text: False,
) -> bool:
    """Whether the answer to "回复“确认”保存" saves the draft: nothing but words of agreement
    ("确认", "好的", "嗯嗯没问题 记上吧", "对,就这样"), whatever the NLU made of it. A draft is saved
    only by an explicit confirmation: a message the NLU read as agreement that says anything else
    ("补充", a customer's name, 😀, "???") saves nothing, and the user is asked again. (`intent`,
    `entities` and `is_customer_name` are kept for callers; the words decide.)"""
    words = to_half_width(text or "").strip()
    if not words or not any(ch.strip(" ,，。.!！~～、") for ch in words):
        return False
    if CONFIRM_WORDS.match(words):
        return True
    return bool(_AGREEMENT.match(words)) and not re.fullmatch(r"[吧呢了啊哈的\s,，。.!！~～、]+", words)


@dataclass(frozen=True)
class ByPosition:
    """1-based position in the list."""

    position: int


@dataclass(frozen=True)
class ByPhoneTail:
    digits: str


@dataclass(frozen=True)
class ByDescription:
    """The one the words describe among the people listed: the youngest or the oldest, an age
    ("38岁那个"), a gender ("女的那个") or what is known of her ("退休教师那个", "城关支行那位":
    her occupation, a tag, her branch)."""

    youngest: bool = False
    oldest: bool = False
    age: int | None = None
    gender: str | None = None  # 'M' or 'F'
    words: str | None = None


Choice = ByPosition | ByPhoneTail | ByDescription

_YOUNGEST = re.compile(r"年轻|年纪小|岁数小|小的那|小一点|年纪轻")
_OLDEST = re.compile(r"年纪大|岁数大|年长|老的那|大的那|年龄大|老一点|大一点|老人家|老爷子|老太太")
_AGE = re.compile(r"(\d{1,3})\s*岁")


# "是退休教师那个", "城关支行那位", "做生意的那个": a description only when it ends by pointing at one
# of the list, so that anything else said after a list ("王建国的理财") is no pick.
_DESCRIBED = re.compile(r"^(?:是|就是|要|选|查)?(?P<words>[\u4e00-\u9fff:]{1,8}?)的?(?:那一?个|那一?位|这一?个|这一?位)[吧啊呀]?$")
_GENDER_WORDS = {"男": "M", "男士": "M", "先生": "M", "大爷": "M", "大哥": "M",
                 "女": "F", "女士": "F", "阿姨": "F", "大姐": "F", "大妈": "F", "小姐": "F"}


def parse_choice(text: str, count: int) -> Choice | None:
    """What entry of a list of `count` the message picks, or None if it picks none."""
    text = to_half_width(text).strip()
    tail = re.search(r"(?<!\d)(\d{4})(?!\d)", text)
    if tail:
        return ByPhoneTail(tail.group(1))
    age = _AGE.search(text)
    if age:
        return ByDescription(age=int(age.group(1)))
    if _YOUNGEST.search(text):
        return ByDescription(youngest=True)
    if _OLDEST.search(text):
        return ByDescription(oldest=True)
    position = parse_ordinal(text, count)
    if position is not None:
        return ByPosition(position)
    described_as = _DESCRIBED.match(text)
    if described_as:
        words = described_as.group("words")
        if words in _GENDER_WORDS:
            return ByDescription(gender=_GENDER_WORDS[words])
        if len(words) >= 2:
            return ByDescription(words=words)
    return None


def described(choice: ByDescription, people: list, age_of, gender_of=lambda p: None,
              known_of=lambda p: ()) -> object | None:
    """The one person of the list the description fits, or None when it fits none or several.
    `known_of(p)`: what is known of her in words (occupation, tags, branch)."""
    if choice.gender is not None:
        fitting = [p for p in people if gender_of(p) == choice.gender]
    elif choice.words is not None:
        fitting = [p for p in people if _fits(choice.words, known_of(p))]
    elif choice.age is not None:
        fitting = [p for p in people if age_of(p) == choice.age]
    else:
        aged = [p for p in people if age_of(p) is not None]
        if not aged:
            return None
        best = (min if choice.youngest else max)(age_of(p) for p in aged)
        fitting = [p for p in aged if age_of(p) == best]
    return fitting[0] if len(fitting) == 1 else None


def pick_of(text: str, intent: str | None, count: int) -> str:
    """The answer to a numbered list, as a pick: "是"/"对" to "是这位吗?" (a list of one) picks it."""
    text = text.strip()
    if count == 1 and (CONFIRM_WORDS.match(text) or intent == "affirm"):
        return "1"
    return text


def _fits(words: str, known: tuple[str, ...] | list[str]) -> bool:
    """"退休教师" fits an occupation 退休教师 or 教师, "城关" the branch 城关支行; 老师 is 教师."""
    words = words.replace("老师", "教师")
    for value in known:
        value = (value or "").replace("老师", "教师")
        if value and (words in value or (len(value) >= 2 and value in words)):
            return True
    return False
