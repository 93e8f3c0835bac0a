"""Referrals (转介): hand a customer lead to a colleague, follow it to a sale, earn credit.

Use cases, each one unit of work, for the actions and the command line:

* draft — who would receive it and why, duplicates, problems; writes nothing.
* create — re-checks everything inside the transaction and writes the referral, its first
  history event, the receiver's notification and an audit row; idempotent by `request_key`.
* transition / cancel / add_note — status changes with their rules, history and notifications.
* list_for, stats, my_performance, find_for_update — what a staff member sees.
* run_sla_check — reminders and escalations, for cron (`python -m bot sla-check`) or a timer.

Rules decided here (issue #3):

* Statuses: new → accepted → contacted → converted; forward steps may be skipped (a receiver who
  says "已联系" has accepted). lost from any open status (new, accepted, contacted); both by the
  receiver or the branch head of the customer's branch. cancelled only by the referrer and only
  while new. converted, lost and cancelled are final.
* 联系不上 is mapped to lost by the NLU's synonyms (docs/nlu_contract.md); `status_from_word`
  follows that contract, so "联系不上" closes the referral as lost with the words as the note.
  A receiver who wants to keep trying adds a note instead.
* Duplicates: an open referral of the same customer and product category. Checked under a lock
  on the customer's row (SELECT ... FOR UPDATE on PostgreSQL; on SQLite the database's write lock
  is taken first), so of two colleagues referring the same customer for the same category at the
  same moment, the second sees the first and gets DUPLICATE unless it forces a second referral.
* Referral number: 'ZJ' + local date + '-' + 4-digit sequence of the day (ZJ20261130-0001),
  unique; numbering is serialised by a transaction-level advisory lock on PostgreSQL and by the
  write lock on SQLite, with the unique constraint as the last guard.
* Rankings are among the staff of one branch, by credit points of the month (equal points share
  a rank); a referral counts for the branch its referrer belonged to when creating it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from decimal import Decimal
from enum import Enum

from sqlalchemy import func, or_, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot import audit, credit, outbox
from bot import referral_replies as replies
from bot.access import ROLE_NAMES, StaffMember, identify_staff, may_see
from bot.clock import clock
from bot.customers import visible_customer
from bot.db import Database, for_update, is_postgresql, lock_customer
from bot.identity import to_half_width
from bot.models import (
    OPEN_REFERRAL_STATUSES,
    Branch,
    CreditEntry,
    Customer,
    Product,
    Referral,
    ReferralEvent,
    Staff,
    StaffCoverage,
)
from bot.privacy import mask_identifiers_in_text
from bot.settings import Settings
from bot.timeutil import to_local, to_storage
from bot.vocabulary.numbers import parse_amount  # noqa: F401  (one reading of amounts; re-exported)


class Status(str, Enum):
    NEW = "new"
    ACCEPTED = "accepted"
    CONTACTED = "contacted"
    CONVERTED = "converted"
    LOST = "lost"
    CANCELLED = "cancelled"

    @property
    def is_open(self) -> bool:
        return self.value in OPEN_REFERRAL_STATUSES


CLOSED = (Status.CONVERTED, Status.LOST, Status.CANCELLED)
_FORWARD = {Status.NEW: 0, Status.ACCEPTED: 1, Status.CONTACTED: 2, Status.CONVERTED: 3}


class RoutedBy(str, Enum):
    NAMED = "named"
    ROLE = "role"
    CATEGORY_DEFAULT = "category_default"
    BRANCH_HEAD_FALLBACK = "branch_head_fallback"


# ---------------------------------------------------------------------------- words

# The words staff use for products, roles and statuses (bot.vocabulary), under the names this
# module always gave them: visit notes, suggestions and the dialogues import them from here.
from bot.vocabulary.products import PRODUCT_WORDS, category_of_word, product_word_in  # noqa: E402,F401
from bot.vocabulary.roles import ROLE_WORDS, role_from_word  # noqa: E402,F401
from bot.vocabulary.statuses import REFERRAL_STATUS_WORDS, referral_status_of  # noqa: E402

# Who takes a category by default, in order of preference.
DEFAULT_ROLES: dict[str, tuple[str, ...]] = {
    "理财": ("wealth_manager", "customer_manager"),
    "基金": ("wealth_manager", "customer_manager"),
    "保险": ("wealth_manager", "customer_manager"),
    "贵金属": ("wealth_manager", "customer_manager"),
    "贷款": ("customer_manager",),
    "信用卡": ("customer_manager",),
    "存款": ("customer_manager",),
}

# Status word -> Status (bot.vocabulary.statuses has the words, as the NLU contract has them).
STATUS_WORDS: dict[str, Status] = {word: Status(value) for word, value in REFERRAL_STATUS_WORDS.items()}


def status_from_word(word: str | None) -> Status | None:
    """A status word as written or as the NLU's canonical value -> the status, or None."""
    value = referral_status_of(word)
    return Status(value) if value else None


def resolve_product(session: Session, word: str | None) -> str | None:
    """The category of a product word as written: the word list first, then the products table
    (a product's name or code; the category if all matching products share one)."""
    if not word or not word.strip():
        return None
    word = to_half_width(word).strip()
    found = PRODUCT_WORDS.get(word)
    if found:
        return found
    rows = session.execute(
        select(Product.category).where(
            or_(Product.name.contains(word, autoescape=True), func.upper(Product.product_code) == word.upper())
        )
    ).scalars().all()
    if rows and len(set(rows)) == 1:
        return rows[0]
    return category_of_word(word)


# ---------------------------------------------------------------------------- results


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
    STRANGER = "stranger"
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
    STRANGER = "stranger"
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
    STRANGER = "stranger"
    NOT_FOUND = "not_found"  # no such referral, or one this person may not see
    REFUSED = "refused"  # see `problem` and `reason`


