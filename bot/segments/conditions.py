"""A segment (客群): the customers a member of staff describes, as a small typed query.

`Segment` holds only what the words said, each condition a field; nothing here reads the
database (bot.segments.search turns a segment into SQL) or the words (bot.segments.reading).
A segment is kept between turns as a plain dict (`as_dict`/`from_dict`) so that "改成10万以上",
"更多" and "保存为名单:…" work on the one last shown.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import Enum

from bot.models import BRANCH_KINDS, RISK_LEVELS


class Scene(str, Enum):
    """The bank's named marketing scenes, one phrase each (bot.segments.scenes)."""

    MATURITIES = "到期承接"  # holdings maturing in the next 30 days
    DORMANT = "沉睡唤醒"  # no contact in 90 days, assets of 5万 or more
    ASSESSMENT = "测评到期"  # risk assessment expired or expiring in 30 days
    BIRTHDAYS = "生日关怀"  # birthdays this week
    POTENTIAL = "潜力客户"  # likely buyers of a category (not built yet: the bot says so)


class Ranking(str, Enum):
    """What a segment's list is ordered by: what matters for its scene."""

    ASSETS = "assets"  # the largest assets first
    MATURITY = "maturity"  # the nearest maturity first
    ASSESSMENT = "assessment"  # the oldest risk assessment first
    BIRTHDAY = "birthday"  # the nearest birthday first


@dataclass(frozen=True)
class Segment:
    """Every condition is optional; a segment with none is no segment (`is_empty`)."""

    scene: str | None = None  # a Scene value when the words named one
    # Holdings maturing from `maturing_from` to `maturing_to` (both included), of the kind
    # `maturing_word` means (a product word, bot.vocabulary.products; None: any with a term),
    # each of at least `min_maturing_amount`.
    maturing_from: date | None = None
    maturing_to: date | None = None
    maturing_word: str | None = None
    min_maturing_amount: Decimal | None = None
    # Assets (deposits, wealth, funds, insurance, metals; not loans or cards) in this range.
    min_assets: Decimal | None = None
    max_assets: Decimal | None = None
    holds: tuple[str, ...] = ()  # product words the customer holds (each of them)
    lacks: tuple[str, ...] = ()  # product words the customer holds none of
    no_contact_days: int | None = None  # no contact at all in the last N days
    # Risk assessment expired, or expiring within N days (0: expired only).
    assessment_within_days: int | None = None
    birthday_from: date | None = None  # a birthday (month and day) in this range of days
    birthday_to: date | None = None
    min_age: int | None = None
    max_age: int | None = None
    born_from: date | None = None  # "90后": born 1990-01-01 to 1999-12-31
    born_to: date | None = None
    branch_kind: str | None = None  # bot.models.BRANCH_KINDS
    tag: str | None = None  # a tag containing these words ("意向:基金")
    mine: bool = False  # only the customers she manages
    min_risk: str | None = None  # C1..C5, both ends included
    max_risk: str | None = None
    gender: str | None = None  # 'M' or 'F'
    likely_category: str | None = None  # 潜力客户: likely buyers of this category

    @property
    def is_empty(self) -> bool:
        return self == Segment()

    @property
    def maturing(self) -> bool:
        return self.maturing_from is not None

    @property
    def ranking(self) -> Ranking:
        if self.maturing:
            return Ranking.MATURITY
        if self.birthday_from is not None:
            return Ranking.BIRTHDAY
        if self.assessment_within_days is not None:
            return Ranking.ASSESSMENT
        return Ranking.ASSETS

    def corrected(self, change: "Segment", cleared: tuple[str, ...] = ()) -> "Segment":
        """This segment with what a correction said: each condition it sets replaces this one's
        ("改成10万以上"), the fields named in `cleared` are dropped ("不限金额"), the rest stays."""
        values = {f.name: getattr(change, f.name) for f in fields(self)
                  if getattr(change, f.name) != f.default and getattr(change, f.name) != ()}
        values.update({name: _default(name) for name in cleared})
        return replace(self, **values)

    def as_dict(self) -> dict:
        return {key: _plain(value) for key, value in asdict(self).items()
                if value is not None and value is not False and value != ()}

    @classmethod
    def from_dict(cls, data: dict | None) -> "Segment | None":
        """What a slot holds; anything malformed (an old or tampered slot) is None."""
        if not isinstance(data, dict):
            return None
        try:
            values = {}
            for f in fields(cls):
                if f.name not in data:
                    continue
                values[f.name] = _typed(f.name, data[f.name])
            segment = cls(**values)
        except (TypeError, ValueError, InvalidOperation):
            return None
        if segment.branch_kind not in (None, *BRANCH_KINDS) or segment.gender not in (None, "M", "F") \
                or segment.min_risk not in (None, *RISK_LEVELS) or segment.max_risk not in (None, *RISK_LEVELS):
            return None
        return segment


_DATES = {"maturing_from", "maturing_to", "birthday_from", "birthday_to", "born_from", "born_to"}
_AMOUNTS = {"min_maturing_amount", "min_assets", "max_assets"}
_INTEGERS = {"no_contact_days", "assessment_within_days", "min_age", "max_age"}
_WORD_LISTS = {"holds", "lacks"}


def _default(name: str):
    return Segment.__dataclass_fields__[name].default if name not in _WORD_LISTS else ()


def _plain(value):
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, tuple):
        return list(value)
    return value


def _typed(name: str, value):
    if value is None:
        return None
    if name in _DATES:
        return date.fromisoformat(str(value))
    if name in _AMOUNTS:
        return Decimal(str(value))
    if name in _INTEGERS:
        return int(value)
    if name in _WORD_LISTS:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValueError(name)
        return tuple(value)
    if name == "mine":
        return bool(value)
    if not isinstance(value, str):
        raise ValueError(name)
    if name == "scene":
        return Scene(value).value
    return value

