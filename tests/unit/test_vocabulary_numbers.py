"""One reading of numerals, positions in a list and amounts, for every conversation."""
from __future__ import annotations

import itertools
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.suggestions.request import product_number
from bot.visits.dialogue import item_number
from bot.vocabulary.choice import ByPhoneTail, ByPosition, parse_choice
from bot.vocabulary.numbers import parse_amount, parse_count, parse_number, parse_ordinal
from bot.vocabulary.numbers import parse_amount as referrals_parse_amount
from bot.vocabulary.time_expressions import _number as time_number

# ------------------------------------------------------------------ numerals


@pytest.mark.parametrize(
    "text, number",
    [
        ("零", "0"), ("〇", "0"), ("0", "0"), ("十", "10"), ("十二", "12"), ("二十", "20"), ("二十五", "25"),
        ("一百零五", "105"), ("一百一十五", "115"), ("一千零十", "1010"), ("两百", "200"), ("两千", "2000"),
        ("两万五千", "25000"), ("两万五", "25000"), ("一千二", "1200"), ("一百五", "150"), ("三万零五", "30005"),
        ("十二万五千", "125000"), ("五十万", "500000"), ("一亿三千万", "130000000"), ("三亿五", "350000000"),
        ("3万5", "35000"), ("3万5千", "35000"), ("3万五千", "35000"), ("2千5", "2500"), ("1.5万", "15000"),
        ("1.5w", "15000"), ("20W", "200000"), ("5k", "5000"), ("一点五万", "15000"), ("1,000", "1000"),
        ("12,345,678", "12345678"), ("２０万", "200000"), ("１，０００", "1000"), (" 2.5 ", "2.5"), ("幺", "1"),
        ("拾", "10"), ("贰", None),
        # Not a number: the bot asks rather than guesses.
        ("很多", None), ("几万", None), ("5万多", None), ("两三", None), ("三四万", None), ("二三十", None),
        ("两十", None), ("十两", None), ("万", None), ("千万", None), ("万一", None), ("五万三万", None),
        ("3万20", None), ("3万1.5", None), ("零十", None), ("十百", None), ("1,2", None), ("", None), (None, None),
        ("-5", None), ("1.5.3", None),
    ],
)
def test_numerals_as_staff_write_them(text, number):
    assert parse_number(text) == (Decimal(number) if number is not None else None)


_DIGITS = "零一二三四五六七八九"


def formal_chinese(n: int) -> str:
    """The textbook way to write n (< 10**12) in Chinese: 十二万零五百, 一亿零五."""
    if n == 0:
        return "零"

    def section(value: int) -> str:
        out, gap = "", False
        for unit, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
            digit = value // unit % 10
            if digit:
                out += ("零" if gap else "") + _DIGITS[digit] + name
                gap = False
            elif out:
                gap = True
        return out

    out, gap = "", False
    for size, name in ((10**8, "亿"), (10**4, "万"), (1, "")):
        value = n // size % 10**4 if size < 10**8 else n // size
        if value:
            out += ("零" if out and (gap or value < 1000) else "") + section(value) + name
            gap = False
        elif out:
            gap = True
    return out[1:] if out.startswith("一十") else out


@given(st.integers(0, 10**12 - 1))
def test_every_number_written_in_chinese_or_digits_reads_back(n):
    assert parse_number(formal_chinese(n)) == n
    assert parse_number(str(n)) == n
    assert parse_number(f"{n:,}") == n
    assert parse_count(formal_chinese(n)) == n


@given(st.integers(1, 9999), st.integers(1, 9))
def test_a_last_digit_after_wan_counts_thousands(wan, thousands):
    assert parse_number(f"{formal_chinese(wan)}万{_DIGITS[thousands]}") == wan * 10_000 + thousands * 1000
    assert parse_number(f"{wan}万{thousands}") == wan * 10_000 + thousands * 1000
    assert parse_number(f"{wan}万{thousands}千") == wan * 10_000 + thousands * 1000


def test_counts_are_whole_numbers_and_read_digit_by_digit_only_when_asked():
    assert parse_count("1.5") is None and parse_count("十二") == 12
    assert parse_count("二〇二七") is None and parse_count("二〇二七", digits_in_a_row=True) == 2027
    assert parse_count("零五", digits_in_a_row=True) == 5
    assert parse_count("两三", digits_in_a_row=True) is None