class TransitionProblem(str, Enum):
    NOT_RECEIVER = "not_receiver"
    ONLY_REFERRER_CANCELS = "only_referrer_cancels"
    CANCEL_ONLY_WHILE_NEW = "cancel_only_while_new"
    ALREADY_CLOSED = "already_closed"
    ALREADY_IN_STATUS = "already_in_status"
    BACKWARDS = "backwards"
    UNKNOWN_STATUS = "unknown_status"
    BAD_AMOUNT = "bad_amount"


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
    outcome: TransitionOutcome  # DONE, STRANGER or NOT_FOUND
    referral: ReferralSummary | None = None


@dataclass(frozen=True)
class ReferralLists:
    outcome: str  # 'ok' or 'stranger'
    staff: StaffMember | None = None
    received: list[ReferralSummary] = field(default_factory=list)
    sent: list[ReferralSummary] = field(default_factory=list)
    # For a branch head: the open referrals of their branch's customers they are not party to.
    branch_open: list[ReferralSummary] = field(default_factory=list)


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
        return _rate(self.converted, self.sent)


@dataclass(frozen=True)
class Ranking:
    outcome: str  # 'ok', 'stranger' or 'bad_month'
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
    outcome: str  # 'ok', 'stranger' or 'bad_month'
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
    month: str
    branch_id: str
    branch_name: str
    rank: int
    staff_id: str
    staff_name: str
    role_name: str
    sent: int
    converted: int
    conversion_rate: Decimal | None
    credit: int


def _rate(converted: int, sent: int) -> Decimal | None:
    return None if not sent else (Decimal(converted) / Decimal(sent)).quantize(Decimal("0.001"))


# ---------------------------------------------------------------------------- locks


_NUMBERING_LOCK = 3_000_001  # pg advisory lock key for referral numbers


def _lock_numbering(session: Session) -> None:
    if is_postgresql(session):
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _NUMBERING_LOCK})


def _lock_referral(session: Session, referral_id: int) -> Referral | None:
    query = for_update(session, select(Referral).where(Referral.id == referral_id))
    return session.execute(query.execution_options(populate_existing=True)).scalars().first()


# ---------------------------------------------------------------------------- queries


def _month_range(month: str) -> tuple[datetime, datetime] | None:
    """'2026-11' -> the month's start and end as stored (naive UTC), from local midnight."""
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", (month or "").strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        return None
    year, number = int(match.group(1)), int(match.group(2))
    start = datetime(year, number, 1)
    end = datetime(year + (number == 12), number % 12 + 1, 1)
    return to_storage(start.replace(tzinfo=clock.tz)), to_storage(end.replace(tzinfo=clock.tz))


def serving_staff(session: Session, branch_id: str) -> list[Staff]:
    """Staff of the branch and staff covering it, by staff id."""
    covering = select(StaffCoverage.staff_id).where(StaffCoverage.branch_id == branch_id)
    return list(
        session.execute(
            select(Staff).where(or_(Staff.branch_id == branch_id, Staff.staff_id.in_(covering))).order_by(Staff.staff_id)
        ).scalars()
    )


def open_counts(session: Session, staff_ids: list[str]) -> dict[str, int]:
    if not staff_ids:
        return {}
    rows = session.execute(
        select(Referral.receiver_id, func.count())
        .where(Referral.receiver_id.in_(staff_ids), Referral.status.in_(OPEN_REFERRAL_STATUSES))
        .group_by(Referral.receiver_id)
    ).all()
    return {staff_id: 0 for staff_id in staff_ids} | {staff_id: count for staff_id, count in rows}


def _branch_names(session: Session) -> dict[str, str]:
    return dict(session.execute(select(Branch.branch_id, Branch.name)).all())


def _receiver_info(staff: Staff, customer_branch_id: str, counts: dict[str, int], branches: dict[str, str]) -> ReceiverInfo:
    return ReceiverInfo(
        staff_id=staff.staff_id,
        name=staff.name,
        role=staff.role,
        role_name=ROLE_NAMES.get(staff.role, staff.role),
        branch_id=staff.branch_id,
        branch_name=branches.get(staff.branch_id, staff.branch_id),
        open_count=counts.get(staff.staff_id, 0),
        at_customer_branch=staff.branch_id == customer_branch_id,
    )


def _branch_heads(session: Session, branch_id: str) -> list[Staff]:
    heads = [s for s in serving_staff(session, branch_id) if s.role == "branch_head"]
    return sorted(heads, key=lambda s: (s.branch_id != branch_id, s.staff_id))


@dataclass(frozen=True)
class Routing:
    outcome: DraftOutcome
    receiver: ReceiverInfo | None = None
    routed_by: RoutedBy | None = None
    reason: str = ""
    alternatives: list[ReceiverInfo] = field(default_factory=list)


