"""Numbers as staff write them: numerals, positions in a list, amounts of money.

One reading for every conversation (the lookup's "第二个", the to-do list's "完成第12条", a
referral's "买了3万5", a visit's "两万五", a time's "十五号"):

- `parse_number(text)`: a whole text that is one number. Arabic digits (full width too, "1,000",
  "1.5"), Chinese numerals (一二两三…, 零/〇, 幺, 十百千万亿, and 拾佰仟), both mixed ("3万5千",
  "1.5万", "2千5"), "w"/"W" for 万 and "k"/"K" for 千. Said the colloquial way, a last digit
  right after 万/千/百/亿 counts the next unit down: 两万五 is 25000, 一千二 1200, 3万5 35000
  (not 30005); after 零 it counts ones (一百零五 is 105). 两 counts only before 百千万亿 or alone
  (两十, 十两 are no numbers). A unit needs a count before it, except 十 first (十五, 十万).
  Anything else (几万, 5万多, 很多, 两三个) is None: the bot asks rather than guesses.
- `parse_count(text, digits_in_a_row=False)`: the same, a whole number only. With
  `digits_in_a_row`, Chinese digits without units read digit by digit, as years and days are
  written (二〇二七 → 2027, 零五 → 5).
- `parse_ordinal(text, count=None, bare_numbers=True)`: the position a message names in a list.
- `parse_amount(value)`: yuan as Decimal ("20万", "3000元", "五十万", "两千块", "1,000").
"""
from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from bot.vocabulary.width import to_half_width

CHINESE_DIGITS = {"零": 0, "〇": 0, "一": 1, "幺": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
                  "八": 8, "九": 9}
SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000, "k": 1000, "K": 1000}
BIG_UNITS = {"万": 10_000, "w": 10_000, "W": 10_000, "亿": 100_000_000}
# The characters a Chinese numeral is written with (for patterns that find one in a text).
NUMERAL_CHARACTERS = "零〇一幺二两三四五六七八九十拾百佰千仟万亿"

_ZEROS = ("零", "〇")
# A comma between thousands: 1,000 and 1,000,000 (not "1,2": two numbers).
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
# A number in Arabic digits, or a Chinese digit with a decimal part (一点五).
_TOKEN = re.compile(r"\d+(?:\.\d+)?|[一二两三四五六七八九]点[零〇一二两三四五六七八九]+|.", re.DOTALL)


def _chinese_decimal(text: str) -> Decimal:
    whole, _, fraction = text.partition("点")
    return Decimal(f"{CHINESE_DIGITS[whole]}.{''.join(str(CHINESE_DIGITS[c]) for c in fraction)}")


def _tokens(text: str) -> list[tuple[str, Decimal | int, str]] | None:
    """("count", value, as written), ("small", unit, …), ("big", unit, …), ("zero", 0, …);
    None when a character is no part of a number."""
    tokens: list[tuple[str, Decimal | int, str]] = []
    for piece in _TOKEN.findall(text):
        if piece[0].isascii() and piece[0].isdigit():
            tokens.append(("count", Decimal(piece), piece))
        elif "点" in piece:
            tokens.append(("count", _chinese_decimal(piece), piece))
        elif piece in _ZEROS:
            tokens.append(("zero", 0, piece))
        elif piece in CHINESE_DIGITS:
            tokens.append(("count", Decimal(CHINESE_DIGITS[piece]), piece))
        elif piece in SMALL_UNITS:
            tokens.append(("small", SMALL_UNITS[piece], piece))
        elif piece in BIG_UNITS:
            tokens.append(("big", BIG_UNITS[piece], piece))
        else:
            return None
    return tokens


def _single_digit(written: str) -> bool:
    return written in CHINESE_DIGITS or (len(written) == 1 and written.isdigit())


def _with_units(tokens: list[tuple[str, Decimal | int, str]]) -> Decimal | None:
    """A numeral with units: 十二万五千, 3万5, 一千零五十, 1.5万."""
    total, section = Decimal(0), Decimal(0)
    count: Decimal | None = None
    count_written = ""
    last_unit: int | None = None  # the unit just before the pending count, if no 零 between
    section_unit: int | None = None  # the smallest small unit so far in this section
    big_unit: int | None = None  # the last big unit
    after_zero = False
    for index, (kind, value, written) in enumerate(tokens):
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        if kind == "count":
            if count is not None:
                return None  # two counts in a row: 二三十
            if written == "两" and (following is None or following[2] in ("十", "拾")):
                return None  # 两十, 十两
            if index and ("." in written or "点" in written):
                return None  # a decimal is said first: 1.5万, not 3万1.5
            count, count_written = Decimal(value), written
        elif kind == "zero":
            # 零 stands for a skipped unit: only after 百/千/万/亿, and before a count or at the end.
            if count is not None or last_unit is None or last_unit == 10 and following is not None:
                return None
            if following is not None and following[0] != "count" and not (following[2] in ("十", "拾")):
                return None
            after_zero, last_unit = True, None
        elif kind == "small":
            if count is None:
                leading_ten = value == 10 and (index == 0 or after_zero)
                if not leading_ten:
                    return None  # 万百, 百五
                count = Decimal(1)
            if section_unit is not None and value >= section_unit:
                return None  # 十百, 二十十
            section += count * value
            count, section_unit, last_unit, after_zero = None, value, value, False
        else:  # big unit
            if count is None and section == 0:
                return None  # 万 alone, 万亿
            if big_unit is not None and value >= big_unit:
                return None  # 五万三万
            section += count or 0
            total += section * value
            count, section, section_unit, big_unit, last_unit, after_zero = None, Decimal(0), None, value, value, False
    if count is not None:
        if last_unit is not None and last_unit > 10:
            # Colloquial: the last digit counts the next unit down (两万五, 一千二, 3万5).
            if not _single_digit(count_written):
                return None  # 3万20
            next_down = {100: 10, 1000: 100, 10_000: 1000, 100_000_000: 10_000_000}[last_unit]
            count *= next_down
        section += count
    return total + section


