"""Visits (拜访记录), follow-up tasks (待办), the daily list (今日待办), feedback.

Use cases, each one unit of work, for the actions and the command line:

* draft_visit — read a visit note and find which customer it is about; writes nothing.
* log_visit — one interaction row (source 'chat', structured `details`), a follow-up task if
  the note gives a follow-up time, the note's tags on the customer (source 'visit'), the writer's
  open follow-ups with that customer due by that day closed (done_reason 'visit') and an audit row, all in one
  transaction; idempotent by `request_key`.
* tag_customer, feedback, list_feedback.
* daily_list / complete — what to do today (or on the days asked: "明天的待办", "下周的待办"),
  numbered; "完成第2条" closes a follow-up.
* morning_digest — each person's daily list into the outbox once per working day
  (`python -m bot digest` for cron).

Rules decided here:

* A customer the writer may not see is answered exactly like one that does not exist.
* Tags: a visit adds the note's tags it does not already have; a tag of the opposite kind about
  the same thing is removed (不感兴趣:保险 replaces 意向:保险 and the other way round; 已购:基金
  replaces 意向:基金 and 不感兴趣:基金, and wanting more leaves 已购 in place), whatever its
  source, because the newest word from the customer wins. A contact closes the writer's open
  follow-ups with the customer due by the end of its day, or before the follow-up it plans;
  later ones stay. The summary shows both before the confirmation (visit_effects).
* The daily list of a staff member: their follow-ups due today or overdue; referrals waiting
  for them (open, received) with overdue ones first; and, for the customers they manage
  (Customer.manager_id), holdings maturing and birthdays within `daily_list_days` (7) days.
  Staff who manage nobody (tellers, lobby managers) get no maturities or birthdays: customers of
  the whole branch would flood a teller's list with things the customer's manager acts on.
  A maturity or birthday of a customer the person contacted in the last `daily_list_days` days
  is left out: that contact is assumed to have covered it.
  Order: overdue first (oldest first), then by due day, then by amount (largest first), then
  follow-ups, referrals, maturities, birthdays. Items are numbered from 1; `DailyList.refs`
  lists what each number stands for, for the chat to keep and give back to `complete`.
* The list of a period (bot.daily_list_period: "明天", "周五", "下周"): follow-ups due in it,
  and the overdue ones only when the period includes today; maturities and birthdays in it;
  referrals waiting, as every day (they wait for no date).
* Every customer on a list shown or sent is a view of that customer: one audit row each
  (shown 'daily_list'; the morning digest's with channel 'daily_digest').
* Only follow-ups can be completed from the list; a referral item is updated through the
  referral's own words ("ZJ… 已联系"), a maturity or birthday by logging the contact.
* The digest goes out Monday to Friday from `digest_time` (08:30) on, to every customer manager
  (even with an empty list: they expect it) and to anyone else whose list is not empty, once per
  person and day (outbox dedupe key digest:<staff_id>:<date>). Public holidays are not known.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import Enum

import chinese_calendar
from sqlalchemy import and_, extract, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot import audit, customers, outbox
from bot.access import StaffMember, identify_staff, may_see
from bot.clock import clock
from bot.customers import CustomerQuery, QueryKind
from bot.daily_list_period import Period
from bot.db import Database, for_update, lock_customer, take_write_lock
from bot.models import (
    OPEN_REFERRAL_STATUSES,
    Branch,
    Customer,
    CustomerTag,
    Feedback,
    FollowUp,
    Holding,
    Interaction,
    Notification,
    Product,
    Referral,
    Staff,
)
from bot.privacy import mask_identifiers_in_text
from bot.settings import Settings
from bot.tiers import LIABILITY_CATEGORIES
from bot.timeutil import to_local, to_storage
from bot.names import name_like_words, partial_name
from bot.referrals import PRODUCT_WORDS
from bot.visit_notes import BOUGHT, INTEREST, NOT_INTERESTED, VisitNote, describes_a_visit, parse_visit_note

log = logging.getLogger(__name__)

AUDIT_VISIT = "visit"  # audit_log.shown for a logged visit
AUDIT_TAG = "tag"
AUDIT_DAILY_LIST = "daily_list"
DIGEST = "daily_digest"  # outbox kind

SOURCE_CHAT = "chat"
DONE_BY_VISIT = "visit"
DONE_COMPLETED = "completed"


# ---------------------------------------------------------------------------- results


class VisitOutcome(str, Enum):
    READY = "ready"  # draft: the customer is known, the note read
    LOGGED = "logged"  # also for a repeated request_key: `repeated` says so
    STRANGER = "stranger"
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
    candidates: list[customers.Candidate] = field(default_factory=list)
    # The customer came from the conversation, not from the note.
    from_context: bool = False
    named: str | None = None  # NOT_FOUND: the name the note gives, as written
    surname: str | None = None  # CHOOSE or NOT_FOUND for a name given only in part (欧阳, 王先生)
    # READY: other customers of hers the note names ("拜访了黄婷莉和陈柳静"): a note is one contact
    # with one customer, and the summary says the others need notes of their own.
    also_named: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class LoggedVisit:
    outcome: VisitOutcome  # LOGGED, STRANGER, NOT_FOUND or EMPTY_NOTE
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
    STRANGER = "stranger"
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
    outcome: str  # 'saved', 'stranger' or 'empty'
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


class ItemKind(str, Enum):
    FOLLOW_UP = "follow_up"  # 跟进
    REFERRAL = "referral"  # 转介
    MATURITY = "maturity"  # 到期
    BIRTHDAY = "birthday"  # 生日


_KIND_ORDER = {ItemKind.FOLLOW_UP: 0, ItemKind.REFERRAL: 1, ItemKind.MATURITY: 2, ItemKind.BIRTHDAY: 3}


@dataclass(frozen=True)
class DailyItem:
    number: int
    kind: ItemKind
    customer_id: str
    customer_name: str
    reason: str  # one line of Chinese text: what to do and why
    due: date
    value: Decimal | None  # the money at stake (maturity amount, customer's assets), if any
    overdue: bool = False
    follow_up_id: int | None = None
    referral_no: str | None = None
    product_name: str | None = None

    @property
    def ref(self) -> str:
        """What this item is, for the chat to keep: 'follow_up:12', 'referral:ZJ…', 'maturity:C…'."""
        if self.kind is ItemKind.FOLLOW_UP:
            return f"follow_up:{self.follow_up_id}"
        if self.kind is ItemKind.REFERRAL:
            return f"referral:{self.referral_no}"
        return f"{self.kind.value}:{self.customer_id}"


@dataclass(frozen=True)
class DailyList:
    outcome: str  # 'ok' or 'stranger'
    staff: StaffMember | None = None
    today: date | None = None
    items: list[DailyItem] = field(default_factory=list)
    period: Period | None = None  # the days asked; None: today's list

    @property
    def refs(self) -> list[str]:
        """The items in the order shown: item number n is refs[n - 1]."""
        return [item.ref for item in self.items]

    @property
    def follow_up_ids(self) -> list[int | None]:
        """Per item number, the follow-up it closes, or None for other kinds."""
        return [item.follow_up_id for item in self.items]


class CompleteOutcome(str, Enum):
    DONE = "done"
    ALREADY_DONE = "already_done"
    NOT_A_FOLLOW_UP = "not_a_follow_up"  # the number is a referral, maturity or birthday
    NOT_FOUND = "not_found"  # no such number or follow-up of this person
    STRANGER = "stranger"


@dataclass(frozen=True)
class Completed:
    outcome: CompleteOutcome
    follow_up: FollowUpInfo | None = None
    item_kind: ItemKind | None = None


@dataclass(frozen=True)
class DigestReport:
    at: datetime
    sent: list[tuple[str, int]] = field(default_factory=list)  # (staff_id, items) enqueued now
    already_sent: int = 0
    skipped: str | None = None  # 'not_working_day', 'too_early' or None


# ---------------------------------------------------------------------------- helpers


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


def product_catalogue(session: Session) -> dict[str, str]:
    """Product name -> category, from the products table."""
    return {name: category for name, category in session.execute(select(Product.name, Product.category))}


def _staff_member(session: Session, staff: Staff) -> StaffMember:
    branch_name = session.execute(select(Branch.name).where(Branch.branch_id == staff.branch_id)).scalar() or ""
    served = {staff.branch_id} | {cover.branch_id for cover in staff.covers}
    return StaffMember(staff.staff_id, staff.name, staff.role, staff.branch_id, branch_name, frozenset(served))


def _follow_up_info(row: FollowUp, customer_name: str) -> FollowUpInfo:
    return FollowUpInfo(
        id=row.id,
        customer_id=row.customer_id,
        customer_name=customer_name,
        staff_id=row.staff_id,
        due_at=to_local(row.due_at),
        note=row.note,
        created_at=to_local(row.created_at),
        done_at=to_local(row.done_at) if row.done_at else None,
        done_reason=row.done_reason,
    )


def _tag_label(tag: str) -> tuple[str, str] | None:
    """'意向:基金' -> ('意向', '基金'); '有房贷需求' -> ('意向', '房贷'); other tags -> None."""
    kind, sep, label = tag.partition(":")
    if sep and kind in (INTEREST, NOT_INTERESTED, BOUGHT):
        return kind, label
    if tag.startswith("有") and tag.endswith("需求") and len(tag) > 3:
        return INTEREST, tag[1:-2]
    return None


def _opposites(tag: str) -> list[str]:
    """Tags a new tag replaces: the other kinds about the same thing."""
    parsed = _tag_label(tag)
    if parsed is None:
        return []
    kind, label = parsed
    if kind == INTEREST:
        return [f"{NOT_INTERESTED}:{label}"]  # a purchase stays a fact: wanting more removes no 已购
    others = [f"{INTEREST}:{label}", f"有{label}需求"]
    return others + ([f"{NOT_INTERESTED}:{label}"] if kind == BOUGHT else [])


def _tags_changed(current: list[str], new_tags) -> tuple[list[str], list[str]]:
    """(added, removed) when a note's tags meet the customer's: new ones are added, and the
    opposites they replace are removed."""
    current, added, removed = list(current), [], []
    for tag in new_tags:
        tag = mask_identifiers_in_text(tag.strip())[:50]
        if not tag:
            continue
        for opposite in _opposites(tag):
            if opposite in current:
                current.remove(opposite)
                removed.append(opposite)
        if tag not in current:
            current.append(tag)
            added.append(tag)
    return added, removed


def _follow_ups_a_contact_closes(session: Session, customer_id: str, staff_id: str, happened: datetime,
                                 next_follow_up: datetime | None):
    """The writer's open follow-ups with the customer that a contact closes: those due by the end
    of the contact's day, and, when the note plans a new follow-up, those it supersedes (due
    before it). One planned for later ("约了下周五下午来网点面谈") stays open: a call today that
    plans nothing, or plans something sooner, does not hold next week's meeting."""
    day_ends = datetime.combine(to_local(happened).date() + timedelta(days=1), datetime.min.time(), tzinfo=clock.tz)
    until = max(day_ends, next_follow_up) if next_follow_up is not None else day_ends
    return session.execute(
        select(FollowUp).where(
            FollowUp.customer_id == customer_id,
            FollowUp.staff_id == staff_id,
            FollowUp.done_at.is_(None),
            FollowUp.due_at < to_storage(until),
        ).order_by(FollowUp.due_at, FollowUp.id)
    ).scalars().all()


