"""What the campaign service returns: plain values, no ORM objects."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import Enum

from bot.segments.conditions import Segment


class PlanOutcome(str, Enum):
    READY = "ready"  # the summary, waiting for "确认"
    NO_SEGMENT = "no_segment"  # no segment listed before "做个活动"
    TOO_MANY = "too_many"  # over MAX_TARGETS customers: narrow the segment first
    NOT_ALLOWED = "not_allowed"  # tellers and lobby managers do not make campaigns
    NO_PRODUCT = "no_product"  # what to offer was not said
    NO_ONE = "no_one"  # nobody left once the rules and the scope are applied
    NOT_ON_SALE = "not_on_sale"  # no product the word means is on sale
    UNKNOWN_COLLEAGUE = "unknown_colleague"  # "分给X" with nobody called X in her branches


@dataclass(frozen=True)
class AssigneeCount:
    staff_id: str
    name: str
    count: int


@dataclass(frozen=True)
class CampaignPlan:
    outcome: PlanOutcome
    segment: Segment | None = None
    product_word: str | None = None
    assignment: str | None = None  # bot.campaigns.reading.Assignment value
    deadline: date | None = None
    name: str | None = None
    segment_total: int = 0
    targets: int = 0
    unsuitable: int = 0  # left out: the suitability rules refuse every product of the word
    out_of_scope: int = 0  # left out: nobody the campaign is given to serves their branch
    assignees: tuple[AssigneeCount, ...] = ()
    unknown: str | None = None  # the colleague named who is nobody
    colleagues: tuple[str, ...] = ()  # the colleagues named for EVENLY, as written


@dataclass(frozen=True)
class CampaignCreated:
    plan: CampaignPlan
    campaign_no: str
    created: bool = True  # False: the same confirmation seen twice, nothing written again


class OutcomeResult(str, Enum):
    RECORDED = "recorded"
    NOT_FOUND = "not_found"  # no such item, or not one of her campaign's customers
    NOT_A_CAMPAIGN_ITEM = "not_a_campaign_item"  # the item is a follow-up or a referral
    CLOSED = "closed"  # converted or declined already
    NO_STATUS = "no_status"  # no outcome word
    AMBIGUOUS = "ambiguous"  # two of her open campaign customers have the name said


@dataclass(frozen=True)
class OutcomeRecorded:
    result: OutcomeResult
    customer_name: str | None = None
    customer_id: str | None = None
    campaign_name: str | None = None
    from_status: str | None = None
    to_status: str | None = None
    amount: Decimal | None = None


@dataclass(frozen=True)
class PersonProgress:
    staff_id: str
    name: str
    targets: int
    contacted: int
    interested: int
    converted: int
    declined: int
    amount: Decimal
    overdue: int  # not yet contacted, deadline passed


@dataclass(frozen=True)
class CampaignProgress:
    found: bool
    campaign_no: str | None = None
    name: str | None = None
    product_word: str | None = None
    deadline: date | None = None
    people: tuple[PersonProgress, ...] = ()
    total: PersonProgress | None = None
    others: tuple[str, ...] = ()  # the names of her other campaigns, newest first


@dataclass(frozen=True)
class Reassigned:
    done: bool
    campaign_name: str | None = None
    moved: int = 0
    kept: int = 0  # not moved: the new assignee does not serve their branch
    from_name: str | None = None
    to_name: str | None = None
    problem: str | None = None  # 'not_head', 'no_campaign', 'unknown_colleague'


@dataclass(frozen=True)
class CampaignItem:
    """An open customer of a campaign in the assignee's daily list."""

    target_id: int
    customer_id: str
    customer_name: str
    campaign_name: str
    product_word: str
    reason: str
    status: str
    deadline: date
    overdue: bool