def route_referral(
    session: Session,
    customer: Customer,
    category: str | None,
    referrer_id: str,
    receiver_name: str | None = None,
    receiver_role: str | None = None,
    max_alternatives: int = 6,
) -> Routing:
    """Who receives a referral of this customer: the named person if they can serve the customer's
    branch; else the least busy staff of the role asked (or the category's default roles) among
    those serving the branch; else the branch head. Never silent: every miss says why."""
    branches = _branch_names(session)
    customer_branch = branches.get(customer.branch_id, customer.branch_id)
    serving = [s for s in serving_staff(session, customer.branch_id) if s.staff_id != referrer_id]
    counts = open_counts(session, [s.staff_id for s in serving])
    infos = {s.staff_id: _receiver_info(s, customer.branch_id, counts, branches) for s in serving}
    default_roles = DEFAULT_ROLES.get(category or "", ("customer_manager",))

    def least_busy(role: str) -> ReceiverInfo | None:
        fitting = [infos[s.staff_id] for s in serving if s.role == role]
        return min(fitting, key=lambda i: (i.open_count, i.staff_id), default=None)

    def alternatives(first_role: str | None) -> list[ReceiverInfo]:
        order = [first_role] if first_role else []
        order += [r for r in default_roles if r not in order]
        order += [r for r in ("customer_manager", "wealth_manager", "lobby_manager", "branch_head", "teller") if r not in order]
        ranked = sorted(infos.values(), key=lambda i: (order.index(i.role), i.open_count, i.staff_id))
        return ranked[:max_alternatives]

    if receiver_name:
        name = receiver_name.strip()
        named = list(session.execute(select(Staff).where(Staff.name == name).order_by(Staff.staff_id)).scalars())
        if not named:
            stripped = re.sub(r"(客户经理|理财经理|大堂经理|经理|行长|主任|姐|哥|老师)$", "", name)
            if stripped and stripped != name:
                named = list(session.execute(select(Staff).where(Staff.name == stripped).order_by(Staff.staff_id)).scalars())
                name = stripped if named else name
        if not named:
            return Routing(DraftOutcome.RECEIVER_UNKNOWN, reason=replies.named_unknown(name), alternatives=alternatives(None))
        if all(s.staff_id == referrer_id for s in named):
            return Routing(DraftOutcome.RECEIVER_IS_SELF, reason="不能转介给自己。", alternatives=alternatives(named[0].role))
        able = [s for s in named if s.staff_id in infos]
        if not able:
            where = sorted({branches.get(s.branch_id, s.branch_id) for s in named})
            return Routing(
                DraftOutcome.RECEIVER_CANNOT_SERVE,
                reason=replies.named_cannot_serve(name, where, customer_branch),
                alternatives=alternatives(named[0].role),
            )
        chosen = min(able, key=lambda s: (s.branch_id != customer.branch_id, s.staff_id))
        receiver = infos[chosen.staff_id]
        return Routing(DraftOutcome.READY, receiver, RoutedBy.NAMED, replies.routing_reason("named", receiver, None, category))

    role = role_from_word(receiver_role) if receiver_role else None
    if receiver_role and role is None:
        return Routing(DraftOutcome.UNKNOWN_ROLE, reason=f"没听懂“{receiver_role}”是哪个岗位。", alternatives=alternatives(None))
    if role:
        receiver = least_busy(role)
        if receiver:
            return Routing(DraftOutcome.READY, receiver, RoutedBy.ROLE, replies.routing_reason("role", receiver, role, category))
    else:
        for default in default_roles:
            receiver = least_busy(default)
            if receiver:
                return Routing(
                    DraftOutcome.READY, receiver, RoutedBy.CATEGORY_DEFAULT,
                    replies.routing_reason("category_default", receiver, default, category),
                )
    heads = [h for h in _branch_heads(session, customer.branch_id) if h.staff_id != referrer_id]
    if heads:
        receiver = infos[heads[0].staff_id]
        wanted = role or default_roles[0]
        return Routing(
            DraftOutcome.READY, receiver, RoutedBy.BRANCH_HEAD_FALLBACK,
            replies.routing_reason("branch_head_fallback", receiver, wanted, category),
        )
    return Routing(DraftOutcome.NO_RECEIVER, reason=replies.no_receiver(customer_branch), alternatives=alternatives(role))


def _now_stored() -> datetime:
    return to_storage(clock.now())


def _summaries(session: Session, referrals: list[Referral], viewer: StaffMember | None) -> list[ReferralSummary]:
    if not referrals:
        return []
    staff_ids = {r.referrer_id for r in referrals} | {r.receiver_id for r in referrals}
    names = dict(session.execute(select(Staff.staff_id, Staff.name).where(Staff.staff_id.in_(staff_ids))).all())
    customer_ids = {r.customer_id for r in referrals}
    customers = {
        c.customer_id: c for c in session.execute(select(Customer).where(Customer.customer_id.in_(customer_ids))).scalars()
    }
    points = dict(
        session.execute(
            select(CreditEntry.referral_id, CreditEntry.points).where(CreditEntry.referral_id.in_([r.id for r in referrals]))
        ).all()
    )
    now = _now_stored()
    result = []
    for r in referrals:
        customer = customers[r.customer_id]
        visible = viewer is None or may_see(viewer, customer.branch_id) or viewer.staff_id == r.referrer_id
        status = Status(r.status)
        result.append(
            ReferralSummary(
                id=r.id,
                referral_no=r.referral_no,
                customer_id=r.customer_id,
                customer_name=customer.name if visible else None,
                product_word=r.product_word,
                category=r.product_category,
                status=status,
                status_name=replies.status_name(status.value),
                referrer_id=r.referrer_id,
                referrer_name=names.get(r.referrer_id, r.referrer_id),
                referrer_branch_id=r.referrer_branch_id,
                receiver_id=r.receiver_id,
                receiver_name=names.get(r.receiver_id, r.receiver_id),
                routed_by=RoutedBy(r.routed_by),
                note=r.note or "",
                created_at=to_local(r.created_at),
                sla_due_at=to_local(r.sla_due_at),
                overdue=status in (Status.NEW, Status.ACCEPTED) and now > r.sla_due_at,
                contacted_at=to_local(r.contacted_at) if r.contacted_at else None,
                closed_at=to_local(r.closed_at) if r.closed_at else None,
                converted_product_word=r.converted_product_word,
                converted_category=r.converted_category,
                converted_amount=Decimal(r.converted_amount) if r.converted_amount is not None else None,
                credit_points=points.get(r.id),
            )
        )
    return result


def _summary(session: Session, referral: Referral, viewer: StaffMember | None = None) -> ReferralSummary:
    return _summaries(session, [referral], viewer)[0]


