"""Follow-up tasks (待办): which of the writer's open ones a contact closes, how one is shown, and
when "到期前提醒我" is due when the note gives no date (the customer's own next maturity).
"""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.clock import clock, to_local, to_storage
from bot.models import FollowUp, Holding, Product
from bot.visits.notes.results import EventKind, MoneyEvent, VisitNote
from bot.visits.notes.times import reminder_at_money_event
from bot.visits.notes.words import BEFORE_MATURITY_RE, ON_MATURITY_RE
from bot.visits.results import FollowUpInfo


def follow_up_info(row: FollowUp, customer_name: str) -> FollowUpInfo:
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


def follow_ups_a_contact_closes(session: Session, customer_id: str, staff_id: str, happened: datetime,
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


def reminder_at_her_next_maturity(session: Session, customer_id: str, note: VisitNote, now: datetime,
                                  hour: int) -> VisitNote:
    """"他说定期快到期了,到期前提醒我": the note asks for a reminder at a maturity it gives no date
    for. The date is the customer's own next maturity (of the category the note names, if it
    names one), and the reminder is set from it as if the note had said it. A note with a
    follow-up, with the maturity's date, or of a customer with no maturity to come is unchanged
    (the summary then says "下次跟进:无", and she can say when)."""
    asks = BEFORE_MATURITY_RE.search(note.text) or ON_MATURITY_RE.search(note.text)
    maturities = [event for event in note.events if event.kind is EventKind.MATURITY]
    if note.follow_up_at is not None or not asks or any(event.at for event in maturities):
        return note
    # The kind that matures: the maturity's ("定期快到期了"), else the product the note names
    # ("理财到期的时候联系他"); a note that names neither is not guessed at.
    category = next((event.category for event in maturities if event.category), None) or next(
        (product.category for product in note.products), None)
    if not maturities and category is None:
        return note
    query = (select(Holding.maturity_date, Product.category)
             .join(Product, Product.product_code == Holding.product_code)
             .where(Holding.customer_id == customer_id, Holding.maturity_date >= now.date())
             .order_by(Holding.maturity_date))
    days = [day for day, of in session.execute(query) if category is None or of == category]
    if not days:
        return note
    event = MoneyEvent(EventKind.MATURITY, maturities[0].text if maturities else asks.group(0), category=category,
                       at=days[0])
    reminder = reminder_at_money_event(note.text, [event], now, hour)
    if reminder is None:
        return note
    return replace(note, follow_up_at=reminder[0], follow_up_text=reminder[1])
