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

from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from bot import audit, outbox
from bot.access import StaffMember, may_see
from bot.clock import to_local
from bot.customers.lookup import visible_customer
from bot.db import Database, lock_customer
from bot.models import (
    OPEN_REFERRAL_STATUSES,
    Customer,
    Referral,
    ReferralEvent,
    Staff,
)
from bot.privacy import mask_identifiers_in_text
from bot.referrals import credit, replies
from bot.referrals.lifecycle import CLOSED, RoutedBy, Status, TransitionProblem, status_from_word, transition_problem
from bot.referrals.records import (
    REF_NO_RE,
    by_request_key,
    find_referral,
    lock_numbering,
    lock_referral,
    may_view,
    may_work_on,
    month_range,
    next_number,
    now_stored,
    open_duplicates,
    record_event,
    referral_summaries,
    referral_summary,
)
from bot.referrals.reports import branch_ranking, run_sla_check, staff_performance
from bot.referrals.results import (
    Created,
    CreateOutcome,
    CustomerRef,
    Draft,
    DraftOutcome,
    FiguresOutcome,
    NoteResult,
    Performance,
    Ranking,
    ReferralLists,
    ReferralSummary,
    SlaReport,
    TransitionOutcome,
    TransitionResult,
)
from bot.referrals.routing import (
    branch_names,
    open_counts,
    receiver_info,
    resolve_product,
    route_referral,
    serving_staff,
)
from bot.settings import Settings
from bot.vocabulary.numbers import parse_amount
from bot.vocabulary.width import to_half_width


