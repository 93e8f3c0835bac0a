"""What the parser returns: a VisitNote with its products, amounts, money events, tags and
follow-up. Plain data.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum

from bot.visits.notes.words import DEFAULT_CHANNEL


class EventKind(str, Enum):
    MATURITY = "maturity"  # 到期
    INFLOW = "inflow"  # money coming to the customer: 到账, 拆迁款, 卖房
    OUTFLOW = "outflow"  # money leaving: 要用钱, 取出, 买房
    PURCHASE = "purchase"  # bought a product, with an amount




@dataclass(frozen=True)
class ProductMention:
    word: str  # as written: 定期, 大额存单, 鑫享理财1年
    category: str  # 存款, 理财, ...
    start: int
    end: int


@dataclass(frozen=True)
class AmountMention:
    text: str  # as written: 50万, 五十万, 3.5万元
    amount: Decimal  # yuan
    start: int
    end: int


@dataclass(frozen=True)
class MoneyEvent:
    kind: EventKind
    text: str  # the clause it was read from
    amount: Decimal | None = None
    product: str | None = None
    category: str | None = None
    at: date | None = None  # when it happens (maturity day, arrival), if the note says
    # The last day of the range the note gave ("下个月" → the month's last day); None for one day.
    until: date | None = None


@dataclass(frozen=True)
class VisitNote:
    text: str
    # Who the note is about, for the caller to resolve: names as written, longest first, and
    # identifiers as typed (phones, customer numbers, ID numbers as the bank stores them). A
    # relative's number ("她老公手机139…") is not the customer's. `malformed_numbers` are numbers
    # typed as an identifier that are none ("1370000555", a wrong check character): the note
    # names somebody nobody answers to.
    customer_names: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    customer_ids: tuple[str, ...] = ()
    id_numbers: tuple[str, ...] = ()
    malformed_numbers: tuple[str, ...] = ()
    channel: str = DEFAULT_CHANNEL
    channel_given: bool = False  # False: no channel word, the default was used
    happened_at: datetime | None = None  # the bank's local time
    happened_given: bool = False  # False: `now` was used
    products: tuple[ProductMention, ...] = ()
    amounts: tuple[AmountMention, ...] = ()
    events: tuple[MoneyEvent, ...] = ()
    follow_up_at: datetime | None = None  # the bank's local time
    follow_up_text: str | None = None  # the time expression as written ("下周三")
    tags: tuple[str, ...] = ()
    staff_names: tuple[str, ...] = ()  # colleagues named in the note

    @property
    def categories(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(p.category for p in self.products))

    @property
    def product_words(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(p.word for p in self.products))

    @property
    def amount_values(self) -> tuple[Decimal, ...]:
        return tuple(a.amount for a in self.amounts)


def details_of(note: VisitNote) -> dict:
    """What a note said, as stored in interactions.details (JSON: strings, numbers as text)."""
    return {
        "products": list(note.product_words),
        "categories": list(note.categories),
        "amounts": [str(a) for a in note.amount_values],
        "events": [
            {
                "kind": e.kind.value,
                "amount": None if e.amount is None else str(e.amount),
                "product": e.product,
                "category": e.category,
                "at": e.at.isoformat() if e.at else None,
                "until": e.until.isoformat() if e.until else None,
            }
            for e in note.events
        ],
        "tags": list(note.tags),
        "follow_up": {"at": note.follow_up_at.isoformat(), "text": note.follow_up_text} if note.follow_up_at else None,
        "channel_given": note.channel_given,
    }
