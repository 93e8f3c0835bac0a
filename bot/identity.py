"""Formats of the bank's identifiers: mobile phone, customer number, resident ID number."""
from __future__ import annotations

import re

PHONE_RE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
CUSTOMER_ID_RE = re.compile(r"(?<![A-Za-z0-9])[Cc]\d{8}(?!\d)")
ID_NUMBER_RE = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARS = "10X98765432"

# Full-width ASCII (U+FF01..U+FF5E) and the ideographic space, typed by phone keyboards in
# Chinese input mode, to their ASCII forms: one character for one, so offsets stay valid.
_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


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


def to_half_width(text: str) -> str:
    return text.translate(_FULL_WIDTH)


def id_check_char(first17: str) -> str:
    """ISO 7064 MOD 11-2 check character of the first 17 digits of a resident ID number."""
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS))
    return _ID_CHECK_CHARS[total % 11]


def is_valid_id_number(value: str) -> bool:
    value = value.upper()
    if not re.fullmatch(r"\d{17}[\dX]", value):
        return False
    return id_check_char(value[:17]) == value[17]


def is_valid_phone(value: str) -> bool:
    return bool(re.fullmatch(r"1[3-9]\d{9}", value))


def is_valid_customer_id(value: str) -> bool:
    return bool(re.fullmatch(r"C\d{8}", value))


def normalise_customer_id(value: str) -> str:
    return to_half_width(value).strip().upper()
