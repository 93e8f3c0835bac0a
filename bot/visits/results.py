"""What the visit service returns: drafts, logged visits, tags, feedback, completions. Plain
data, no database.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum

from bot.access import StaffMember
from bot.customers import lookup
from bot.visits.notes.results import VisitNote


class VisitOutcome(str, Enum):
    READY = "ready"  # draft: the customer is known, the note read
    LOGGED = "logged"  # also for a repeated request_key: `repeated` says so
    NO_CUSTOMER_GIVEN = "no_customer_given"  # the note names nobody and nobody is in context
    NOT_FOUND = "not_found"  # named, but not among the customers this person may see
    CHOOSE = "choose"  # several customers fit: pick one of `candidates`
    EMPTY_NOTE = "empty_note"


@dataclass(frozen=True)
class FollowUpInfo:
    id: int
    customer_id: str
    customer_name: str
    staff_id: str
    due_at: datetime  # the bank's local time, as every datetime here
    note: str
    created_at: datetime
    done_at: datetime | None = None
    done_reason: str | None = None

    @property
    def is_open(self) -> bool:
        return self.done_at is None


@dataclass(frozen=True)
class VisitDraft:
    outcome: VisitOutcome
    note: VisitNote | None = None
    staff: StaffMember | None = None
    customer_id: str | None = None
    customer_name: str | None = None
    candidates: list[lookup.Candidate] = field(default_factory=list)
    # The customer came from the conversation, not from the note.
    from_context: bool = False
    named: str | None = None  # NOT_FOUND: the name the note gives, as written
    surname: str | None = None  # CHOOSE or NOT_FOUND for a name given only in part (欧阳, 王先生)
    # READY: other customers of hers the note names ("拜访了黄婷莉和陈柳静"): a note is one contact
    # with one customer, and the summary says the others need notes of their own.
    also_named: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class LoggedVisit:
    outcome: VisitOutcome  # LOGGED, NOT_FOUND or EMPTY_NOTE
    interaction_id: int | None = None
    customer_id: str | None = None
    customer_name: str | None = None
    channel: str | None = None
    happened_at: datetime | None = None
    follow_up: FollowUpInfo | None = None
    tags_added: list[str] = field(default_factory=list)
    tags_removed: list[str] = field(default_factory=list)
    closed_follow_ups: list[FollowUpInfo] = field(default_factory=list)
    repeated: bool = False


@dataclass(frozen=True)
class VisitEffects:
    """What logging a visit would change besides the contact, shown in its summary."""

    closes: list[FollowUpInfo] = field(default_factory=list)
    removes_tags: list[str] = field(default_factory=list)


class TagOutcome(str, Enum):
    ADDED = "added"
    REMOVED = "removed"
    ALREADY = "already"  # adding a tag the customer has
    NOT_PRESENT = "not_present"  # removing a tag the customer does not have
    EMPTY = "empty"
    NOT_FOUND = "not_found"


@dataclass(frozen=True)
class TagResult:
    outcome: TagOutcome
    customer_id: str | None = None
    customer_name: str | None = None
    tag: str | None = None
    tags: list[str] = field(default_factory=list)  # the customer's tags afterwards


@dataclass(frozen=True)
class FeedbackSaved:
    outcome: str  # 'saved' or 'empty'
    id: int | None = None


@dataclass(frozen=True)
class FeedbackLine:
    id: int
    at: datetime
    staff_id: str | None
    staff_name: str | None
    text: str
    last_intent: str
    channel: str


class CompleteOutcome(str, Enum):
    DONE = "done"
    ALREADY_DONE = "already_done"
    NOT_A_FOLLOW_UP = "not_a_follow_up"  # the number is a referral, maturity or birthday
    NOT_FOUND = "not_found"  # no such number or follow-up of this person


@dataclass(frozen=True)
class Completed:
    outcome: CompleteOutcome
    follow_up: FollowUpInfo | None = None
    item_kind: ItemKind | None = None


class ItemKind(str, Enum):
    FOLLOW_UP = "follow_up"  # 跟进
    REFERRAL = "referral"  # 转介
    MATURITY = "maturity"  # 到期
    BIRTHDAY = "birthday"  # 生日
    CAMPAIGN = "campaign"  # 营销活动的客户
