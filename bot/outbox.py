"""The notification outbox: messages for staff, written with the change that causes them.

`enqueue` adds a row in the caller's unit of work, so a notification exists exactly when its
cause was committed. A unique `dedupe_key` per event (e.g. 'referral:12:accepted') means one
event never enqueues twice. Delivery takes rows once: the chat shows them to the recipient
(`take_undelivered`), later push connectors (Matrix, WeCom, issue #6) use `pending_for_push` and
`mark_delivered`.

Taking is atomic. On PostgreSQL the rows are locked with SELECT ... FOR UPDATE SKIP LOCKED, so
two concurrent takers never get the same row and never wait for each other. SQLite has one writer
at a time: the taker first takes the write lock (a write that changes nothing), then reads and
marks, so a second taker reads only after the first has committed.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, or_, select, update
from sqlalchemy.orm import Session

from bot.clock import clock
from bot.db import for_update
from bot.models import Notification, Staff
from bot.privacy import mask_identifiers_in_text
from bot.timeutil import to_local, to_storage

# Kinds of notification.
REFERRAL_ARRIVED = "referral_arrived"
REFERRAL_ACCEPTED = "referral_accepted"
REFERRAL_CONTACTED = "referral_contacted"
REFERRAL_CONVERTED = "referral_converted"
REFERRAL_LOST = "referral_lost"
REFERRAL_CANCELLED = "referral_cancelled"
SLA_REMINDER = "sla_reminder"
SLA_ESCALATION = "sla_escalation"

# A push the platform refused is tried again after 30 s, 1 min, 2 min... at most every hour.
PUSH_RETRY_FIRST = timedelta(seconds=30)
PUSH_RETRY_MAX = timedelta(hours=1)


@dataclass(frozen=True)
class OutgoingNotification:
    id: int
    staff_id: str
    text: str
    kind: str
    referral_id: int | None
    created_at: datetime  # the bank's local time
    delivered_at: datetime | None
    delivered_via: str | None


def _plain(row: Notification) -> OutgoingNotification:
    return OutgoingNotification(
        id=row.id,
        staff_id=row.staff_id,
        text=row.text,
        kind=row.kind,
        referral_id=row.referral_id,
        created_at=to_local(row.created_at),
        delivered_at=to_local(row.delivered_at) if row.delivered_at else None,
        delivered_via=row.delivered_via,
    )


def enqueue(
    session: Session, staff_id: str, text_: str, kind: str, dedupe_key: str, referral_id: int | None = None
) -> bool:
    """Add a notification unless one with this dedupe key exists; True if added. Its text is
    stored with phones and ID numbers masked (a referral's note is what the referrer typed).

    The callers hold a lock on the cause (the referral row), so the check cannot race with itself;
    the unique constraint is the last guard.
    """
    exists = session.execute(select(Notification.id).where(Notification.dedupe_key == dedupe_key)).first()
    if exists:
        return False
    session.add(
        Notification(
            staff_id=staff_id,
            text=mask_identifiers_in_text(text_),
            kind=kind,
            referral_id=referral_id,
            dedupe_key=dedupe_key,
            created_at=to_storage(clock.now()),
        )
    )
    session.flush()
    return True


# Built once (asked with every message).
_ANY_UNDELIVERED = (
    select(Notification.id)
    .join(Staff, Staff.staff_id == Notification.staff_id)
    .where(Staff.chat_id == bindparam("chat_id"), Notification.delivered_at.is_(None))
    .limit(1)
)


def any_undelivered_for_chat(session: Session, chat_id: str) -> bool:
    """Whether anything waits for the person behind this chat id: one indexed read, no lock.
    Asked with every message, so that the common answer (nothing) costs no write lock."""
    return session.execute(_ANY_UNDELIVERED, {"chat_id": chat_id}).first() is not None


def take_undelivered(session: Session, staff_id: str, via: str) -> list[OutgoingNotification]:
    """This person's undelivered notifications, oldest first, marked delivered by `via`.

    Delivered when the caller's unit of work commits; if it rolls back they stay undelivered.
    """
    query = (
        select(Notification)
        .where(Notification.staff_id == staff_id, Notification.delivered_at.is_(None))
        .order_by(Notification.created_at, Notification.id)
    )
    rows = list(session.execute(for_update(session, query, skip_locked=True)).scalars())
    _mark(session, rows, via)
    return [_plain(row) for row in rows]


def pending_for_push(session: Session, limit: int = 100) -> list[OutgoingNotification]:
    """Undelivered notifications of everyone who has a chat id, oldest first, locked for this
    unit of work (PostgreSQL: other pushers skip them); mark the ones sent with `mark_delivered`.
    One whose last push failed waits until its `push_after` (the chat still shows it at once)."""
    reachable = select(Staff.staff_id).where(Staff.chat_id.is_not(None), Staff.chat_id != "")
    due = or_(Notification.push_after.is_(None), Notification.push_after <= to_storage(clock.now()))
    query = (
        select(Notification)
        .where(Notification.delivered_at.is_(None), Notification.staff_id.in_(reachable), due)
        .order_by(Notification.created_at, Notification.id)
        .limit(limit)
    )
    return [_plain(row) for row in session.execute(for_update(session, query, skip_locked=True)).scalars()]


def mark_delivered(session: Session, ids: list[int], via: str) -> int:
    """Mark these notifications delivered by `via`; ones already delivered stay as they were.
    Returns how many were marked now."""
    if not ids:
        return 0
    result = session.execute(
        update(Notification)
        .where(Notification.id.in_(ids), Notification.delivered_at.is_(None))
        .values(delivered_at=to_storage(clock.now()), delivered_via=via)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def release(session: Session, ids: list[int], via: str) -> None:
    """Undo `mark_delivered` by `via` for notifications that could not be sent after all; each
    waits before its next push: 30 s after the first failure, doubling, at most an hour."""
    if not ids:
        return
    now = clock.now()
    rows = session.execute(
        for_update(session, select(Notification).where(Notification.id.in_(ids), Notification.delivered_via == via))
    ).scalars()
    for row in rows:
        row.push_attempts = (row.push_attempts or 0) + 1
        row.push_after = to_storage(now + push_backoff(row.push_attempts))
        row.delivered_at = row.delivered_via = None
    session.flush()


def push_backoff(attempts: int) -> timedelta:
    """How long a notification waits after its `attempts`-th failed push."""
    return min(PUSH_RETRY_FIRST * 2 ** (max(attempts, 1) - 1), PUSH_RETRY_MAX)


def _mark(session: Session, rows: list[Notification], via: str) -> None:
    now = to_storage(clock.now())
    for row in rows:
        row.delivered_at = now
        row.delivered_via = via
    session.flush()