def _customer_tags(session: Session, customer_id: str) -> list[str]:
    return list(
        session.execute(select(CustomerTag.tag).where(CustomerTag.customer_id == customer_id).order_by(CustomerTag.id)).scalars()
    )


_UNPUBLISHED_YEARS_WARNED: set[int] = set()


def is_working_day(day: date) -> bool:
    """A working day on the mainland: public holidays off, their make-up weekend days on, from
    the State Council's schedule as packaged by chinese_calendar. A year whose schedule the
    installed package does not have yet (published each November) counts Monday to Friday,
    and the log says so once: upgrade the package."""
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        if day.year not in _UNPUBLISHED_YEARS_WARNED:
            _UNPUBLISHED_YEARS_WARNED.add(day.year)
            log.warning("chinese_calendar has no holiday schedule for %s: working days are Monday to Friday", day.year)
        return day.weekday() < 5


# ---------------------------------------------------------------------------- the service


class VisitService:
    def __init__(self, db: Database, settings: Settings | None = None) -> None:
        self.db = db
        self.settings = settings or Settings.from_env()

    # ------------------------------------------------------------------ visit notes

    def parse(
        self,
        session: Session,
        staff: StaffMember,
        text: str,
        entities: dict[str, list[str]] | None = None,
        now: datetime | None = None,
    ) -> VisitNote:
        """Read a note with this bank's catalogue, staff and the customers this person may see.
        `now` is when the note was written (relative times count from it); default the clock."""
        staff_names = session.execute(select(Staff.name)).scalars().all()
        names = customers.names_in_text(session, staff, text)
        return parse_visit_note(
            text,
            now or clock.now(),
            known_products=product_catalogue(session),
            staff_names=staff_names,
            customer_names=names,
            entities=entities,
            follow_up_hour=self.settings.follow_up_default_hour,
        )

    def customer_name(self, chat_id: str, customer_id: str) -> str | None:
        """The name of a customer this person may see, else None."""
        with self.db.unit_of_work() as session:
            staff = identify_staff(session, chat_id)
            customer = customers.visible_customer(session, staff, customer_id) if staff else None
            return customer.name if customer else None

    def visit_effects(self, chat_id: str, customer_id: str, note: VisitNote) -> VisitEffects:
        """What saving the note would do besides the contact and its follow-up, for the summary
        to show before the confirmation: the tags it removes, the follow-ups it closes. Reads
        only (no audit row: the summary shows no customer data)."""
        with self.db.unit_of_work() as session:
            staff = identify_staff(session, chat_id)
            customer = customers.visible_customer(session, staff, customer_id) if staff else None
            if customer is None:
                return VisitEffects()
            _, removed = _tags_changed(_customer_tags(session, customer.customer_id), note.tags)
            happened = to_storage(min(note.happened_at or clock.now(), clock.now()))
            closes = [_follow_up_info(row, customer.name)
                      for row in _follow_ups_a_contact_closes(session, customer.customer_id, staff.staff_id, happened,
                                                              note.follow_up_at)]
            return VisitEffects(closes, removed)

    def read_note(
        self, chat_id: str, text: str, entities: dict[str, list[str]] | None = None, now: datetime | None = None
    ) -> VisitNote | None:
        """The note as it was read when drafted (`now` = that moment), for saving it after the
        confirmation; None for a stranger."""
        with self.db.unit_of_work() as session:
            staff = identify_staff(session, chat_id)
            return None if staff is None else self.parse(session, staff, text, entities, now)

    def draft_visit(
        self,
        chat_id: str,
        text: str,
        entities: dict[str, list[str]] | None = None,
        customer_in_context: str | None = None,
        channel: str = "",
        now: datetime | None = None,
    ) -> VisitDraft:
        """Read the note and find its customer: an identifier in it, a name in it, else, only when
        the note names nobody at all, the customer in context (`from_context`). A note naming
        somebody nobody answers to is NOT_FOUND. Writes nothing but the audit rows of a list."""
        entities = entities or {}
        with self.db.unit_of_work() as session:
            staff = identify_staff(session, chat_id)
            if staff is None:
                return VisitDraft(VisitOutcome.STRANGER)
            if not describes_a_visit(text):
                return VisitDraft(VisitOutcome.EMPTY_NOTE, staff=staff)
            note = self.parse(session, staff, text, entities, now)
            queries = [CustomerQuery(QueryKind.CUSTOMER_ID, c) for c in note.customer_ids]
            queries += [CustomerQuery(QueryKind.ID_NUMBER, i) for i in note.id_numbers]
            queries += [CustomerQuery(QueryKind.PHONE, p) for p in note.phones]
            queries += [CustomerQuery(QueryKind.NAME, n) for n in note.customer_names]
            limit = self.settings.max_candidates
            for query in queries:
                found = customers.find_customers(session, staff, query, limit + 1)
                if len(found) == 1:
                    others = [n for n in note.customer_names if n != found[0].name and n not in found[0].name
                              and customers.find_customers(session, staff, CustomerQuery(QueryKind.NAME, n), 1)]
                    return VisitDraft(VisitOutcome.READY, note, staff, found[0].customer_id, found[0].name,
                                      also_named=others)
                in_context = [c for c in found if c.customer_id == (customer_in_context or "").upper()]
                if in_context:
                    # Namesakes, one of whom is the customer being talked about: that one.
                    return VisitDraft(VisitOutcome.READY, note, staff, in_context[0].customer_id, in_context[0].name,
                                      from_context=True)
                if found:
                    listed = customers.candidates(session, staff, found[:limit], clock.today(), channel)
                    return VisitDraft(VisitOutcome.CHOOSE, note, staff, candidates=listed)
            # Whatever the note names and nobody answers to is not found: a visit is about the
            # customer it names or nobody, never about the customer in context instead.
            if note.customer_ids or note.id_numbers or note.phones or note.malformed_numbers:
                return VisitDraft(VisitOutcome.NOT_FOUND, note, staff)
            named = self._named_otherwise(session, staff, text, note.customer_names, entities)
            if named is not None and named.kind is QueryKind.SURNAME:
                found = customers.find_customers(session, staff, named, limit + 1)
                if not found:
                    return VisitDraft(VisitOutcome.NOT_FOUND, note, staff, surname=named.value)
                listed = customers.candidates(session, staff, found[:limit], clock.today(), channel)
                return VisitDraft(VisitOutcome.CHOOSE, note, staff, candidates=listed, surname=named.value)
            if named is not None:
                return VisitDraft(VisitOutcome.NOT_FOUND, note, staff, named=named.value)
            customer = customers.visible_customer(session, staff, customer_in_context)
            if customer is None:
                return VisitDraft(VisitOutcome.NO_CUSTOMER_GIVEN, note, staff)
            return VisitDraft(VisitOutcome.READY, note, staff, customer.customer_id, customer.name, from_context=True)

    def _named_otherwise(self, session, staff, text, name_candidates, entities) -> CustomerQuery | None:
        """Somebody the note names who is not among the customers found: a surname given alone
        or with a title (a list to pick from), or a full name of nobody this person may see. Never
        read from other branches' customers: whether a name is somebody's elsewhere must not show."""
        for name in name_candidates:
            surname = partial_name(name)
            if surname:
                return CustomerQuery(QueryKind.SURNAME, surname)
        surname = partial_name(text)
        if surname:
            return CustomerQuery(QueryKind.SURNAME, surname)
        if name_candidates:
            return CustomerQuery(QueryKind.NAME, name_candidates[0])
        colleagues = set(customers.staff_names(session)) | set(entities.get("staff_name") or [])
        words = name_like_words(text, exclude=colleagues | set(PRODUCT_WORDS))
        return CustomerQuery(QueryKind.NAME, words[0]) if words else None

    def schedule_follow_up(
        self, chat_id: str, customer_id: str, note: VisitNote, request_key: str, channel: str = ""
    ) -> FollowUpInfo | None:
        """A follow-up task the user confirmed without a contact ("帮他约个回访,下周二上午"): one
        follow_ups row, due at the note's follow-up time, and an audit row; no interaction (none
        happened). None for a stranger or a customer this person may not see. The same request
        again (the same owner, customer, time and words, still open) returns the task made the
        first time."""
        if note.follow_up_at is None:
            return None
        with self.db.unit_of_work() as session:
            staff = identify_staff(session, chat_id)
            customer = customers.visible_customer(session, staff, customer_id) if staff else None
            if customer is None:
                return None
            lock_customer(session, customer.customer_id)
            due = to_storage(note.follow_up_at)
            words = mask_identifiers_in_text(note.text)[:500]  # masked before cut: no number half kept
            row = session.execute(select(FollowUp).where(
                FollowUp.staff_id == staff.staff_id, FollowUp.customer_id == customer.customer_id,
                FollowUp.due_at == due, FollowUp.note == words, FollowUp.done_at.is_(None),
            )).scalars().first()
            if row is None:
                row = FollowUp(customer_id=customer.customer_id, staff_id=staff.staff_id, due_at=due, note=words,
                               created_at=to_storage(clock.now()))
                session.add(row)
                session.flush()
                audit.record_view(session, staff.staff_id, customer.customer_id, AUDIT_VISIT, channel, f"跟进任务 {row.id}")
            return _follow_up_info(row, customer.name)

    def log_visit(self, chat_id: str, customer_id: str, note: VisitNote, request_key: str, channel: str = "") -> LoggedVisit:
        """Save the visit the user confirmed. The same request_key again returns the visit saved
        the first time (repeated=True), also when both calls run at once."""
        for attempt in range(3):
            try:
                with self.db.unit_of_work() as session:
                    return self._log_visit(session, chat_id, customer_id, note, request_key, channel)
            except IntegrityError:
                with self.db.unit_of_work() as session:
                    staff = identify_staff(session, chat_id)
                    existing = session.execute(select(Interaction).where(Interaction.request_key == request_key)).scalars().first()
                    if existing is not None and staff is not None:
                        return self._repeated(session, existing)
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _repeated(self, session: Session, interaction: Interaction) -> LoggedVisit:
        customer = session.get(Customer, interaction.customer_id)
        made = session.execute(
            select(FollowUp).where(FollowUp.created_from_interaction_id == interaction.id)
        ).scalars().first()
        return LoggedVisit(
            VisitOutcome.LOGGED,
            interaction.id,
            interaction.customer_id,
            customer.name,
            interaction.channel,
            to_local(interaction.happened_at),
            follow_up=_follow_up_info(made, customer.name) if made else None,
            tags_added=list((interaction.details or {}).get("tags_added", [])),
            repeated=True,
        )

    def _log_visit(self, session, chat_id, customer_id, note, request_key, channel) -> LoggedVisit:
        staff = identify_staff(session, chat_id)
        if staff is None:
            return LoggedVisit(VisitOutcome.STRANGER)
        customer = customers.visible_customer(session, staff, customer_id)
        if customer is None:
            return LoggedVisit(VisitOutcome.NOT_FOUND)
        if not note.text.strip():
            return LoggedVisit(VisitOutcome.EMPTY_NOTE)
        lock_customer(session, customer.customer_id)
        existing = session.execute(select(Interaction).where(Interaction.request_key == request_key)).scalars().first()
        if existing is not None:
            return self._repeated(session, existing)
        now = clock.now()
        stored_now = to_storage(now)
        happened = to_storage(min(note.happened_at or now, now))
        # (customer, staff, happened_at) is unique so that imports never duplicate a contact;
        # two notes about one customer in the same second are two contacts a second apart.
        while session.execute(
            select(Interaction.id).where(
                Interaction.customer_id == customer.customer_id,
                Interaction.staff_id == staff.staff_id,
                Interaction.happened_at == happened,
            )
        ).first():
            happened += timedelta(seconds=1)

        # Tags: add what is new, drop what it contradicts (as the summary showed: visit_effects).
        added, removed = _tags_changed(_customer_tags(session, customer.customer_id), note.tags)
        if removed:
            session.query(CustomerTag).filter(
                CustomerTag.customer_id == customer.customer_id, CustomerTag.tag.in_(removed)
            ).delete(synchronize_session=False)
        for tag in added:
            session.add(CustomerTag(customer_id=customer.customer_id, tag=tag, source="visit",
                                    created_by=staff.staff_id, created_at=stored_now))

        details = details_of(note)
        details["tags_added"] = added
        details["tags_removed"] = removed
        interaction = Interaction(
            customer_id=customer.customer_id,
            staff_id=staff.staff_id,
            channel=note.channel,
            happened_at=happened,
            summary=note.text,
            created_at=stored_now,
            source=SOURCE_CHAT,
            details=details,
            request_key=request_key,
        )
        session.add(interaction)
        session.flush()

        closed = []
        for row in _follow_ups_a_contact_closes(session, customer.customer_id, staff.staff_id, happened,
                                                note.follow_up_at):
            row.done_at = stored_now
            row.done_reason = DONE_BY_VISIT
            row.done_by_interaction_id = interaction.id
            closed.append(_follow_up_info(row, customer.name))

        follow_up = None
        if note.follow_up_at is not None:
            row = FollowUp(
                customer_id=customer.customer_id,
                staff_id=staff.staff_id,
                due_at=to_storage(note.follow_up_at),
                note=mask_identifiers_in_text(note.text)[:500],
                created_at=stored_now,
                created_from_interaction_id=interaction.id,
            )
            session.add(row)
            session.flush()
            follow_up = _follow_up_info(row, customer.name)
        audit.record_view(session, staff.staff_id, customer.customer_id, AUDIT_VISIT, channel, f"拜访记录 {interaction.id}")
        return LoggedVisit(
            VisitOutcome.LOGGED,
            interaction.id,
            customer.customer_id,
            customer.name,
            interaction.channel,
            to_local(happened),
            follow_up,
            added,
            removed,
            closed,
        )

    # ------------------------------------------------------------------ tags and feedback

    def tag_customer(self, chat_id: str, customer_id: str, tag: str, remove: bool = False, channel: str = "") -> TagResult:
        """Add (or remove) a tag a staff member gives a customer (source 'staff')."""
        tag = mask_identifiers_in_text((tag or "").strip())[:50]
        with self.db.unit_of_work() as session:
            staff = identify_staff(session, chat_id)
            if staff is None:
                return TagResult(TagOutcome.STRANGER)
            customer = customers.visible_customer(session, staff, customer_id)
            if customer is None:
                return TagResult(TagOutcome.NOT_FOUND)
            if not tag:
                return TagResult(TagOutcome.EMPTY, customer.customer_id, customer.name)
            lock_customer(session, customer.customer_id)
            current = _customer_tags(session, customer.customer_id)
            if remove:
                if tag not in current:
                    return TagResult(TagOutcome.NOT_PRESENT, customer.customer_id, customer.name, tag, current)
                session.query(CustomerTag).filter(
                    CustomerTag.customer_id == customer.customer_id, CustomerTag.tag == tag
                ).delete(synchronize_session=False)
                outcome = TagOutcome.REMOVED
            else:
                if tag in current:
                    return TagResult(TagOutcome.ALREADY, customer.customer_id, customer.name, tag, current)
                session.add(CustomerTag(customer_id=customer.customer_id, tag=tag, source="staff",
                                        created_by=staff.staff_id, created_at=to_storage(clock.now())))
                outcome = TagOutcome.ADDED
            session.flush()
            audit.record_view(session, staff.staff_id, customer.customer_id, AUDIT_TAG, channel,
                              ("删除标签 " if remove else "添加标签 ") + tag)
            return TagResult(outcome, customer.customer_id, customer.name, tag, _customer_tags(session, customer.customer_id))

    def feedback(self, chat_id: str, text: str, last_intent: str | None = None, channel: str = "") -> FeedbackSaved:
        """Keep what a staff member said about the bot. Strangers' words are not kept."""
        text = (text or "").strip()
        with self.db.unit_of_work() as session:
            staff = identify_staff(session, chat_id)
            if staff is None:
                return FeedbackSaved("stranger")
            if not text:
                return FeedbackSaved("empty")
            row = Feedback(staff_id=staff.staff_id, at=to_storage(clock.now()), text=mask_identifiers_in_text(text)[:2000],
                           last_intent=(last_intent or "")[:100], channel=(channel or "")[:30])
            session.add(row)
            session.flush()
            return FeedbackSaved("saved", row.id)

    def list_feedback(self, since: date | None = None, staff_id: str | None = None, limit: int = 200) -> list[FeedbackLine]:
        """Feedback, newest first (for the team, `python -m bot feedback`)."""
        with self.db.unit_of_work() as session:
            query = (
                select(Feedback, Staff.name)
                .outerjoin(Staff, Feedback.staff_id == Staff.staff_id)
                .order_by(Feedback.at.desc(), Feedback.id.desc())
                .limit(limit)
            )
            if since is not None:
                query = query.where(Feedback.at >= to_storage(datetime.combine(since, datetime.min.time())))
            if staff_id:
                query = query.where(Feedback.staff_id == staff_id)
            return [
                FeedbackLine(row.id, to_local(row.at), row.staff_id, name, row.text, row.last_intent, row.channel)
                for row, name in session.execute(query)
            ]

    # ------------------------------------------------------------------ the daily list

    def daily_list(
        self, chat_id: str, today: date | None = None, channel: str = "", period: Period | None = None
    ) -> DailyList:
        """Today's list, or the list of `period` (`tasks_period_asked`); each customer on it audited."""
        with self.db.unit_of_work() as session:
            staff = identify_staff(session, chat_id)
            if staff is None:
                return DailyList("stranger")
            day = today or clock.today()
            items = build_daily_list(session, staff, day, self.settings.daily_list_days, period)
            _audit_list(session, staff.staff_id, items, channel, _list_detail(day, period))
            return DailyList("ok", staff, day, items, period)

    def open_follow_ups(self, chat_id: str) -> list[FollowUpInfo]:
        """This person's open follow-ups, soonest first."""
        with self.db.unit_of_work() as session:
            staff = identify_staff(session, chat_id)
            if staff is None:
                return []
            rows = session.execute(
                select(FollowUp, Customer)
                .join(Customer, FollowUp.customer_id == Customer.customer_id)
                .where(FollowUp.staff_id == staff.staff_id, FollowUp.done_at.is_(None))
                .order_by(FollowUp.due_at, FollowUp.id)
            ).all()
            return [_follow_up_info(f, c.name) for f, c in rows if may_see(staff, c.branch_id)]

    def complete(
        self,
        chat_id: str,
        item_number: int | None = None,
        shown: list[str] | list[int | None] | None = None,
        follow_up_id: int | None = None,
    ) -> Completed:
        """Close a follow-up: by its number in the list as shown (`shown` = DailyList.refs or
        DailyList.follow_up_ids, kept by the chat) or by its id."""
        with self.db.unit_of_work() as session:
            staff = identify_staff(session, chat_id)
            if staff is None:
                return Completed(CompleteOutcome.STRANGER)
            kind = ItemKind.FOLLOW_UP
            if follow_up_id is None:
                if item_number is None or not shown or not 1 <= item_number <= len(shown):
                    return Completed(CompleteOutcome.NOT_FOUND)
                ref = shown[item_number - 1]
                if ref is None:
                    return Completed(CompleteOutcome.NOT_A_FOLLOW_UP)
                if isinstance(ref, int):
                    follow_up_id = ref
                else:
                    kind_text, _, value = str(ref).partition(":")
                    kind = ItemKind(kind_text) if kind_text in ItemKind._value2member_map_ else None
                    if kind is not ItemKind.FOLLOW_UP:
                        return Completed(CompleteOutcome.NOT_A_FOLLOW_UP, item_kind=kind)
                    follow_up_id = int(value)
            query = for_update(
                session, select(FollowUp).where(FollowUp.id == follow_up_id, FollowUp.staff_id == staff.staff_id)
            )
            row = session.execute(query).scalars().first()
            customer = session.get(Customer, row.customer_id) if row else None
            if row is None or customer is None or not may_see(staff, customer.branch_id):
                return Completed(CompleteOutcome.NOT_FOUND)
            if row.done_at is not None:
                return Completed(CompleteOutcome.ALREADY_DONE, _follow_up_info(row, customer.name), kind)
            row.done_at = to_storage(clock.now())
            row.done_reason = DONE_COMPLETED
            session.flush()
            return Completed(CompleteOutcome.DONE, _follow_up_info(row, customer.name), kind)

    # ------------------------------------------------------------------ the morning digest

    def morning_digest(self, now: datetime | None = None) -> DigestReport:
        return morning_digest(self.db, now, self.settings)


