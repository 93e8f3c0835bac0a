"""Identifiers as staff type them: found, normalised, looked up and masked in every form."""
from __future__ import annotations

import logging
from datetime import date

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from bot.customers.lookup import QueryKind, QueryProblem, parse_customer_query
from bot.customers.service import CustomerService, Outcome, View
from bot.privacy import install_log_masking, mask_identifiers_in_text
from bot.vocabulary.identifiers import (
    find_customer_ids,
    find_id_numbers,
    find_identifiers,
    find_phones,
    is_valid_id_number,
    malformed_identifiers,
    normalise_id_number,
    normalise_phone,
    upgraded_id_number,
)
from tests.bank_fixtures import as_staff
from tools.demo_data import SHOWCASE_CUSTOMERS

WANG = SHOWCASE_CUSTOMERS[0]  # 王建国 C00000001, 13912345678, born 1966-05-12
WANG_ID = WANG.id_number  # 110101 19660512 011 + check
WANG_OLD_ID = WANG_ID[:6] + WANG_ID[8:17]  # as issued before 1999: 110101 660512 011


def typed_pieces(text: str, found) -> list[str]:
    return [text[item.start:item.end] for item in found]


# ------------------------------------------------------------------ phones


@pytest.mark.parametrize(
    "typed",
    [
        "13912345678",
        "139 1234 5678",
        "139-1234-5678",
        "139 - 1234 - 5678",
        "1391234 5678",
        "139 12345678",
        "+86 13912345678",
        "+8613912345678",
        "86 139 1234 5678",
        "8613912345678",
        "0086 139-1234-5678",
        "(+86)139 1234 5678",
        "+86-139-1234-5678",
        "１３９１２３４５６７８",
        "１３９　１２３４　５６７８",  # full-width digits and ideographic spaces
        "＋８６ １３９－１２３４－５６７８",
    ],
)
def test_a_phone_is_found_in_every_form_it_is_typed_in(typed):
    text = f"帮我查一下{typed}这个客户"
    found = find_phones(text)
    assert [item.value for item in found] == ["13912345678"]
    assert typed_pieces(text, found) == [typed]  # the whole of what was typed, prefix included
    assert normalise_phone(typed) == "13912345678"
    assert normalise_phone(f" {typed} ") == "13912345678"


def test_a_phone_followed_by_another_number_is_still_the_phone():
    text = "王建国 139 1234 5678 50万定期下月到期"
    assert typed_pieces(text, find_phones(text)) == ["139 1234 5678"]
    assert mask_identifiers_in_text(text) == "王建国 139****5678 50万定期下月到期"


@pytest.mark.parametrize(
    "text",
    [
        "卡号6222021391234567",  # a 16-digit card number holds no phone
        "卡号 6222 0213 9123 4567",
        "卡号6217 0012 1391 2345 678",  # a 19-digit card grouped by fours
        "139123456789",  # 12 digits
        "1391234567",  # 10 digits
        "存了500000",
        "50万",
        "20261201到期",
        "2026-12-01到期",
        "12912345678",  # no mobile starts with 12
        "139\n1234 5678",  # two lines, two numbers
    ],
)
def test_numbers_that_are_not_phones(text):
    assert find_phones(text) == []


# ------------------------------------------------------------------ ID numbers


@pytest.mark.parametrize(
    "typed, value",
    [
        (WANG_ID, WANG_ID),
        (f"{WANG_ID[:6]} {WANG_ID[6:14]} {WANG_ID[14:]}", WANG_ID),
        (f"{WANG_ID[:6]}-{WANG_ID[6:14]}-{WANG_ID[14:]}", WANG_ID),
        ("11010519491231002x", "11010519491231002X"),
        (WANG_OLD_ID, WANG_ID),  # 15 digits: the bank stores the 18-character form
        (f"{WANG_OLD_ID[:6]} {WANG_OLD_ID[6:12]} {WANG_OLD_ID[12:]}", WANG_ID),
        ("".join(chr(ord(c) + 0xFEE0) for c in WANG_ID), WANG_ID),  # full width
    ],
)
def test_an_id_number_is_found_and_normalised(typed, value):
    text = f"身份证{typed},帮我查下"
    found = find_id_numbers(text)
    assert [item.value for item in found] == [value]
    assert typed_pieces(text, found) == [typed]
    assert find_phones(text) == []  # no phone read inside it
    assert normalise_id_number(typed) == value


def test_an_old_id_number_becomes_the_18_character_one():
    assert upgraded_id_number(WANG_OLD_ID) == WANG_ID
    assert upgraded_id_number("110101661312011") is None  # month 13
    assert upgraded_id_number("110101670229011") is None  # 1967 was no leap year
    assert upgraded_id_number("11010166051201") is None  # 14 digits