def _open_duplicates(session: Session, customer_id: str, category: str) -> list[Referral]:
    return list(
        session.execute(
            select(Referral)
            .where(
                Referral.customer_id == customer_id,
                Referral.product_category == category,
                Referral.status.in_(OPEN_REFERRAL_STATUSES),
            )
            .order_by(Referral.created_at, Referral.id)
        ).scalars()
    )


def _by_request_key(session: Session, request_key: str) -> Referral | None:
    return session.execute(select(Referral).where(Referral.request_key == request_key)).scalars().first()


def _next_number(session: Session) -> str:
    prefix = f"ZJ{clock.today():%Y%m%d}-"
    count = session.execute(
        select(func.count()).select_from(Referral).where(Referral.referral_no.like(f"{prefix}%"))
    ).scalar_one()
    return f"{prefix}{count + 1:04d}"


_REF_NO_RE = re.compile(r"ZJ\d{8}-\d{4,}", re.IGNORECASE)


def _find_referral(session: Session, ref: str | int) -> Referral | None:
    if isinstance(ref, int) or (isinstance(ref, str) and ref.strip().isdigit()):
        return session.get(Referral, int(ref))
    match = _REF_NO_RE.search(to_half_width(str(ref)))
    if not match:
        return None
    return session.execute(select(Referral).where(Referral.referral_no == match.group(0).upper())).scalars().first()


def _may_work_on(staff: StaffMember, referral: Referral, customer_branch_id: str) -> bool:
    """The receiver, or a branch head serving the customer's branch, moves a referral forward."""
    return staff.staff_id == referral.receiver_id or (staff.role == "branch_head" and may_see(staff, customer_branch_id))


def _may_view(staff: StaffMember, referral: Referral, customer_branch_id: str) -> bool:
    return staff.staff_id == referral.referrer_id or _may_work_on(staff, referral, customer_branch_id)


def transition_problem(current: Status, target: Status, is_referrer: bool, may_work: bool) -> TransitionProblem | None:
    """Whether this person may move a referral from `current` to `target`; None if allowed."""
    if current in CLOSED:
        return TransitionProblem.ALREADY_CLOSED
    if target is Status.CANCELLED:
        if not is_referrer:
            return TransitionProblem.ONLY_REFERRER_CANCELS
        if current is not Status.NEW:
            return TransitionProblem.CANCEL_ONLY_WHILE_NEW
        return None
    if not may_work:
        return TransitionProblem.NOT_RECEIVER
    if target is current:
        return TransitionProblem.ALREADY_IN_STATUS
    if target is Status.LOST:
        return None
    if target is Status.NEW or _FORWARD[target] < _FORWARD[current]:
        return TransitionProblem.BACKWARDS
    return None


def _event(session, referral: Referral, staff_id: str | None, kind: str, from_status=None, to_status=None, note="") -> None:
    session.add(
        ReferralEvent(
            referral_id=referral.id,
            staff_id=staff_id,
            at=_now_stored(),
            kind=kind,
            from_status=from_status,
            to_status=to_status,
            note=note or "",
        )
    )


# ---------------------------------------------------------------------------- the service