def _days_until_birthday(birth: date, today: date) -> int:
    for year in (today.year, today.year + 1):
        try:
            day = birth.replace(year=year)
        except ValueError:  # 29 February
            day = date(year, 2, 28)
        if day >= today:
            return (day - today).days
    return 366


def _month_days(today: date, days: int) -> set[tuple[int, int]]:
    """(month, day) of each day from today to `days` days on; 29 February with the 28th, since
    such birthdays fall on the 28th in other years (see _days_until_birthday)."""
    found = {((today + timedelta(days=n)).month, (today + timedelta(days=n)).day) for n in range(min(days, 366) + 1)}
    return found | {(2, 29)} if (2, 28) in found else found


def _born_on_one_of(month_days: set[tuple[int, int]]):
    """Birth date on one of these (month, day): a filter the database applies, so only the
    few customers with a birthday soon are read, not all a manager's customers. Past two months
    (a question about "下个月" and longer) the months alone, lest the filter grow too deep."""
    if len(month_days) > 62:
        return extract("month", Customer.birth_date).in_(sorted({month for month, _day in month_days}))
    return or_(
        *(
            and_(extract("month", Customer.birth_date) == month, extract("day", Customer.birth_date) == day)
            for month, day in sorted(month_days)
        )
    )


def _audit_list(session: Session, staff_id: str, items: list[DailyItem], channel: str, detail: str) -> None:
    """One audit row per customer on a list: the list shows who they are and what is due."""
    for customer_id in dict.fromkeys(item.customer_id for item in items):
        audit.record_view(session, staff_id, customer_id, AUDIT_DAILY_LIST, channel, detail)