@pytest.mark.parametrize("typed", ["110105194912310021", "110101661312011", "110101000000000"])
def test_an_invalid_id_number_is_found_but_has_no_value(typed):
    found = find_id_numbers(f"身份证{typed}")
    assert len(found) == 1 and found[0].value is None and not found[0].valid
    assert normalise_id_number(typed) is None


@given(
    region=st.integers(110000, 659999),
    born=st.dates(min_value=date(1900, 1, 1), max_value=date(1999, 12, 31)),
    sequence=st.integers(0, 999),
)
def test_every_valid_old_id_number_upgrades_to_a_valid_one_with_its_birth_date(region, born, sequence):
    old = f"{region}{born:%y%m%d}{sequence:03d}"
    new = upgraded_id_number(old)
    assert new is not None and is_valid_id_number(new)
    assert new[6:14] == f"{born:%Y%m%d}" and new[:6] == old[:6] and new[14:17] == old[12:]
    assert [item.value for item in find_id_numbers(f"查{old}")] == [new]


# ------------------------------------------------------------------ customer numbers


@pytest.mark.parametrize("typed", ["C00000001", "c00000001", "Ｃ00000001", "".join(chr(ord(c) + 0xFEE0) for c in "c00000001")])
def test_a_customer_number_is_found_in_any_case_and_width(typed):
    text = f"查下{typed}"
    found = find_customer_ids(text)
    assert [item.value for item in found] == ["C00000001"]
    assert typed_pieces(text, found) == [typed]


def test_a_customer_number_glued_to_letters_or_digits_is_none():
    assert find_customer_ids("ABC00000001") == [] and find_customer_ids("C000000012") == []


def test_identifiers_are_found_left_to_right_without_overlap():
    text = f"C00000005 的手机 137-0000-5555,身份证 {WANG_OLD_ID}"
    assert [(item.kind, item.value) for item in find_identifiers(text)] == [
        ("customer_id", "C00000005"), ("phone", "13700005555"), ("id_number", WANG_ID)]


# ------------------------------------------------------------------ attempts that are none


@pytest.mark.parametrize("text,expected", [
    ("今天给1370000555打了电话", [("phone", "1370000555")]),  # a digit short
    ("查一下139123456789", [("phone", "139123456789")]),  # a digit too many
    ("他手机139 1234 567", [("phone", "1391234567")]),
    ("１３７００００５５５", [("phone", "1370000555")]),
    ("身份证11010119660512011X", [("id_number", "11010119660512011X")]),  # wrong check character
    ("身份证110101661312011", [("id_number", "110101661312011")]),  # month 13
    ("身份证11010119660512011", [("id_number", "11010119660512011")]),  # 17 digits
    ("客户号c0000005", [("customer_id", "C0000005")]),
    ("C000000055来过", [("customer_id", "C000000055")]),
])
def test_a_number_typed_as_an_identifier_that_is_none_is_malformed(text, expected):
    assert malformed_identifiers(text) == expected


@pytest.mark.parametrize("text", [
    "13912345678", "+86 139-1234-5678", f"身份证{WANG_ID}", f"身份证{WANG_OLD_ID}", "C00000001",
    "存了1000000000元", "卡号6222021234567890123", "2026年12月1日", "20261201到期", "50万定期", "尾号5678",
])
def test_valid_identifiers_amounts_dates_and_cards_are_not_malformed(text):
    assert malformed_identifiers(text) == []


# ------------------------------------------------------------------ properties of the finder


GROUPINGS = [(11,), (3, 8), (3, 4, 4), (7, 4)]
PREFIXES = ["", "+86", "86", "0086", "+86 ", "86-", "(+86)"]
SEPARATORS = [" ", "-", "\u3000", " - ", "  "]


def _full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@given(
    phone=st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True),
    grouping=st.sampled_from(GROUPINGS),
    separator=st.sampled_from(SEPARATORS),
    prefix=st.sampled_from(PREFIXES),
    full_width=st.booleans(),
    before=st.sampled_from(["", "查", "客户手机是", "王建国 "]),
    after=st.sampled_from(["", "的客户", " 50万", ",谢谢"]),
)
def test_any_typed_phone_is_found_and_masked_as_first_three_and_last_four(
        phone, grouping, separator, prefix, full_width, before, after):
    groups, position = [], 0
    for size in grouping:
        groups.append(phone[position:position + size])
        position += size
    typed = prefix + separator.join(groups)
    if full_width:
        typed = _full_width(typed)
    text = before + typed + after
    assert [(item.value, text[item.start:item.end]) for item in find_phones(text)] == [(phone, typed)]
    assert mask_identifiers_in_text(text) == f"{before}{phone[:3]}****{phone[-4:]}{after}"