class ReferralService:
    def __init__(self, db: Database, settings: Settings | None = None) -> None:
        self.db = db
        self.settings = settings or Settings.from_env()

    # ------------------------------------------------------------------ creating

    def draft(
        self,
        chat_id: str,
        customer_id: str,
        product_word: str | None,
        receiver_name: str | None = None,
        receiver_role: str | None = None,
        note: str | None = None,
    ) -> Draft:
        """What creating this referral would do, and every problem with it. Writes nothing."""
        with self.db.unit_of_work() as session:
            staff = identify_staff(session, chat_id)
            if staff is None:
                return Draft(DraftOutcome.STRANGER)
            customer = visible_customer(session, staff, customer_id)
            if customer is None:
                return Draft(DraftOutcome.CUSTOMER_NOT_VISIBLE, staff, product_word=product_word, note=note)
            ref = CustomerRef(customer.customer_id, customer.name, customer.branch_id, _branch_names(session).get(customer.branch_id, ""))
            category = resolve_product(session, product_word)
            routing = route_referral(session, customer, category, staff.staff_id, receiver_name, receiver_role)
            duplicates = _summaries(session, _open_duplicates(session, customer.customer_id, category), staff) if category else []
            outcome = DraftOutcome.UNKNOWN_PRODUCT if category is None else routing.outcome
            return Draft(
                outcome=outcome,
                staff=staff,
                customer=ref,
                product_word=product_word,
                category=category,
                receiver=routing.receiver,
                routed_by=routing.routed_by,
                reason=routing.reason,
                alternatives=routing.alternatives,
                duplicates=duplicates,
                note=note,
            )

    def create(
        self,
        chat_id: str,
        customer_id: str,
        product_word: str,
        receiver_staff_id: str,
        note: str | None,
        request_key: str,
        force: bool = False,
        routed_by: RoutedBy | str = RoutedBy.NAMED,
        channel: str = "",
    ) -> Created:
        """Write the referral the user confirmed. The same request_key again returns the referral
        made the first time (repeated=True), also when both calls run at once."""
        for attempt in range(3):
            try:
                with self.db.unit_of_work() as session:
                    return self._create(session, chat_id, customer_id, product_word, receiver_staff_id, note,
                                        request_key, force, RoutedBy(routed_by), channel)
            except IntegrityError:
                # A concurrent call took the unique request_key (then that is this referral) or,
                # should the locks ever be bypassed, the referral number (then number again).
                with self.db.unit_of_work() as session:
                    staff = identify_staff(session, chat_id)
                    existing = _by_request_key(session, request_key)
                    if existing is not None and staff is not None:
                        return Created(CreateOutcome.CREATED, _summary(session, existing, staff), repeated=True)
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _create(self, session, chat_id, customer_id, product_word, receiver_staff_id, note, request_key, force, routed_by, channel) -> Created:
        staff = identify_staff(session, chat_id)
        if staff is None:
            return Created(CreateOutcome.STRANGER)
        customer = visible_customer(session, staff, customer_id)
        if customer is None:
            return Created(CreateOutcome.CUSTOMER_NOT_VISIBLE)
        lock_customer(session, customer.customer_id)
        existing = _by_request_key(session, request_key)
        if existing is not None:
            return Created(CreateOutcome.CREATED, _summary(session, existing, staff), repeated=True)
        category = resolve_product(session, product_word)
        if category is None:
            return Created(CreateOutcome.UNKNOWN_PRODUCT, reason=f"没听懂“{product_word or ''}”是哪类产品。")
        receiver = session.get(Staff, receiver_staff_id) if receiver_staff_id else None
        if receiver is None:
            return Created(CreateOutcome.RECEIVER_UNKNOWN, reason="找不到这位接收人。")
        if receiver.staff_id == staff.staff_id:
            return Created(CreateOutcome.RECEIVER_IS_SELF, reason="不能转介给自己。")
        serving = {s.staff_id for s in serving_staff(session, customer.branch_id)}
        branches = _branch_names(session)
        if receiver.staff_id not in serving:
            return Created(
                CreateOutcome.RECEIVER_CANNOT_SERVE,
                reason=replies.named_cannot_serve(receiver.name, [branches.get(receiver.branch_id, "")], branches.get(customer.branch_id, "")),
            )
        info = _receiver_info(receiver, customer.branch_id, open_counts(session, [receiver.staff_id]), branches)
        duplicates = _open_duplicates(session, customer.customer_id, category)
        if duplicates and not force:
            return Created(CreateOutcome.DUPLICATE, receiver=info, duplicates=_summaries(session, duplicates, staff))
        _lock_numbering(session)
        now = _now_stored()
        referral = Referral(
            referral_no=_next_number(session),
            request_key=request_key,
            customer_id=customer.customer_id,
            product_word=mask_identifiers_in_text((product_word or category).strip())[:50],
            product_category=category,
            referrer_id=staff.staff_id,
            referrer_branch_id=staff.branch_id,
            receiver_id=receiver.staff_id,
            routed_by=routed_by.value,
            status=Status.NEW.value,
            note=(note or "").strip(),
            created_at=now,
            updated_at=now,
            sla_due_at=now + timedelta(hours=self.settings.referral_sla_hours),
        )
        session.add(referral)
        session.flush()
        _event(session, referral, staff.staff_id, "created", None, Status.NEW.value, referral.note)
        summary = _summary(session, referral, staff)
        outbox.enqueue(
            session, receiver.staff_id, replies.notify_arrived(summary, staff.name), outbox.REFERRAL_ARRIVED,
            f"referral:{referral.id}:arrived", referral.id,
        )
        audit.record_view(session, staff.staff_id, customer.customer_id, audit.REFERRAL, channel, f"转介 {referral.referral_no}")
        info = replace(info, open_count=info.open_count + 1)
        return Created(CreateOutcome.CREATED, summary, info, _summaries(session, duplicates, staff))

    # ------------------------------------------------------------------ updating

    def add_note(self, chat_id: str, referral_ref: str | int, text_: str) -> NoteResult:
        """A note on a referral: a history event. The referrer, the receiver and the branch head
        may add one, also after it closed; while it is open, so may any colleague who serves the
        customer's branch (the bot offers it instead of a duplicate referral)."""
        with self.db.unit_of_work() as session:
            staff = identify_staff(session, chat_id)
            if staff is None:
                return NoteResult(TransitionOutcome.STRANGER)
            found = _find_referral(session, referral_ref)
            if found is None:
                return NoteResult(TransitionOutcome.NOT_FOUND)
            referral = _lock_referral(session, found.id)
            customer = session.get(Customer, referral.customer_id)
            party = _may_view(staff, referral, customer.branch_id)
            if not party and not (Status(referral.status).is_open and may_see(staff, customer.branch_id)):
                return NoteResult(TransitionOutcome.NOT_FOUND)
            text_ = (text_ or "").strip()
            _event(session, referral, staff.staff_id, "note", referral.status, referral.status, text_)
            referral.note = f"{referral.note}\n{text_}".strip() if referral.note else text_
            referral.updated_at = _now_stored()
            session.flush()
            return NoteResult(TransitionOutcome.DONE, _summary(session, referral, staff))

    def transition(
        self,
        chat_id: str,
        referral_ref: str | int,
        target_status: Status | str,
        product_word: str | None = None,
        amount: Decimal | str | None = None,
        note: str | None = None,
        channel: str = "",
    ) -> TransitionResult:
        """Move a referral to `target_status` (a Status, its value, or a status word)."""
        target = target_status if isinstance(target_status, Status) else status_from_word(target_status)
        with self.db.unit_of_work() as session:
            staff = identify_staff(session, chat_id)
            if staff is None:
                return TransitionResult(TransitionOutcome.STRANGER)
            found = _find_referral(session, referral_ref)
            if found is None:
                return TransitionResult(TransitionOutcome.NOT_FOUND)
            referral = _lock_referral(session, found.id)
            customer = session.get(Customer, referral.customer_id)
            if not _may_view(staff, referral, customer.branch_id):
                return TransitionResult(TransitionOutcome.NOT_FOUND)
            current = Status(referral.status)
            if target is None:
                return self._refused(session, referral, staff, TransitionProblem.UNKNOWN_STATUS, current, None)
            problem = transition_problem(
                current, target, staff.staff_id == referral.referrer_id, _may_work_on(staff, referral, customer.branch_id)
            )
            if problem:
                return self._refused(session, referral, staff, problem, current, target)
            parsed_amount = None
            if target is Status.CONVERTED and amount not in (None, ""):
                parsed_amount = parse_amount(amount)
                if parsed_amount is None or parsed_amount < 0:
                    return self._refused(session, referral, staff, TransitionProblem.BAD_AMOUNT, current, target)
            return self._apply(session, staff, referral, customer, current, target, product_word, parsed_amount, note, channel)

    def cancel(self, chat_id: str, referral_ref: str | int, note: str | None = None) -> TransitionResult:
        """Withdraw a referral: only its referrer, only while nobody has accepted it."""
        return self.transition(chat_id, referral_ref, Status.CANCELLED, note=note)

    def _refused(self, session, referral, staff, problem, current, target) -> TransitionResult:
        return TransitionResult(
            TransitionOutcome.REFUSED,
            _summary(session, referral, staff),
            problem,
            replies.transition_problem_text(problem, current.value),
            current,
            target,
        )

    def _apply(self, session, staff, referral, customer, current, target, product_word, amount, note, channel) -> TransitionResult:
        now = _now_stored()
        referral.status = target.value
        referral.updated_at = now
        if target in (Status.CONTACTED, Status.CONVERTED) and referral.contacted_at is None:
            referral.contacted_at = now
        if target in CLOSED:
            referral.closed_at = now
        earned = None
        if target is Status.CONVERTED:
            word = (product_word or referral.product_word).strip()
            category = resolve_product(session, product_word) if product_word else None
            referral.converted_product_word = mask_identifiers_in_text(word)[:50]
            referral.converted_category = category or referral.product_category
            referral.converted_amount = amount
            session.flush()
            earned = credit.award(session, referral, referral.converted_category, amount).points
        event_note = (note or "").strip()
        if target is Status.CONVERTED:
            details = [referral.converted_product_word]
            if amount is not None:
                details.append(f"{amount}元")
            event_note = " ".join(filter(None, [event_note, "成交:" + " ".join(details)]))
        _event(session, referral, staff.staff_id, "status", current.value, target.value, event_note)
        session.flush()
        summary = _summary(session, referral, staff)
        key = f"referral:{referral.id}:{target.value}"
        if target is Status.ACCEPTED:
            outbox.enqueue(session, referral.referrer_id, replies.notify_accepted(summary), outbox.REFERRAL_ACCEPTED, key, referral.id)
        elif target is Status.CONVERTED:
            outbox.enqueue(session, referral.referrer_id, replies.notify_converted(summary, earned or 0), outbox.REFERRAL_CONVERTED, key, referral.id)
        elif target is Status.LOST:
            outbox.enqueue(session, referral.referrer_id, replies.notify_lost(summary, note), outbox.REFERRAL_LOST, key, referral.id)
        elif target is Status.CANCELLED:
            outbox.enqueue(session, referral.receiver_id, replies.notify_cancelled(summary), outbox.REFERRAL_CANCELLED, key, referral.id)
        if may_see(staff, customer.branch_id):
            audit.record_view(session, staff.staff_id, customer.customer_id, audit.REFERRAL, channel, f"转介 {referral.referral_no} {target.value}")
        return TransitionResult(TransitionOutcome.DONE, summary, None, "", current, target, earned)

    def find_for_update(
        self,
        chat_id: str,
        customer_id: str | None = None,
        referral_no: str | None = None,
        customer_name: str | None = None,
        as_referrer: bool = False,
    ) -> list[ReferralSummary]:
        """Open referrals this person may move forward (receiver or branch head), narrowed by customer
        id, customer name or number; with as_referrer=True the open ones they sent (to cancel).
        Oldest first. Empty for a stranger."""
        with self.db.unit_of_work() as session:
            staff = identify_staff(session, chat_id)
            if staff is None:
                return []
            query = select(Referral).join(Customer, Customer.customer_id == Referral.customer_id).where(
                Referral.status.in_(OPEN_REFERRAL_STATUSES)
            )
            if as_referrer:
                query = query.where(Referral.referrer_id == staff.staff_id)
            elif staff.role == "branch_head":
                query = query.where(
                    or_(Referral.receiver_id == staff.staff_id, Customer.branch_id.in_(staff.served_branch_ids))
                )
            else:
                query = query.where(Referral.receiver_id == staff.staff_id)
            if customer_id:
                query = query.where(Referral.customer_id == customer_id.strip().upper())
            if customer_name:
                query = query.where(Customer.name == customer_name.strip())
            if referral_no:
                match = _REF_NO_RE.search(to_half_width(referral_no))
                query = query.where(Referral.referral_no == (match.group(0).upper() if match else referral_no.strip()))
            referrals = list(session.execute(query.order_by(Referral.created_at, Referral.id)).scalars())
            return _summaries(session, referrals, staff)

    # ------------------------------------------------------------------ reading

    def list_for(self, chat_id: str, limit: int = 20) -> ReferralLists:
        """Referrals this person received and sent: open first (overdue first among them), then
        the most recent closed ones; each list at most `limit` long."""
        with self.db.unit_of_work() as session:
            staff = identify_staff(session, chat_id)
            if staff is None:
                return ReferralLists("stranger")

            def listed(condition) -> list[ReferralSummary]:
                open_ = list(session.execute(
                    select(Referral).where(condition, Referral.status.in_(OPEN_REFERRAL_STATUSES))
                    .order_by(Referral.sla_due_at, Referral.id).limit(limit)
                ).scalars())
                closed = list(session.execute(
                    select(Referral).where(condition, Referral.status.not_in(OPEN_REFERRAL_STATUSES))
                    .order_by(Referral.updated_at.desc(), Referral.id.desc()).limit(max(0, limit - len(open_)))
                ).scalars())
                summaries = _summaries(session, open_ + closed, staff)
                return sorted(summaries, key=lambda s: (not s.is_open, not s.overdue))  # stable: keeps the order above

            received = listed(Referral.receiver_id == staff.staff_id)
            sent = listed(Referral.referrer_id == staff.staff_id)
            branch_open: list[ReferralSummary] = []
            if staff.role == "branch_head":
                branch_open = [
                    s for s in listed(Referral.customer_id.in_(
                        select(Customer.customer_id).where(Customer.branch_id.in_(staff.served_branch_ids))
                    ))
                    if s.is_open and staff.staff_id not in (s.receiver_id, s.referrer_id)
                ]
            for summary in {s.customer_id: s for s in received + sent + branch_open if s.customer_name}.values():
                audit.record_view(session, staff.staff_id, summary.customer_id, audit.REFERRAL, "", "转介列表")
            return ReferralLists("ok", staff, received, sent, branch_open)

    def history(self, chat_id: str, referral_ref: str | int) -> list[tuple[datetime, str, str | None, str | None, str]]:
        """A referral's events, oldest first: (local time, who, from status, to status, note)."""
        with self.db.unit_of_work() as session:
            staff = identify_staff(session, chat_id)
            referral = _find_referral(session, referral_ref) if staff else None
            if referral is None or not _may_view(staff, referral, session.get(Customer, referral.customer_id).branch_id):
                return []
            names = dict(session.execute(select(Staff.staff_id, Staff.name)).all())
            events = session.execute(
                select(ReferralEvent).where(ReferralEvent.referral_id == referral.id).order_by(ReferralEvent.at, ReferralEvent.id)
            ).scalars()
            return [(to_local(e.at), names.get(e.staff_id, "系统"), e.from_status, e.to_status, e.note) for e in events]

    def notifications(self, chat_id: str, via: str = "chat", shown: list[int] | tuple = ()) -> list[outbox.OutgoingNotification]:
        """This person's undelivered notifications, claimed for the top of the reply being built;
        the channel marks them delivered once it has the reply (bot/outbox.py). `shown`: the ones
        her previous reply showed, which reached her (that reply is in the conversation), marked
        delivered by `via` now if the channel did not. Most messages find none: that is one read,
        without taking the write lock."""
        with self.db.unit_of_work() as session:
            if not outbox.any_undelivered_for_chat(session, chat_id):
                return []
            staff = identify_staff(session, chat_id)
            if staff is None:
                return []
            if shown:
                outbox.mark_delivered(session, outbox.own(session, staff.staff_id, list(shown)), via)
            return outbox.claim_for_reply(session, staff.staff_id)

    def stats(self, chat_id: str, month: str) -> Ranking:
        """The month's referral figures of the asker's branch and the ranking of its staff."""
        with self.db.unit_of_work() as session:
            staff = identify_staff(session, chat_id)
            if staff is None:
                return Ranking("stranger")
            if _month_range(month) is None:
                return Ranking("bad_month", month=month)
            return branch_ranking(session, month, staff.branch_id, staff.staff_id)

    def my_performance(self, chat_id: str, month: str) -> Performance:
        with self.db.unit_of_work() as session:
            staff = identify_staff(session, chat_id)
            if staff is None:
                return Performance("stranger")
            span = _month_range(month)
            if span is None:
                return Performance("bad_month", month=month)
            start, end = span
            ranking = branch_ranking(session, month, staff.branch_id, staff.staff_id)
            sent = list(session.execute(
                select(Referral.status).where(Referral.referrer_id == staff.staff_id, Referral.created_at >= start, Referral.created_at < end)
            ).scalars())
            received = list(session.execute(
                select(Referral.status).where(Referral.receiver_id == staff.staff_id, Referral.created_at >= start, Referral.created_at < end)
            ).scalars())
            points = session.execute(
                select(func.coalesce(func.sum(CreditEntry.points), 0)).where(
                    CreditEntry.staff_id == staff.staff_id, CreditEntry.created_at >= start, CreditEntry.created_at < end
                )
            ).scalar_one()
            now = _now_stored()
            open_rows = session.execute(
                select(Referral.status, Referral.sla_due_at).where(
                    Referral.receiver_id == staff.staff_id, Referral.status.in_(OPEN_REFERRAL_STATUSES)
                )
            ).all()
            converted = sum(1 for s in sent if s == Status.CONVERTED.value)
            return Performance(
                outcome="ok",
                month=month,
                staff=staff,
                sent=len(sent),
                converted=converted,
                conversion_rate=_rate(converted, len(sent)),
                credit=int(points),
                rank=ranking.my_rank,
                ranked=len(ranking.rows),
                received=len(received),
                received_converted=sum(1 for s in received if s == Status.CONVERTED.value),
                open_received=len(open_rows),
                overdue_received=sum(1 for status, due in open_rows if status in ("new", "accepted") and now > due),
            )

    def sla_check(self, now: datetime | None = None) -> SlaReport:
        return run_sla_check(self.db, now, self.settings)


