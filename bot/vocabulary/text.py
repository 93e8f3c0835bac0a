"""Small readers of Chinese text in messages: is it Chinese, without filler words, part of a name.
"""
from __future__ import annotations

import re

_HAN = re.compile(r"[\u4e00-\u9fff]")


def is_han(text: str) -> bool:
    """Whether every character of a non-empty text is a Han character (the basic CJK block):
    what a Chinese name, or one more character of it, is written in."""
    return bool(text) and all("\u4e00" <= character <= "\u9fff" for character in text)


# Separators between a name and a number, punctuation, and the particles of a bare question.
_FILLER = re.compile(r"[\s,，。.、;；:：!！?？~～…/\-]|[呢吧啊呀嘛哦么]$")


def without_filler(text: str) -> str:
    """The words of a short message without its spaces, punctuation and final question
    particles: "王建国呢?" → "王建国", " 13912345678 。" → "13912345678"."""
    text = text.strip()
    while True:
        shorter = _FILLER.sub("", text).strip()
        if shorter == text:
            return text
        text = shorter


def part_of_name(name: str, asked: str) -> bool:
    """Whether `name` is only a part of the name asked for (李秀 of 李秀英), and so someone else.
    A final particle kept with the name asked for ("李秀呢") is not part of it."""
    asked = without_filler(asked)
    return name != asked and name in asked


def has_chinese_words(text: str | None) -> bool:
    """Whether a message says anything in Chinese. Staff write Chinese: a message with no Han
    character (markup, code, emoji, only a number) describes no visit and no referral."""
    return bool(_HAN.search(text or ""))