@given(st.from_regex(r"[0-9]{12,19}", fullmatch=True), st.sampled_from(["", "卡号", "转账到"]))
def test_a_longer_run_of_digits_holds_no_phone(digits, before):
    assume(not digits.startswith(("86", "0086")))  # 8613912345678 is a phone with its country code
    assert find_phones(before + digits) == []


@given(st.text(alphabet="0123456789 -+xX万元号查Cc,\n\u3000１３９", max_size=40))
def test_masked_text_holds_no_phone_or_id_number_any_more(text):
    masked = mask_identifiers_in_text(text)
    assert [item for item in find_identifiers(masked) if item.kind != "customer_id"] == []
    assert [item.value for item in find_customer_ids(masked)] == [item.value for item in find_customer_ids(text)]


# ------------------------------------------------------------------ the lookup


@pytest.mark.parametrize(
    "text, kind, value",
    [
        ("查一下139 1234 5678", QueryKind.PHONE, "13912345678"),
        ("+86 139-1234-5678是谁", QueryKind.PHONE, "13912345678"),
        ("８６１３９１２３４５６７８", QueryKind.PHONE, "13912345678"),
        (f"身份证{WANG_OLD_ID}", QueryKind.ID_NUMBER, WANG_ID),
        ("客户号ｃ00000001", QueryKind.CUSTOMER_ID, "C00000001"),
    ],
)
def test_the_query_reads_every_typed_form(text, kind, value):
    query = parse_customer_query({}, text)
    assert (query.kind, query.value) == (kind, value)


def test_an_old_id_number_without_a_birth_date_is_explained_not_searched():
    assert parse_customer_query({}, "查110101661312011") is QueryProblem.BAD_ID_CHECKSUM


def test_a_spaced_phone_with_a_digit_missing_is_explained():
    assert parse_customer_query({}, "查一下139 1234 567") is QueryProblem.BAD_PHONE


def test_entities_of_a_typed_form_are_read_like_the_text():
    query = parse_customer_query({"phone": ["139 1234 5678"]}, "那个客户")
    assert (query.kind, query.value) == (QueryKind.PHONE, "13912345678")
    query = parse_customer_query({"id_number": [WANG_OLD_ID]}, "那个客户")
    assert (query.kind, query.value) == (QueryKind.ID_NUMBER, WANG_ID)


@pytest.mark.parametrize(
    "text",
    [
        "139 1234 5678",
        "查一下+86 139-1234-5678",
        "１３９　１２３４　５６７８",
        "0086 13912345678 是哪位",
        f"身份证{WANG_OLD_ID}",
        f"{WANG_ID[:6]} {WANG_ID[6:14]} {WANG_ID[14:].lower()}",
        "c00000001",
        "Ｃ00000001",
    ],
)
def test_every_typed_form_finds_wang_jianguo(bank, text):
    answer = CustomerService(bank).handle(as_staff("zhangli"), View.PROFILE, {}, text, None, None, "test", None)
    assert answer.outcome is Outcome.SHOWN
    assert answer.profile.customer_id == "C00000001" and answer.profile.name == "王建国"


# ------------------------------------------------------------------ masking


@pytest.mark.parametrize(
    "text, masked",
    [
        ("客户电话139 1234 5678", "客户电话139****5678"),
        ("客户电话+86-139-1234-5678。", "客户电话139****5678。"),
        ("客户电话１３９１２３４５６７８", "客户电话139****5678"),
        (f"老身份证{WANG_OLD_ID}", f"老身份证{WANG_OLD_ID[:6]}*****{WANG_OLD_ID[-4:]}"),
        (f"身份证{WANG_ID[:6]} {WANG_ID[6:14]} {WANG_ID[14:]}", f"身份证{WANG_ID[:6]}********{WANG_ID[-4:]}"),
        ("客户c00000001,卡号6222021391234567,50万,20261201", "客户c00000001,卡号6222021391234567,50万,20261201"),
    ],
)
def test_every_typed_form_is_masked_in_text(text, masked):
    assert mask_identifiers_in_text(text) == masked


def test_log_records_mask_every_typed_form(caplog):
    install_log_masking()
    logger = logging.getLogger("test.vocabulary")
    with caplog.at_level(logging.INFO):
        logger.info("user said %s", f"查+86 139 1234 5678,老身份证{WANG_OLD_ID}")
    assert "139 1234 5678" not in caplog.text and WANG_OLD_ID not in caplog.text
    assert f"查139****5678,老身份证{WANG_OLD_ID[:6]}*****{WANG_OLD_ID[-4:]}" in caplog.text