# ---------------------------------------------------------------------------- statistics


def branch_ranking(session: Session, month: str, branch_id: str, asker_id: str | None = None) -> Ranking:
    """One branch's month: referrals its staff sent (counted for the branch they were in when
    sending), how many of those converted, credit earned in the month, and each person's rank
    by credit (equal credit, equal rank). Everyone now in the branch is ranked, with zeros if idle."""
    start, end = _month_range(month)
    sent_rows = session.execute(
        select(Referral.referrer_id, Referral.status).where(
            Referral.referrer_branch_id == branch_id, Referral.created_at >= start, Referral.created_at < end
        )
    ).all()
    credit_rows = session.execute(
        select(CreditEntry.staff_id, func.sum(CreditEntry.points))
        .where(CreditEntry.branch_id == branch_id, CreditEntry.created_at >= start, CreditEntry.created_at < end)
        .group_by(CreditEntry.staff_id)
    ).all()
    credit_by = {staff_id: int(points) for staff_id, points in credit_rows}
    ids = {s for s, _ in sent_rows} | set(credit_by)
    people = {
        s.staff_id: s
        for s in session.execute(
            select(Staff).where(or_(Staff.branch_id == branch_id, Staff.staff_id.in_(ids)))
        ).scalars()
    }
    figures = []
    for staff_id, person in people.items():
        mine = [status for who, status in sent_rows if who == staff_id]
        figures.append((credit_by.get(staff_id, 0), sum(1 for s in mine if s == "converted"), len(mine), person))
    figures.sort(key=lambda f: (-f[0], -f[1], -f[2], f[3].staff_id))
    rows, previous, rank = [], None, 0
    for position, (points, converted, sent, person) in enumerate(figures, start=1):
        if points != previous:
            rank, previous = position, points
        rows.append(RankRow(rank, person.staff_id, person.name, ROLE_NAMES.get(person.role, person.role), sent, converted, points))
    mine = next((row for row in rows if row.staff_id == asker_id), None)
    converted_total = sum(1 for _, status in sent_rows if status == "converted")
    branch = session.get(Branch, branch_id)
    return Ranking(
        outcome="ok",
        month=month,
        branch_id=branch_id,
        branch_name=branch.name if branch else branch_id,
        sent=len(sent_rows),
        converted=converted_total,
        conversion_rate=_rate(converted_total, len(sent_rows)),
        credit=sum(credit_by.values()),
        rows=rows,
        my_rank=mine.rank if mine else None,
        my_row=mine,
    )