def parse_number(text: str | None) -> Decimal | None:
    """The number a whole text is ("3万5" → 35000, "十二" → 12, "1,000" → 1000, "零" → 0), or
    None (see the module's docstring). Surrounding blanks are allowed."""
    text = _THOUSANDS.sub("", re.sub(r"\s+", "", to_half_width(text or "")))
    tokens = _tokens(text) if text else None
    if not tokens:
        return None
    if len(tokens) == 1:
        kind, value, written = tokens[0]
        number = Decimal(value) if kind in ("count", "zero") else (Decimal(10) if written in ("十", "拾") else None)
    else:
        try:
            number = _with_units(tokens)
        except InvalidOperation:
            return None
    if number is not None and number == number.to_integral_value():
        number = number.to_integral_value()  # 15000, not 15000.0
    return number


def parse_count(text: str | None, *, digits_in_a_row: bool = False) -> int | None:
    """A whole number: "十二" → 12, "第" excluded; "1.5" → None. With `digits_in_a_row`, Chinese
    digits without units are read one by one (二〇二七 → 2027, 零五 → 5; 两 is not among them)."""
    text = to_half_width(text or "").strip()
    if digits_in_a_row and len(text) > 1 and all(c in CHINESE_DIGITS and c != "两" for c in text):
        return int("".join(str(CHINESE_DIGITS[c]) for c in text))
    value = parse_number(text)
    if value is None or value != value.to_integral_value():
        return None
    return int(value)


# ---------------------------------------------------------------------------- ordinals

_NUMERAL = rf"[0-9{NUMERAL_CHARACTERS}]+"
_MEASURE = r"(?:个|条|项|款|只|位|号|名|行|家|笔|种)"
_COUNTED_FROM_END = re.compile(rf"倒数\s*第?\s*({_NUMERAL})")
_LAST = re.compile(r"最后|末尾|倒数(?!\s*第?\s*[0-9一二两三四五六七八九十])")
_NTH = re.compile(rf"第\s*({_NUMERAL})")
_FIRST = re.compile(r"头一")
_ARABIC = re.compile(r"(?<![\d.])(\d{1,2})(?![\d.])")
# A message that is nothing but a Chinese numeral: "三", "三个", "十二吧". Not 两: "两个" says
# how many, not which.
_BARE = re.compile(rf"\s*([一二三四五六七八九十][{NUMERAL_CHARACTERS}]*)\s*{_MEASURE}?\s*(?:吧|啊|呀|呗|哈)?\s*[。.!！]?\s*")


def parse_ordinal(text: str | None, count: int | None = None, *, bare_numbers: bool = True) -> int | None:
    """The 1-based position a message names in a list of `count` entries, or None.

    "第二个", "第2条", "第十二" → that position; "最后一个", "末尾那个" → `count`; "倒数第二" →
    `count` - 1 (both None when `count` is unknown). With `bare_numbers`: also a number of one or
    two digits anywhere ("2", "完成 3") and a message that is only a Chinese numeral ("三", "二吧").
    The position is as said: the caller checks that it is in the list."""
    text = to_half_width(text or "")
    from_end = _COUNTED_FROM_END.search(text)
    if from_end:
        number = parse_count(from_end.group(1))
        return count - number + 1 if count is not None and number else None
    if _LAST.search(text):
        return count
    nth = _NTH.search(text)
    if nth:
        number = parse_count(nth.group(1))
        if number is not None:
            return number
    if _FIRST.search(text):
        return 1
    if not bare_numbers:
        return None
    arabic = _ARABIC.search(text)
    if arabic:
        return int(arabic.group(1))
    bare = _BARE.fullmatch(text)
    return parse_count(bare.group(1)) if bare else None


# ---------------------------------------------------------------------------- amounts

_YUAN_AFTER = re.compile(r"(?:元整|元|块钱|块|人民币)$")
_YUAN_BEFORE = re.compile(r"^(?:人民币|¥|￥|RMB)")


def parse_amount(value: Decimal | int | str | None) -> Decimal | None:
    """'20万', '3000元', '1.5万', '五十万', '两千块', '1,000', '3万5' -> yuan as Decimal (to the
    fen, half up as the bank rounds); None if not an amount."""
    if value is None:
        return None
    if isinstance(value, (Decimal, int)):
        return Decimal(value)
    text = re.sub(r"\s+", "", to_half_width(str(value)))
    text = _YUAN_BEFORE.sub("", _YUAN_AFTER.sub("", text))
    number = parse_number(text)
    return number.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) if number is not None else None
