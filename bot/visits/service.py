"""Visits (拜访记录), follow-up tasks (待办), the daily list (今日待办), feedback.

One concept over 500 lines: VisitService, the use cases of the visit capability, with their rules
below; results, tags, follow-ups, the daily list and the digest are modules of their own.

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
* The list of a period (bot.visits.period: "明天", "周五", "下周"): follow-ups due in it,
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

from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot import audit
from bot.access import StaffMember, may_see
from bot.clock import clock, to_local, to_storage
from bot.customers import lookup
from bot.customers.lookup import CustomerQuery, QueryKind
from bot.db import Database, for_update, lock_customer
from bot.models import (
    Customer,
    CustomerTag,
    Feedback,
    FollowUp,
    Interaction,
    Product,
    Staff,
)
from bot.privacy import mask_identifiers_in_text
from bot.settings import Settings
from bot.visits.contacts import OwnContacts, contacts_period_asked, own_contacts
from bot.visits.daily_list import DailyList, audit_list, build_daily_list, colleague_asked_about, list_detail
from bot.visits.digest import DigestReport, morning_digest
from bot.visits.follow_ups import follow_up_info, follow_ups_a_contact_closes, reminder_at_her_next_maturity
from bot.visits.notes.kinds import describes_a_visit
from bot.visits.notes.parser import parse_visit_note
from bot.visits.notes.results import VisitNote, details_of
from bot.visits.period import Period, tasks_period_asked
from bot.visits.results import (
    Completed,
    CompleteOutcome,
    FeedbackLine,
    FeedbackSaved,
    FollowUpInfo,
    ItemKind,
    LoggedVisit,
    TagOutcome,
    TagResult,
    VisitDraft,
    VisitEffects,
    VisitOutcome,
)
from bot.visits.tags import customer_tags, tags_changed
from bot.vocabulary.names import name_like_words, partial_name
from bot.vocabulary.products import PRODUCT_WORDS

AUDIT_VISIT = "visit"  # audit_log.shown for a logged visit
AUDIT_TAG = "tag"

SOURCE_CHAT = "chat"
DONE_BY_VISIT = "visit"
DONE_COMPLETED = "completed"






def product_catalogue(session: Session) -> dict[str, str]:
    """Product name -> category, from the products table."""
    return {name: category for name, category in session.execute(select(Product.name, Product.category))}








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
        names = lookup.names_in_text(session, staff, text)
        return parse_visit_note(
            text,
            now or clock.now(),
            known_products=product_catalogue(session),
            staff_names=staff_names,
            customer_names=names,
            entities=entities,
            follow_up_hour=self.settings.follow_up_default_hour,
        )

    def customer_name(self, staff: StaffMember, customer_id: str) -> str | None:
        """The name of a customer this person may see, else None."""
        with self.db.unit_of_work() as session:
            customer = lookup.visible_customer(session, staff, customer_id)
            return customer.name if customer else None

    def visit_effects(self, staff: StaffMember, customer_id: str, note: VisitNote) -> VisitEffects:
        """What saving the note would do besides the contact and its follow-up, for the summary
        to show before the confirmation: the tags it removes, the follow-ups it closes. Reads
        only (no audit row: the summary shows no customer data)."""
        with self.db.unit_of_work() as session:
            customer = lookup.visible_customer(session, staff, customer_id)
            if customer is None:
                return VisitEffects()
            _, removed = tags_changed(customer_tags(session, customer.customer_id), note.tags)
            happened = to_storage(min(note.happened_at or clock.now(), clock.now()))
            closes = [follow_up_info(row, customer.name)
                      for row in follow_ups_a_contact_closes(session, customer.customer_id, staff.staff_id, happened,
                                                              note.follow_up_at)]
            return VisitEffects(closes, removed)

    def read_note(
        self, staff: StaffMember, text: str, entities: dict[str, list[str]] | None = None, now: datetime | None = None,
        customer_id: str | None = None,
    ) -> VisitNote | None:
        """The note as it was read when drafted (`now` = that moment), for the summary and for
        saving it after the confirmation; with its customer, "到期前提醒我" without a date is due
        at her next maturity (follow_ups.reminder_at_her_next_maturity)."""
        with self.db.unit_of_work() as session:
            note = self.parse(session, staff, text, entities, now)
            customer = lookup.visible_customer(session, staff, customer_id) if customer_id else None
            if customer is None:
                return note
            return reminder_at_her_next_maturity(session, customer.customer_id, note, now or clock.now(),
                                                 self.settings.follow_up_default_hour)

    def draft_visit(
        self,
        staff: StaffMember,
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
            if not describes_a_visit(text):
                return VisitDraft(VisitOutcome.EMPTY_NOTE, staff=staff)
            note = self.parse(session, staff, text, entities, now)
            queries = [CustomerQuery(QueryKind.CUSTOMER_ID, c) for c in note.customer_ids]
            queries += [CustomerQuery(QueryKind.ID_NUMBER, i) for i in note.id_numbers]
            queries += [CustomerQuery(QueryKind.PHONE, p) for p in note.phones]
            queries += [CustomerQuery(QueryKind.NAME, n) for n in note.customer_names]
            limit = self.settings.max_candidates
            for query in queries:
                found = lookup.find_customers(session, staff, query, limit + 1)
                if len(found) == 1:
                    others = [n for n in note.customer_names if n != found[0].name and n not in found[0].name
                              and lookup.find_customers(session, staff, CustomerQuery(QueryKind.NAME, n), 1)]
                    return VisitDraft(VisitOutcome.READY, note, staff, found[0].customer_id, found[0].name,
                                      also_named=others)
                in_context = [c for c in found if c.customer_id == (customer_in_context or "").upper()]
                if in_context:
                    # Namesakes, one of whom is the customer being talked about: that one.
                    return VisitDraft(VisitOutcome.READY, note, staff, in_context[0].customer_id, in_context[0].name,
                                      from_context=True)
                if found:
                    listed = lookup.candidates(session, staff, found[:limit], clock.today(), channel)
                    return VisitDraft(VisitOutcome.CHOOSE, note, staff, candidates=listed)
            # Whatever the note names and nobody answers to is not found: a visit is about the
            # customer it names or nobody, never about the customer in context instead.
            if note.customer_ids or note.id_numbers or note.phones or note.malformed_numbers:
                return VisitDraft(VisitOutcome.NOT_FOUND, note, staff)
            named = self._named_otherwise(session, staff, text, note.customer_names, entities)
            if named is not None and named.kind is QueryKind.SURNAME:
                found = lookup.find_customers(session, staff, named, limit + 1)
                if not found:
                    return VisitDraft(VisitOutcome.NOT_FOUND, note, staff, surname=named.value)
                listed = lookup.candidates(session, staff, found[:limit], clock.today(), channel)
                return VisitDraft(VisitOutcome.CHOOSE, note, staff, candidates=listed, surname=named.value)
            if named is not None:
                return VisitDraft(VisitOutcome.NOT_FOUND, note, staff, named=named.value)
            customer = lookup.visible_customer(session, staff, customer_in_context)
            if customer is None or not lookup.pronoun_fits(text, customer.gender):
                # Nobody in context, or "她" with a man in context: the draft asks whom she saw.
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
        colleagues = set(lookup.staff_names(session)) | set(entities.get("staff_name") or [])
        words = name_like_words(text, exclude=colleagues | set(PRODUCT_WORDS))
        return CustomerQuery(QueryKind.NAME, words[0]) if words else None

    def schedule_follow_up(
        self, staff: StaffMember, customer_id: str, note: VisitNote, request_key: str, channel: str = ""
    ) -> FollowUpInfo | None:
        """A follow-up task the user confirmed without a contact ("帮他约个回访,下周二上午"): one
        follow_ups row, due at the note's follow-up time, and an audit row; no interaction (none
        happened). None for a customer this person may not see. The same request
        again (the same owner, customer, time and words, still open) returns the task made the
        first time."""
        if note.follow_up_at is None:
            return None
        with self.db.unit_of_work() as session:
            customer = lookup.visible_customer(session, staff, customer_id)
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
            return follow_up_info(row, customer.name)

    def log_visit(self, staff: StaffMember, customer_id: str, note: VisitNote, request_key: str, channel: str = "") -> LoggedVisit:
        """Save the visit the user confirmed. The same request_key again returns the visit saved
        the first time (repeated=True), also when both calls run at once."""
        for attempt in range(3):
            try:
                with self.db.unit_of_work() as session:
                    return self._log_visit(session, staff, customer_id, note, request_key, channel)
            except IntegrityError:
                with self.db.unit_of_work() as session:
                    existing = session.execute(select(Interaction).where(Interaction.request_key == request_key)).scalars().first()
                    if existing is not None:
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
            follow_up=follow_up_info(made, customer.name) if made else None,
            tags_added=list((interaction.details or {}).get("tags_added", [])),
            repeated=True,
        )

    def _log_visit(self, session, staff, customer_id, note, request_key, channel) -> LoggedVisit:
        customer = lookup.visible_customer(session, staff, customer_id)
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
        added, removed = tags_changed(customer_tags(session, customer.customer_id), note.tags)
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
        for row in follow_ups_a_contact_closes(session, customer.customer_id, staff.staff_id, happened,
                                                note.follow_up_at):
            row.done_at = stored_now
            row.done_reason = DONE_BY_VISIT
            row.done_by_interaction_id = interaction.id
            closed.append(follow_up_info(row, customer.name))

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
            follow_up = follow_up_info(row, customer.name)
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

    def tag_customer(self, staff: StaffMember, customer_id: str, tag: str, remove: bool = False, channel: str = "") -> TagResult:
        """Add (or remove) a tag a staff member gives a customer (source 'staff')."""
        tag = mask_identifiers_in_text((tag or "").strip())[:50]
        with self.db.unit_of_work() as session:
            customer = lookup.visible_customer(session, staff, customer_id)
            if customer is None:
                return TagResult(TagOutcome.NOT_FOUND)
            if not tag:
                return TagResult(TagOutcome.EMPTY, customer.customer_id, customer.name)
            lock_customer(session, customer.customer_id)
            current = customer_tags(session, customer.customer_id)
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
            return TagResult(outcome, customer.customer_id, customer.name, tag, customer_tags(session, customer.customer_id))

    def feedback(self, staff: StaffMember, text: str, last_intent: str | None = None, channel: str = "") -> FeedbackSaved:
        """Keep what a staff member said about the bot."""
        text = (text or "").strip()
        with self.db.unit_of_work() as session:
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
        self, staff: StaffMember, today: date | None = None, channel: str = "", period: Period | None = None
    ) -> DailyList:
        """Today's list, or the list of `period` (`tasks_period_asked`); each customer on it audited."""
        with self.db.unit_of_work() as session:
            day = today or clock.today()
            items = build_daily_list(session, staff, day, self.settings.daily_list_days, period)
            audit_list(session, staff.staff_id, items, channel, list_detail(day, period))
            return DailyList(staff, day, items, period)

    def tasks_asked(self, staff: StaffMember, text: str, staff_names: list[str], today: date,
                    channel: str = "") -> DailyList:
        """The list a to-do question asks for: "我的待办", "明天的待办" (its days:
        `tasks_period_asked`); a colleague's ("王芳的待办", `staff_names`: the colleagues the NLU
        tagged) lists nothing but says whose it would be."""
        with self.db.unit_of_work() as session:
            colleague = colleague_asked_about(text, staff_names, set(lookup.staff_names(session)), staff.name)
            if colleague:
                return DailyList(staff, today, colleague=colleague)
            period = tasks_period_asked(text, today)  # None: today's list
            items = build_daily_list(session, staff, today, self.settings.daily_list_days, period)
            audit_list(session, staff.staff_id, items, channel, list_detail(today, period))
            return DailyList(staff, today, items, period)

    def own_contacts(self, staff: StaffMember, text: str, today: date, channel: str = "") -> OwnContacts:
        """"我最近联系过谁", "这周拜访了哪些客户": her own contacts of the days asked
        (bot.visits.contacts), each customer listed audited."""
        with self.db.unit_of_work() as session:
            return own_contacts(session, staff, contacts_period_asked(text, today), channel)

    def open_follow_ups(self, staff: StaffMember) -> list[FollowUpInfo]:
        """This person's open follow-ups, soonest first."""
        with self.db.unit_of_work() as session:
            rows = session.execute(
                select(FollowUp, Customer)
                .join(Customer, FollowUp.customer_id == Customer.customer_id)
                .where(FollowUp.staff_id == staff.staff_id, FollowUp.done_at.is_(None))
                .order_by(FollowUp.due_at, FollowUp.id)
            ).all()
            return [follow_up_info(f, c.name) for f, c in rows if may_see(staff, c.branch_id)]

    def complete(
        self,
        staff: StaffMember,
        item_number: int | None = None,
        shown: list[str] | list[int | None] | None = None,
        follow_up_id: int | None = None,
    ) -> Completed:
        """Close a follow-up: by its number in the list as shown (`shown` = DailyList.refs or
        DailyList.follow_up_ids, kept by the chat) or by its id."""
        with self.db.unit_of_work() as session:
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
                return Completed(CompleteOutcome.ALREADY_DONE, follow_up_info(row, customer.name), kind)
            row.done_at = to_storage(clock.now())
            row.done_reason = DONE_COMPLETED
            session.flush()
            return Completed(CompleteOutcome.DONE, follow_up_info(row, customer.name), kind)

    # ------------------------------------------------------------------ the morning digest

    def morning_digest(self, now: datetime | None = None) -> DigestReport:
        return morning_digest(self.db, now, self.settings)