def branch_report(db: Database, month: str, branch_id: str | None = None) -> list[ReportRow]:
    """Rows of the monthly report (`python -m bot referrals report`): one per staff member of
    the branch, or of every branch; raises ValueError for a malformed month or unknown branch."""
    if _month_range(month) is None:
        raise ValueError(f"月份格式应为 YYYY-MM,收到 {month!r}")
    with db.unit_of_work() as session:
        if branch_id:
            if session.get(Branch, branch_id) is None:
                raise ValueError(f"没有网点 {branch_id}")
            branch_ids = [branch_id]
        else:
            branch_ids = list(session.execute(select(Branch.branch_id).order_by(Branch.branch_id)).scalars())
        rows = []
        for each in branch_ids:
            ranking = branch_ranking(session, month, each)
            for row in ranking.rows:
                rows.append(ReportRow(
                    month, each, ranking.branch_name, row.rank, row.staff_id, row.name, row.role_name,
                    row.sent, row.converted, row.conversion_rate, row.credit,
                ))
        return rows


# ---------------------------------------------------------------------------- SLA


def run_sla_check(db: Database, now: datetime | None = None, settings: Settings | None = None) -> SlaReport:
    """Remind receivers of referrals not yet contacted once `referral_sla_remind_at` of their SLA
    time has passed, and tell the branch head when the SLA has passed; each once per referral
    (reminded_at / escalated_at, plus a history event and outbox rows). Safe to run from several
    places at once: rows are locked (PostgreSQL, SKIP LOCKED) or the write lock is taken (SQLite).
    `now` defaults to the clock; naive values are the bank's local time."""
    settings = settings or Settings.from_env()
    moment = now or clock.now()
    stored_now = to_storage(moment)
    reminders, escalations = [], []
    with db.unit_of_work() as session:
        query = (
            select(Referral)
            .where(Referral.status.in_(("new", "accepted")), Referral.escalated_at.is_(None))
            .order_by(Referral.sla_due_at, Referral.id)
        )
        query = for_update(session, query, skip_locked=True)
        for referral in session.execute(query).scalars().all():
            span = referral.sla_due_at - referral.created_at
            remind_from = referral.created_at + span * settings.referral_sla_remind_at
            if stored_now >= referral.sla_due_at:
                escalations.append(_escalate(session, referral, stored_now))
            elif stored_now >= remind_from and referral.reminded_at is None:
                reminders.append(_remind(session, referral, stored_now))
    return SlaReport(moment, reminders, escalations)


