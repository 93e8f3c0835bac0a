"""Follow-up tasks (待办): which of the writer's open ones a contact closes, and how one is shown.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.clock import clock, to_local, to_storage
from bot.models import FollowUp
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