class ReferralService:
    def __init__(self, db: Database, settings: Settings | None = None) -> None:
        self.db = db
        self.settings = settings or Settings.from_env()

    # ------------------------------------------------------------------ creating

    def draft(
        self,
        staff: StaffMember,
        customer_id: str,
        product_word: str | None,
        receiver_name: str | None = None,
        receiver_role: str | None = None,
        note: str | None = None,
    ) -> Draft:
        """What creating this referral would do, and every problem with it. Writes nothing."""
        with self.db.unit_of_work() as session:
            customer = visible_customer(session, staff, customer_id)
            if customer is None:
                return Draft(DraftOutcome.CUSTOMER_NOT_VISIBLE, staff, product_word=product_word, note=note)
            ref = CustomerRef(customer.customer_id, customer.name, customer.branch_id, branch_names(session).get(customer.branch_id, ""))
            category = resolve_product(session, product_word)
            routing = route_referral(session, customer, category, staff.staff_id, receiver_name, receiver_role)
            duplicates = referral_summaries(session, open_duplicates(session, customer.customer_id, category), staff) if category else []
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
        staff: StaffMember,
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
                    return self._create(session, staff, customer_id, product_word, receiver_staff_id, note,
                                        request_key, force, RoutedBy(routed_by), channel)
            except IntegrityError:
                # A concurrent call took the unique request_key (then that is this referral) or,
                # should the locks ever be bypassed, the referral number (then number again).
                with self.db.unit_of_work() as session:
                    existing = by_request_key(session, request_key)
                    if existing is not None:
                        return Created(CreateOutcome.CREATED, referral_summary(session, existing, staff), repeated=True)
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _create(self, session, staff, customer_id, product_word, receiver_staff_id, note, request_key, force, routed_by, channel) -> Created:
        customer = visible_customer(session, staff, customer_id)
        if customer is None:
            return Created(CreateOutcome.CUSTOMER_NOT_VISIBLE)
        lock_customer(session, customer.customer_id)
        existing = by_request_key(session, request_key)
        if existing is not None:
            return Created(CreateOutcome.CREATED, referral_summary(session, existing, staff), repeated=True)
        category = resolve_product(session, product_word)
        if category is None:
            return Created(CreateOutcome.UNKNOWN_PRODUCT, reason=replies.product_not_understood(product_word))
        receiver = session.get(Staff, receiver_staff_id) if receiver_staff_id else None
        if receiver is None:
            return Created(CreateOutcome.RECEIVER_UNKNOWN, reason=replies.RECEIVER_UNKNOWN)
        if receiver.staff_id == staff.staff_id:
            return Created(CreateOutcome.RECEIVER_IS_SELF, reason=replies.RECEIVER_IS_SELF)
        serving = {s.staff_id for s in serving_staff(session, customer.branch_id)}
        branches = branch_names(session)
        if receiver.staff_id not in serving:
            return Created(
                CreateOutcome.RECEIVER_CANNOT_SERVE,
                reason=replies.named_cannot_serve(receiver.name, [branches.get(receiver.branch_id, "")], branches.get(customer.branch_id, "")),
            )
        info = receiver_info(receiver, customer.branch_id, open_counts(session, [receiver.staff_id]), branches)
        duplicates = open_duplicates(session, customer.customer_id, category)
        if duplicates and not force:
            return Created(CreateOutcome.DUPLICATE, receiver=info, duplicates=referral_summaries(session, duplicates, staff))
        lock_numbering(session)
        now = now_stored()
        referral = Referral(
            referral_no=next_number(session),
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
        record_event(session, referral, staff.staff_id, "created", None, Status.NEW.value, referral.note)
        summary = referral_summary(session, referral, staff)
        outbox.enqueue(
            session, receiver.staff_id, replies.notify_arrived(summary, staff.name), outbox.REFERRAL_ARRIVED,
            f"referral:{referral.id}:arrived", referral.id,
        )
        audit.record_view(session, staff.staff_id, customer.customer_id, audit.REFERRAL, channel, f"转介 {referral.referral_no}")
        info = replace(info, open_count=info.open_count + 1)
        return Created(CreateOutcome.CREATED, summary, info, referral_summaries(session, duplicates, staff))

    # ------------------------------------------------------------------ updating

    def add_note(self, staff: StaffMember, referral_ref: str | int, text_: str) -> NoteResult:
        """A note on a referral: a history event. The referrer, the receiver and the branch head
        may add one, also after it closed; while it is open, so may any colleague who serves the
        customer's branch (the bot offers it instead of a duplicate referral)."""
        with self.db.unit_of_work() as session:
            found = find_referral(session, referral_ref)
            if found is None:
                return NoteResult(TransitionOutcome.NOT_FOUND)
            referral = lock_referral(session, found.id)
            customer = session.get(Customer, referral.customer_id)
            party = may_view(staff, referral, customer.branch_id)
            if not party and not (Status(referral.status).is_open and may_see(staff, customer.branch_id)):
                return NoteResult(TransitionOutcome.NOT_FOUND)
            text_ = (text_ or "").strip()
            record_event(session, referral, staff.staff_id, "note", referral.status, referral.status, text_)
            referral.note = f"{referral.note}\n{text_}".strip() if referral.note else text_
            referral.updated_at = now_stored()
            session.flush()
            return NoteResult(TransitionOutcome.DONE, referral_summary(session, referral, staff))

    def transition(
        self,
        staff: StaffMember,
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
            found = find_referral(session, referral_ref)
            if found is None:
                return TransitionResult(TransitionOutcome.NOT_FOUND)
            referral = lock_referral(session, found.id)
            customer = session.get(Customer, referral.customer_id)
            if not may_view(staff, referral, customer.branch_id):
                return TransitionResult(TransitionOutcome.NOT_FOUND)
            current = Status(referral.status)
            if target is None:
                return self._refused(session, referral, staff, TransitionProblem.UNKNOWN_STATUS, current, None)
            problem = transition_problem(
                current, target, staff.staff_id == referral.referrer_id, may_work_on(staff, referral, customer.branch_id)
            )
            if problem:
                return self._refused(session, referral, staff, problem, current, target)
            parsed_amount = None
            if target is Status.CONVERTED and amount not in (None, ""):
                parsed_amount = parse_amount(amount)
                if parsed_amount is None or parsed_amount < 0:
                    return self._refused(session, referral, staff, TransitionProblem.BAD_AMOUNT, current, target)
            return self._apply(session, staff, referral, customer, current, target, product_word, parsed_amount, note, channel)

    def cancel(self, staff: StaffMember, referral_ref: str | int, note: str | None = None) -> TransitionResult:
        """Withdraw a referral: only its referrer, only while nobody has accepted it."""
        return self.transition(staff, referral_ref, Status.CANCELLED, note=note)

    def _refused(self, session, referral, staff, problem, current, target) -> TransitionResult:
        return TransitionResult(
            TransitionOutcome.REFUSED,
            referral_summary(session, referral, staff),
            problem,
            replies.transition_problem_text(problem, current.value),
            current,
            target,
        )

    def _apply(self, session, staff, referral, customer, current, target, product_word, amount, note, channel) -> TransitionResult:
        now = now_stored()
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
        record_event(session, referral, staff.staff_id, "status", current.value, target.value, event_note)
        session.flush()
        summary = referral_summary(session, referral, staff)
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
        staff: StaffMember,
        customer_id: str | None = None,
        referral_no: str | None = None,
        customer_name: str | None = None,
        as_referrer: bool = False,
    ) -> list[ReferralSummary]:
        """Open referrals this person may move forward (receiver or branch head), narrowed by customer
        id, customer name or number; with as_referrer=True the open ones they sent (to cancel).
        Oldest first."""
        with self.db.unit_of_work() as session:
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
                match = REF_NO_RE.search(to_half_width(referral_no))
                query = query.where(Referral.referral_no == (match.group(0).upper() if match else referral_no.strip()))
            referrals = list(session.execute(query.order_by(Referral.created_at, Referral.id)).scalars())
            return referral_summaries(session, referrals, staff)

    # ------------------------------------------------------------------ reading

    def list_for(self, staff: StaffMember, limit: int = 20) -> ReferralLists:
        """Referrals this person received and sent: open first (overdue first among them), then
        the most recent closed ones; each list at most `limit` long."""
        with self.db.unit_of_work() as session:
            def listed(condition) -> list[ReferralSummary]:
                open_ = list(session.execute(
                    select(Referral).where(condition, Referral.status.in_(OPEN_REFERRAL_STATUSES))
                    .order_by(Referral.sla_due_at, Referral.id).limit(limit)
                ).scalars())
                closed = list(session.execute(
                    select(Referral).where(condition, Referral.status.not_in(OPEN_REFERRAL_STATUSES))
                    .order_by(Referral.updated_at.desc(), Referral.id.desc()).limit(max(0, limit - len(open_)))
                ).scalars())
                summaries = referral_summaries(session, open_ + closed, staff)
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
            return ReferralLists(staff, received, sent, branch_open)

    def history(self, staff: StaffMember, referral_ref: str | int) -> list[tuple[datetime, str, str | None, str | None, str]]:
        """A referral's events, oldest first: (local time, who, from status, to status, note)."""
        with self.db.unit_of_work() as session:
            referral = find_referral(session, referral_ref)
            if referral is None or not may_view(staff, referral, session.get(Customer, referral.customer_id).branch_id):
                return []
            names = dict(session.execute(select(Staff.staff_id, Staff.name)).all())
            events = session.execute(
                select(ReferralEvent).where(ReferralEvent.referral_id == referral.id).order_by(ReferralEvent.at, ReferralEvent.id)
            ).scalars()
            return [(to_local(e.at), names.get(e.staff_id, "系统"), e.from_status, e.to_status, e.note) for e in events]

    def notifications(self, staff: StaffMember, via: str = "chat", shown: list[int] | tuple = ()) -> list[outbox.OutgoingNotification]:
        """This person's undelivered notifications, claimed for the top of the reply being built;
        the channel marks them delivered once it has the reply (bot/outbox.py). `shown`: the ones
        her previous reply showed, which reached her (that reply is in the conversation), marked
        delivered by `via` now if the channel did not. Most messages find none: that is one read,
        without taking the write lock."""
        with self.db.unit_of_work() as session:
            if not outbox.any_undelivered(session, staff.staff_id):
                return []
            if shown:
                outbox.mark_delivered(session, outbox.own(session, staff.staff_id, list(shown)), via)
            return outbox.claim_for_reply(session, staff.staff_id)

    def stats(self, staff: StaffMember, month: str) -> Ranking:
        """The month's referral figures of the asker's branch and the ranking of its staff."""
        with self.db.unit_of_work() as session:
            if month_range(month) is None:
                return Ranking(FiguresOutcome.BAD_MONTH, month=month)
            return branch_ranking(session, month, staff.branch_id, staff.staff_id)

    def my_performance(self, staff: StaffMember, month: str) -> Performance:
        with self.db.unit_of_work() as session:
            span = month_range(month)
            if span is None:
                return Performance(FiguresOutcome.BAD_MONTH, month=month)
            return staff_performance(session, staff, month, span)

    def sla_check(self, now: datetime | None = None) -> SlaReport:
        return run_sla_check(self.db, now, self.settings)