def _time_number_before(text: str) -> int | None:
    """bot.vocabulary.time_expressions._number as it was before it used the bank's one numeral reader."""
    digits_of = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
    if text.isascii() and text.isdigit():
        return int(text)
    if "两" in text and text != "两":
        return None
    if "十" in text:
        tens_text, _, ones_text = text.partition("十")
        if "十" in ones_text or len(tens_text) > 1 or len(ones_text) > 1 or tens_text in ("零", "〇"):
            return None
        return (digits_of[tens_text] if tens_text else 1) * 10 + (digits_of[ones_text] if ones_text else 0)
    digits = [digits_of.get(char) for char in text]
    return None if not digits or None in digits else int("".join(str(d) for d in digits))


def test_time_expressions_read_every_number_they_can_meet_as_before():
    """Every text the time expressions' number pattern can match: 1-2 digits, 1-3 numerals."""
    texts = ["".join(t) for k in (1, 2) for t in itertools.product("0123456789", repeat=k)]
    texts += ["".join(t) for k in (1, 2, 3) for t in itertools.product("零〇一二两三四五六七八九十", repeat=k)]
    assert [time_number(text) for text in texts] == [_time_number_before(text) for text in texts]


# ------------------------------------------------------------------ positions in a list


@pytest.mark.parametrize(
    "text, count, position",
    [
        ("第二个", 5, 2), ("第2条", 5, 2), ("2", 5, 2), ("２", 5, 2), ("二", 5, 2), ("三个吧", 5, 3),
        ("第十二", 20, 12), ("第十二个", 20, 12), ("完成第十二条", None, 12), ("就第一个吧", 5, 1),
        ("头一个", 5, 1), ("最后一个", 5, 5), ("末尾那个", 5, 5), ("最后一个", None, None),
        ("倒数第二个", 5, 4), ("倒数第一", 5, 5), ("倒数第二", None, None), ("完成 3", None, 3),
        ("两个", 5, None), ("一下", 5, None), ("好的", 5, None), ("第一二个", 5, None), ("完成了", None, None),
    ],
)
def test_positions_in_a_list(text, count, position):
    assert parse_ordinal(text, count) == position


def test_without_bare_numbers_only_a_position_said_with_di_counts():
    assert parse_ordinal("转介第十二款给理财经理", bare_numbers=False) == 12
    assert parse_ordinal("买了3万", bare_numbers=False) is None
    assert parse_ordinal("三", bare_numbers=False) is None


def test_the_conversations_read_positions_the_same_way():
    assert parse_choice("第十二个", 12) == ByPosition(12)
    assert parse_choice("倒数第二个", 3) == ByPosition(2)
    assert parse_choice("尾号5678", 3) == ByPhoneTail("5678")
    assert item_number("完成第十二条") == 12  # it was 10: 第十 read alone
    assert item_number("第二个办完了") == 2 and item_number("完成了") is None
    assert product_number("转介第二款给理财经理") == 2
    assert product_number("给他推荐点产品,3万以内") is None


# ------------------------------------------------------------------ amounts


@pytest.mark.parametrize(
    "text, amount",
    [
        ("20万", "200000"), ("3000元", "3000"), ("五十万", "500000"), ("两千块", "2000"), ("1,000", "1000"),
        ("两万五", "25000"), ("三万五", "35000"), ("3万5千", "35000"), ("1.5w", "15000"), ("5万元", "50000"),
        ("五千块钱", "5000"), ("￥2,000", "2000"), ("人民币3000元", "3000"), ("20 万", "200000"), ("零", "0"),
        ("很多", None), ("几万块", None), ("元", None), ("", None), (None, None),
    ],
)
def test_amounts_in_yuan(text, amount):
    assert parse_amount(text) == (Decimal(amount) if amount is not None else None)
    assert referrals_parse_amount(text) == parse_amount(text)  # the referral's reading is this one


def test_amounts_are_to_the_fen():
    assert str(parse_amount("1.5万")) == "15000.00" and str(parse_amount("12.345")) == "12.35"
    assert parse_amount(Decimal("12.5")) == Decimal("12.5") and parse_amount(3) == Decimal(3)