def _remind(session: Session, referral: Referral, now: datetime) -> SlaItem:
    referral.reminded_at = now
    _event(session, referral, None, "sla_reminder", referral.status, referral.status, "联系时限将到,已提醒接收人")
    summary = _summary(session, referral)
    outbox.enqueue(session, referral.receiver_id, replies.notify_sla_reminder(summary), outbox.SLA_REMINDER,
                   f"referral:{referral.id}:sla_reminder", referral.id)
    return SlaItem(referral.referral_no, referral.receiver_id, summary.receiver_name, summary.sla_due_at)


def _escalate(session: Session, referral: Referral, now: datetime) -> SlaItem:
    referral.escalated_at = now
    referral.reminded_at = referral.reminded_at or now
    customer = session.get(Customer, referral.customer_id)
    heads = _branch_heads(session, customer.branch_id)
    head = heads[0] if heads else None
    summary = _summary(session, referral)
    outbox.enqueue(session, referral.receiver_id, replies.notify_sla_overdue(summary), outbox.SLA_ESCALATION,
                   f"referral:{referral.id}:sla_overdue", referral.id)
    if head is not None and head.staff_id != referral.receiver_id:
        outbox.enqueue(session, head.staff_id, replies.notify_sla_escalation(summary), outbox.SLA_ESCALATION,
                       f"referral:{referral.id}:sla_escalation", referral.id)
    note = f"超过联系时限,已上报{head.name}" if head else "超过联系时限;该网点没有网点负责人"
    _event(session, referral, None, "sla_escalation", referral.status, referral.status, note)
    return SlaItem(referral.referral_no, referral.receiver_id, summary.receiver_name, summary.sla_due_at, head.name if head else None)
