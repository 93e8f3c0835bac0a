"""What the referral service returns: drafts, created referrals, transitions, lists, rankings,
reports. Plain data, no database.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import Enum

from bot.access import StaffMember
from bot.referrals import replies
from bot.referrals.lifecycle import RoutedBy, Status, TransitionProblem


@dataclass(frozen=True)
class CustomerRef:
    customer_id: str
    name: str
    branch_id: str
    branch_name: str


@dataclass(frozen=True)
class ReceiverInfo:
    staff_id: str
    name: str
    role: str
    role_name: str
    branch_id: str
    branch_name: str
    open_count: int
    at_customer_branch: bool  # False: serves the customer's branch by coverage (roaming)

    @property
    def line(self) -> str:
        return replies.receiver_line(self)


@dataclass(frozen=True)
class ReferralSummary:
    id: int
    referral_no: str
    customer_id: str
    customer_name: str | None  # None when the viewer may no longer see the customer
    product_word: str
    category: str
    status: Status
    status_name: str
    referrer_id: str
    referrer_name: str
    referrer_branch_id: str
    receiver_id: str
    receiver_name: str
    routed_by: RoutedBy
    note: str
    created_at: datetime  # the bank's local time, as every datetime here
    sla_due_at: datetime
    overdue: bool  # not contacted and past the SLA
    contacted_at: datetime | None = None
    closed_at: datetime | None = None
    converted_product_word: str | None = None
    converted_category: str | None = None
    converted_amount: Decimal | None = None
    credit_points: int | None = None

    @property
    def is_open(self) -> bool:
        return self.status.is_open


class DraftOutcome(str, Enum):
    READY = "ready"
    CUSTOMER_NOT_VISIBLE = "customer_not_visible"  # also: no such customer (never leak existence)
    UNKNOWN_PRODUCT = "unknown_product"  # no word given, or one that maps to no category
    UNKNOWN_ROLE = "unknown_role"
    RECEIVER_UNKNOWN = "receiver_unknown"  # nobody of that name
    RECEIVER_CANNOT_SERVE = "receiver_cannot_serve"  # named person serves other branches
    RECEIVER_IS_SELF = "receiver_is_self"
    NO_RECEIVER = "no_receiver"  # nobody fits and the branch has no branch head


@dataclass(frozen=True)
class Draft:
    outcome: DraftOutcome
    staff: StaffMember | None = None
    customer: CustomerRef | None = None
    product_word: str | None = None
    category: str | None = None
    receiver: ReceiverInfo | None = None
    routed_by: RoutedBy | None = None
    reason: str = ""
    alternatives: list[ReceiverInfo] = field(default_factory=list)
    duplicates: list[ReferralSummary] = field(default_factory=list)
    note: str | None = None

    @property
    def fell_back_to_branch_head(self) -> bool:
        return self.routed_by is RoutedBy.BRANCH_HEAD_FALLBACK


class CreateOutcome(str, Enum):
    CREATED = "created"  # also for a repeated request_key: `repeated` says so
    DUPLICATE = "duplicate"  # an open referral of the same customer and category; force=True to go on
    CUSTOMER_NOT_VISIBLE = "customer_not_visible"
    UNKNOWN_PRODUCT = "unknown_product"
    RECEIVER_UNKNOWN = "receiver_unknown"
    RECEIVER_CANNOT_SERVE = "receiver_cannot_serve"
    RECEIVER_IS_SELF = "receiver_is_self"


@dataclass(frozen=True)
class Created:
    outcome: CreateOutcome
    referral: ReferralSummary | None = None
    receiver: ReceiverInfo | None = None
    duplicates: list[ReferralSummary] = field(default_factory=list)
    repeated: bool = False  # the same request_key was created before: this is that referral
    reason: str = ""


class TransitionOutcome(str, Enum):
    DONE = "done"
    NOT_FOUND = "not_found"  # no such referral, or one this person may not see
    REFUSED = "refused"  # see `problem` and `reason`


@dataclass(frozen=True)
class TransitionResult:
    outcome: TransitionOutcome
    referral: ReferralSummary | None = None
    problem: TransitionProblem | None = None
    reason: str = ""
    from_status: Status | None = None
    to_status: Status | None = None
    credit_points: int | None = None  # on conversion: what the referrer earned


@dataclass(frozen=True)
class NoteResult:
    outcome: TransitionOutcome  # DONE or NOT_FOUND
    referral: ReferralSummary | None = None


@dataclass(frozen=True)
class ReferralLists:
    staff: StaffMember | None = None
    received: list[ReferralSummary] = field(default_factory=list)
    sent: list[ReferralSummary] = field(default_factory=list)
    # For a branch head: the open referrals of their branch's customers they are not party to.
    branch_open: list[ReferralSummary] = field(default_factory=list)


class FiguresOutcome(str, Enum):
    SHOWN = "ok"  # the month's figures are in the result
    BAD_MONTH = "bad_month"  # not a month (the command line's --month 2026-13)


@dataclass(frozen=True)
class RankRow:
    rank: int
    staff_id: str
    name: str
    role_name: str
    sent: int
    converted: int
    credit: int

    @property
    def conversion_rate(self) -> Decimal | None:
        return rate(self.converted, self.sent)


@dataclass(frozen=True)
class Ranking:
    outcome: FiguresOutcome
    month: str = ""
    branch_id: str = ""
    branch_name: str = ""
    sent: int = 0
    converted: int = 0
    conversion_rate: Decimal | None = None  # converted / sent of the month's referrals; None if none sent
    credit: int = 0
    rows: list[RankRow] = field(default_factory=list)
    my_rank: int | None = None
    my_row: RankRow | None = None


@dataclass(frozen=True)
class Performance:
    outcome: FiguresOutcome
    month: str = ""
    staff: StaffMember | None = None
    sent: int = 0
    converted: int = 0
    conversion_rate: Decimal | None = None
    credit: int = 0
    rank: int | None = None  # among the staff of their branch, by credit of the month
    ranked: int = 0
    received: int = 0  # received during the month
    received_converted: int = 0
    open_received: int = 0  # now
    overdue_received: int = 0  # now


@dataclass(frozen=True)
class SlaItem:
    referral_no: str
    receiver_id: str
    receiver_name: str
    due_at: datetime
    escalated_to: str | None = None  # the branch head's name, for escalations


@dataclass(frozen=True)
class SlaReport:
    checked_at: datetime
    reminders: list[SlaItem] = field(default_factory=list)
    escalations: list[SlaItem] = field(default_factory=list)


@dataclass(frozen=True)
class ReportRow:
    """One line of the monthly report: a person's row of her branch's ranking, with the month and
    the branch."""

    month: str
    branch_id: str
    branch_name: str
    ranked: RankRow


def rate(converted: int, sent: int) -> Decimal | None:
    return None if not sent else (Decimal(converted) / Decimal(sent)).quantize(Decimal("0.001"))
