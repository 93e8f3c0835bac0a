"""What the segment service returns: plain values, no ORM objects, phones already masked."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import Enum

from bot.segments.conditions import Segment


class SegmentOutcome(str, Enum):
    FOUND = "found"  # a page of customers
    EMPTY = "empty"  # nobody matches: the reply suggests loosening
    NOTHING_MORE = "nothing_more"  # "更多" after the last page
    NO_CONDITION = "no_condition"  # the message set no condition: the reply gives examples
    NOT_BUILT = "not_built"  # a scene the bot cannot list yet (潜力客户)
    NO_SEGMENT = "no_segment"  # "更多" or "保存为名单" with no segment shown before


@dataclass(frozen=True)
class SegmentLine:
    number: int  # as shown: 1, 2, … and 11, 12, … on the next page
    customer_id: str
    name: str
    phone: str  # masked
    branch_name: str
    manager_name: str | None
    assets: Decimal
    age: int | None
    birthday: date | None  # this year's (or next year's) birthday, when the segment asks for birthdays
    risk_assessed_on: date | None
    maturing_product: str | None
    maturing_amount: Decimal | None
    maturing_on: date | None
    last_contact: date | None


@dataclass(frozen=True)
class SegmentPage:
    outcome: SegmentOutcome
    segment: Segment | None = None
    total: int = 0
    lines: tuple[SegmentLine, ...] = ()
    several_branches: bool = False  # the asker serves several branches: each line says which
    saved_name: str | None = None  # opened from a saved list

    @property
    def shown_until(self) -> int:
        return self.lines[-1].number if self.lines else 0

    @property
    def more(self) -> int:
        return max(0, self.total - self.shown_until)


class SaveOutcome(str, Enum):
    SAVED = "saved"
    REPLACED = "replaced"  # a list of that name was hers already: its conditions replaced
    NO_SEGMENT = "no_segment"
    NO_NAME = "no_name"
    TOO_MANY = "too_many"


@dataclass(frozen=True)
class SegmentSaved:
    outcome: SaveOutcome
    name: str = ""
    segment: Segment | None = None
    total: int = 0


@dataclass(frozen=True)
class SavedListLine:
    number: int
    name: str
    segment: Segment
    total: int  # customers matching today


@dataclass(frozen=True)
class SavedLists:
    lists: tuple[SavedListLine, ...]


@dataclass(frozen=True)
class SavedListsAnswer:
    """The answer to "我的名单" (asked "list"), "打开名单1" ("open") or "删除名单:…" ("delete")."""

    asked: str
    lists: tuple[SavedListLine, ...] = ()
    page: SegmentPage | None = None  # the list opened
    name: str | None = None  # the list opened or deleted
    found: bool = True  # False: no list of that name or number