def _list_detail(today: date, period: Period | None) -> str:
    if period is None:
        return f"待办 {today.isoformat()}"
    if period.single_day:
        return f"待办 {period.first.isoformat()}"
    return f"待办 {period.first.isoformat()}至{period.last.isoformat()}"


def _midnight_stored(day: date) -> datetime:
    return to_storage(datetime.combine(day, datetime.min.time()))


def build_daily_list(
    session: Session, staff: StaffMember, today: date, days: int = 7, period: Period | None = None
) -> list[DailyItem]:
    """The daily list of one staff member (see the module's rules), numbered from 1: today's, or
    the list of `period`."""
    from bot import visit_replies as replies

    # Follow-ups: due by the end of today (or of the period), the overdue ones only when the
    # period includes today. Maturities and birthdays: today and `days` days on, or the period.
    if period is None:
        first, last, follow_ups_until, follow_ups_from = today, today + timedelta(days=days), today, None
    else:
        first, last, follow_ups_until = period.first, period.last, period.last
        follow_ups_from = None if period.includes(today) else period.first
    due_before = [FollowUp.due_at < _midnight_stored(follow_ups_until + timedelta(days=1))]
    if follow_ups_from is not None:
        due_before.append(FollowUp.due_at >= _midnight_stored(follow_ups_from))
    items: list[DailyItem] = []

    for row, customer in session.execute(
        select(FollowUp, Customer)
        .join(Customer, FollowUp.customer_id == Customer.customer_id)
        .where(FollowUp.staff_id == staff.staff_id, FollowUp.done_at.is_(None), *due_before)
    ).all():
        if not may_see(staff, customer.branch_id):
            continue
        due = to_local(row.due_at).date()
        items.append(DailyItem(0, ItemKind.FOLLOW_UP, customer.customer_id, customer.name,
                               replies.follow_up_reason(mask_identifiers_in_text(row.note), due, today), due, None,
                               due < today, follow_up_id=row.id))

    now_stored = to_storage(clock.now())
    for referral, customer in session.execute(
        select(Referral, Customer)
        .join(Customer, Referral.customer_id == Customer.customer_id)
        .where(Referral.receiver_id == staff.staff_id, Referral.status.in_(OPEN_REFERRAL_STATUSES))
    ).all():
        if not may_see(staff, customer.branch_id):
            continue
        overdue = referral.contacted_at is None and referral.status in ("new", "accepted") and now_stored >= referral.sla_due_at
        due = to_local(referral.sla_due_at).date()
        items.append(DailyItem(0, ItemKind.REFERRAL, customer.customer_id, customer.name,
                               replies.referral_reason(referral.referral_no, referral.product_word, referral.status, overdue),
                               due, referral.converted_amount, overdue, referral_no=referral.referral_no))

    # Maturities and birthdays of the customers this person manages, unless contacted lately.
    # Columns, not ORM objects: a manager of a large branch has thousands of customers.
    since = to_storage(datetime.combine(today - timedelta(days=days), datetime.min.time()))
    contacted = set(
        session.execute(
            select(Interaction.customer_id).where(Interaction.staff_id == staff.staff_id, Interaction.happened_at >= since)
        ).scalars()
    )
    for customer_id, name, branch_id, product_name, amount, maturity_date in session.execute(
        select(Customer.customer_id, Customer.name, Customer.branch_id, Product.name, Holding.amount, Holding.maturity_date)
        .join(Holding, Holding.customer_id == Customer.customer_id)
        .join(Product, Holding.product_code == Product.product_code)
        .where(
            # The holdings' copy of the manager finds the week's maturities in one index range.
            Holding.manager_id == staff.staff_id,
            Customer.manager_id == staff.staff_id,
            Holding.maturity_date >= first,
            Holding.maturity_date <= last,
            Product.category.notin_(LIABILITY_CATEGORIES),
        )
    ).all():
        if customer_id in contacted or not may_see(staff, branch_id):
            continue
        amount = Decimal(amount)
        items.append(DailyItem(0, ItemKind.MATURITY, customer_id, name,
                               replies.maturity_reason(product_name, amount, maturity_date, today),
                               maturity_date, amount, product_name=product_name))

    birthday_customers = [
        (customer_id, name, birth_date)
        for customer_id, name, birth_date, branch_id in session.execute(
            select(Customer.customer_id, Customer.name, Customer.birth_date, Customer.branch_id).where(
                Customer.manager_id == staff.staff_id, _born_on_one_of(_month_days(first, (last - first).days))
            )
        )
        if _days_until_birthday(birth_date, first) <= (last - first).days
        and customer_id not in contacted and may_see(staff, branch_id)
    ]
    if birthday_customers:
        assets: dict[str, Decimal] = {}
        for customer_id, amount, category in session.execute(
            select(Holding.customer_id, Holding.amount, Product.category)
            .join(Product, Holding.product_code == Product.product_code)
            .where(Holding.customer_id.in_([customer_id for customer_id, _name, _born in birthday_customers]))
        ):
            if category not in LIABILITY_CATEGORIES:
                assets[customer_id] = assets.get(customer_id, Decimal(0)) + Decimal(amount)
        for customer_id, name, birth_date in birthday_customers:
            due = first + timedelta(days=_days_until_birthday(birth_date, first))
            age = due.year - birth_date.year
            items.append(DailyItem(0, ItemKind.BIRTHDAY, customer_id, name,
                                   replies.birthday_reason(due, today, age), due, assets.get(customer_id, Decimal(0))))

    items.sort(key=lambda i: (not i.overdue, i.due, -(i.value or 0), _KIND_ORDER[i.kind], i.customer_id))
    return [DailyItem(n, *(getattr(i, f) for f in _ITEM_FIELDS[1:])) for n, i in enumerate(items, start=1)]


