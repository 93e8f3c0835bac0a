"""Customers' identifiers as staff type them: mobile phones, resident ID numbers, customer numbers.

Staff copy numbers from a form, a screen or a business card and type them on phone keyboards:
"139 1234 5678", "139-1234-5678", "+86 13912345678", "１３９１２３４５６７８" in full width,
"110101 19660512 0114", the old 15-digit ID numbers of older customers, "c00000001". The lookup
finds the customer by every one of these forms, and the masking hides every one of them, because
both read the text with the same finder (`find_identifiers`); a form known to one and not the
other would be looked up but kept in full, or masked but not found.

A `Found` says where the identifier was typed (the span covers its separators and its +86
prefix, so masking replaces exactly what was typed), what was typed (`written`: without
separators or prefix, half-width, upper case) and the value the bank stores (`value`: an
18-character ID number even when a 15-digit one was typed), or None when the number is not a
valid one of its kind (a wrong check character, a 15-digit number with no birth date in it).

Not identifiers: digits glued to more digits (a 16-digit card number is not a phone, nor does
it hold one), amounts (500000, 50万) and dates (20261201), which have the wrong length. A phone
whose groups are followed by another number ("139 1234 5678 50万") is still a phone: its
groups are the ones phones are written in (3-4-4, 3-8, 7-4, 11); a card number's 4-digit
groups are not.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from bot.vocabulary.width import to_half_width

# The compact forms, as the bank stores them (the importer checks its files with these).
PHONE_RE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
CUSTOMER_ID_RE = re.compile(r"(?<![A-Za-z0-9])[Cc]\d{8}(?!\d)")
ID_NUMBER_RE = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")

PHONE, ID_NUMBER, CUSTOMER_ID = "phone", "id_number", "customer_id"

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARS = "10X98765432"

# Between the groups of a typed number: a space or two (ideographic spaces are spaces once
# half-width), or a dash with spaces around it or not. Never a line break: numbers on two lines
# are two numbers.
_BLANK = r"[^\S\r\n]"
_SEP = rf"(?:{_BLANK}{{0,2}}[-‐‑‒–—―]{_BLANK}{{0,2}}|{_BLANK}{{1,2}})"
# The country code in front of a mobile number: +86, 86, 0086, (+86), with or without a blank.
_COUNTRY = rf"(?:\(?\+?(?:00)?86\)?{_SEP}?)"
# The ways a mobile number is grouped: 13912345678, 139 12345678, 139 1234 5678, 1391234 5678.
_MOBILE = rf"(?P<mobile>1[3-9]\d(?:\d{{8}}|{_SEP}\d{{8}}|{_SEP}\d{{4}}{_SEP}\d{{4}}|\d{{4}}{_SEP}\d{{4}}))"
_TYPED_PHONE = re.compile(rf"(?<!\d)(?:{_COUNTRY})?{_MOBILE}(?!\d)(?!-\d)")
# 18 characters grouped 6-8-4 (region, birth date, sequence and check) or not at all; the
# 15-digit numbers issued before 1999 grouped 6-6-3 or not at all. No region code starts with 0
# (so 008613912345678 is a phone with its country code).
_TYPED_ID_NUMBER = re.compile(
    rf"(?<![0-9A-Za-z])[1-9](?:\d{{5}}{_SEP}?\d{{8}}{_SEP}?\d{{3}}[\dXx]|\d{{5}}{_SEP}?\d{{6}}{_SEP}?\d{{3}})(?![0-9A-Za-z])"
)
_TYPED_CUSTOMER_ID = re.compile(r"(?<![A-Za-z0-9])[Cc]\d{8}(?!\d)")
_NOT_DIGIT = re.compile(r"\D")


@dataclass(frozen=True)
class Found:
    """One identifier in a text."""

    kind: str  # PHONE, ID_NUMBER or CUSTOMER_ID
    value: str | None  # as the bank stores it; None when not a valid number of its kind
    written: str  # as typed, without separators or prefix: "13912345678", "110101660512011"
    start: int  # where it was typed: text[start:end]
    end: int

    @property
    def valid(self) -> bool:
        return self.value is not None


# ---------------------------------------------------------------------------- the checks


def id_check_char(first17: str) -> str:
    """ISO 7064 MOD 11-2 check character of the first 17 digits of a resident ID number."""
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS))
    return _ID_CHECK_CHARS[total % 11]


def is_valid_id_number(value: str) -> bool:
    """An 18-character resident ID number whose check character is right."""
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


def upgraded_id_number(old: str) -> str | None:
    """The 18-character form of a 15-digit ID number (issued before 1999): "19" before its
    two-digit birth year, and the check character; None when it holds no birth date.
    110101660512011 → 11010119660512011 + check."""
    if not re.fullmatch(r"\d{15}", old):
        return None
    try:
        date(1900 + int(old[6:8]), int(old[8:10]), int(old[10:12]))
    except ValueError:
        return None
    first17 = f"{old[:6]}19{old[6:]}"
    return first17 + id_check_char(first17)


def _id_number_value(written: str) -> str | None:
    if len(written) == 15:
        return upgraded_id_number(written)
    return written if is_valid_id_number(written) else None


# ---------------------------------------------------------------------------- finding


def find_identifiers(text: str | None) -> list[Found]:
    """Every phone, ID number and customer number typed in the text, left to right, never
    overlapping (an ID number before a phone read inside it)."""
    plain = to_half_width(text or "")
    found: list[Found] = []
    for match in _TYPED_ID_NUMBER.finditer(plain):
        written = _NOT_DIGIT.sub("", match.group(0)[:-1]) + match.group(0)[-1].upper()
        found.append(Found(ID_NUMBER, _id_number_value(written), written, match.start(), match.end()))
    for match in _TYPED_CUSTOMER_ID.finditer(plain):
        written = match.group(0).upper()
        found.append(Found(CUSTOMER_ID, written, written, match.start(), match.end()))
    for match in _TYPED_PHONE.finditer(plain):
        written = _NOT_DIGIT.sub("", match.group("mobile"))
        found.append(Found(PHONE, written, written, match.start(), match.end()))
    kept: list[Found] = []
    for item in found:  # in order of precedence
        if not any(item.start < other.end and other.start < item.end for other in kept):
            kept.append(item)
    return sorted(kept, key=lambda item: item.start)


def find_phones(text: str | None) -> list[Found]:
    """Mobile phones as typed: "139 1234 5678", "+86-139-1234-5678", "１３９１２３４５６７８"."""
    return [item for item in find_identifiers(text) if item.kind == PHONE]


def find_id_numbers(text: str | None) -> list[Found]:
    """Resident ID numbers as typed, 18 characters or the old 15 digits, valid or not (`value`
    is None for an invalid one: a number to explain, never to search with)."""
    return [item for item in find_identifiers(text) if item.kind == ID_NUMBER]


def find_customer_ids(text: str | None) -> list[Found]:
    """Customer numbers as typed: "C00000001", "c00000001", "Ｃ00000001"."""
    return [item for item in find_identifiers(text) if item.kind == CUSTOMER_ID]


def _alone(text: str | None, kind: str) -> Found | None:
    """The identifier of this kind that is the whole text (blanks around it allowed)."""
    text = text or ""
    found = find_identifiers(text)
    if len(found) != 1 or found[0].kind != kind:
        return None
    item = found[0]
    return item if not text[:item.start].strip() and not text[item.end:].strip() else None


def normalise_phone(text: str | None) -> str | None:
    """The phone a text is, as typed in any form ("+86 139-1234-5678" → "13912345678"); None
    when the text is not exactly one phone."""
    item = _alone(text, PHONE)
    return item.value if item else None


def normalise_id_number(text: str | None) -> str | None:
    """The 18-character ID number a text is ("110101660512011" → "110101196605120114", "…x" →
    "…X"); None when the text is not exactly one valid ID number."""
    item = _alone(text, ID_NUMBER)
    return item.value if item else None


def digit_groups(text: str | None) -> list[str]:
    """The digits of each number in the text, its groups joined ("139 1234 567" → "1391234567"):
    what tells an attempt at a phone or an ID number that has a digit too many or too few."""
    plain = to_half_width(text or "")
    return [_NOT_DIGIT.sub("", run) for run in re.findall(rf"\d+(?:{_SEP}\d+)*", plain)]


# A customer number with a digit too few or too many: "C0000005", "c000000055".
_NEAR_CUSTOMER_ID = re.compile(r"(?<![A-Za-z0-9])[Cc](?:\d{6,7}|\d{9,10})(?![0-9])")


def malformed_identifiers(text: str | None) -> list[tuple[str, str]]:
    """Numbers typed as a customer's identifier that are not a valid one, as (kind, digits):
    an ID number whose check character or birth date is wrong, a phone with a digit too few or
    too many ("1370000555", "139 1234 567"), 17 or 18 digits that are no ID number, a customer
    number with a digit too few or too many. Such a number names somebody the bot cannot find:
    it is explained, never ignored (the message is not about the customer in context instead).
    Amounts, dates and card numbers have other lengths and are not counted."""
    plain = to_half_width(text or "")
    found = find_identifiers(plain)
    bad = [(item.kind, item.written) for item in found if not item.valid]
    taken = [(item.start, item.end) for item in found]
    for match in re.finditer(rf"\d+(?:{_SEP}\d+)*", plain):
        if any(match.start() < end and start < match.end() for start, end in taken):
            continue
        if plain[max(match.start() - 1, 0):match.start()] in ("C", "c") and match.start() > 0:
            continue  # a customer number's digits: checked below
        digits = _NOT_DIGIT.sub("", match.group(0))
        if len(digits) in (10, 12) and re.match(r"1[3-9]", digits):
            bad.append((PHONE, digits))
        elif len(digits) in (17, 18):
            bad.append((ID_NUMBER, digits))
    bad += [(CUSTOMER_ID, m.group(0).upper()) for m in _NEAR_CUSTOMER_ID.finditer(plain)]
    return bad