_ITEM_FIELDS = ("number", "kind", "customer_id", "customer_name", "reason", "due", "value", "overdue",
                "follow_up_id", "referral_no", "product_name")


def morning_digest(db: Database, now: datetime | None = None, settings: Settings | None = None) -> DigestReport:
    """Put each person's daily list into the outbox, once per working day, from digest_time on.
    Safe to run often (cron every few minutes) and from several places: the dedupe key decides."""
    from bot import visit_replies as replies

    settings = settings or Settings.from_env()
    moment = now or clock.now()
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=clock.tz)
    moment = moment.astimezone(clock.tz)
    today = moment.date()
    if not is_working_day(today):
        return DigestReport(moment, skipped="not_working_day")
    if moment.timetz().replace(tzinfo=None) < settings.digest_time:
        return DigestReport(moment, skipped="too_early")
    sent, already = [], 0
    with db.unit_of_work() as session:
        take_write_lock(session)
        for staff_row in session.execute(select(Staff).order_by(Staff.staff_id)).scalars().all():
            key = f"digest:{staff_row.staff_id}:{today.isoformat()}"
            if session.execute(select(Notification.id).where(Notification.dedupe_key == key)).first():
                already += 1
                continue
            staff = _staff_member(session, staff_row)
            items = build_daily_list(session, staff, today, settings.daily_list_days)
            if not items and staff.role != "customer_manager":
                continue
            if outbox.enqueue(session, staff.staff_id, replies.digest_text(staff.name, today, items, moment.hour), DIGEST, key):
                sent.append((staff.staff_id, len(items)))
                _audit_list(session, staff.staff_id, items, DIGEST, _list_detail(today, None))
    return DigestReport(moment, sent, already)
