"""The notification outbox: messages for staff, written with the change that causes them.

`enqueue` adds a row in the caller's unit of work, so a notification exists exactly when its
cause was committed. A unique `dedupe_key` per event (e.g. 'referral:12:accepted') means one
event never enqueues twice.

Delivery is exactly once, as far as the platforms allow (issue #24). A notification is marked
delivered only once it reached the person; until then whoever is delivering it holds a claim:

* the chat: the action claims the sender's notifications for the top of its reply
  (`claim_for_reply`) and the channel marks them delivered (`mark_delivered`) after it was handed
  the reply (bot/channels/answering.py). A reply that never leaves leaves them claimed by 'reply',
  which the same person's next reply takes again (one person's turns are serialised by Rasa's
  lock store), so they show in her next reply; a pusher takes them after REPLY_CLAIM_LEASE.
* a push (bot/push.py): `claim_for_push` claims them before sending; after the platform's answer
  they are `mark_delivered` (accepted), `release`d (refused: tried again after 30 s, 1, 2, 4...
  minutes, at most hourly) or `mark_unsure` (no clear answer after the request went out: it may
  have arrived). An unsure push is not pushed again, except by the same platform within
  `resend_unsure_within` when that platform dedupes by key (Matrix transaction ids); otherwise
  it waits for the person's next reply, which shows it marked as possibly already received. A
  push claim older than PUSH_CLAIM_TIMEOUT (the pusher died mid-send) counts as unsure.

Claiming is atomic. On PostgreSQL the rows are locked with SELECT ... FOR UPDATE SKIP LOCKED, so
two concurrent claimers never get the same row and never wait for each other; the claim is
committed before anything is sent, so a second pusher skips it afterwards too. SQLite has one
writer at a time: the claimer first takes the write lock (a write that changes nothing), then
reads and marks, so a second claimer reads only after the first has committed.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import and_, bindparam, or_, select, update
from sqlalchemy.orm import Session

from bot.clock import clock, to_local, to_storage
from bot.db import for_update
from bot.models import Notification, Staff
from bot.privacy import mask_identifiers_in_text

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

# The key of a reply message that shows a notification: its id, for the channel to mark it
# delivered once the reply is in its hands (bot/channels/answering.py).
NOTIFICATION_ID = "notification_id"

# Who holds a claim: a reply being built ('reply:<attempt>') or a push ('<platform>:<attempt>').
REPLY = "reply"
# A reply claim not confirmed by then (the reply never left, or its channel does not confirm):
# pushers may take the notification.
REPLY_CLAIM_LEASE = timedelta(minutes=10)
# A push claim not settled by then: the pusher died while sending (a send times out long before).
PUSH_CLAIM_TIMEOUT = timedelta(minutes=5)


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
    unsure: bool = False  # an earlier push of it may have arrived
    claim: str | None = None  # who is delivering it now (bot/outbox.py)


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
        unsure=row.push_unsure_since is not None,
        claim=row.claim,
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
    .where(Notification.staff_id == bindparam("staff_id"), Notification.delivered_at.is_(None))
    .limit(1)
)


def any_undelivered(session: Session, staff_id: str) -> bool:
    """Whether anything waits for this member of staff: one indexed read, no lock. Asked with
    every message, so that the common answer (nothing) costs no write lock."""
    return session.execute(_ANY_UNDELIVERED, {"staff_id": staff_id}).first() is not None


def claim_for_reply(session: Session, staff_id: str) -> list[OutgoingNotification]:
    """This person's undelivered notifications, oldest first, claimed for the reply being built;
    delivered when the channel has been handed that reply (`mark_delivered`). Skips the ones a
    push is sending right now; takes back the ones an earlier reply of hers claimed but never
    delivered, and pushes that may or may not have arrived (`unsure`)."""
    now = clock.now()
    pushing_stale = to_storage(now - PUSH_CLAIM_TIMEOUT)
    query = (
        select(Notification)
        .where(
            Notification.staff_id == staff_id,
            Notification.delivered_at.is_(None),
            or_(Notification.claim.is_(None), Notification.claim.like(REPLY + ":%"), Notification.claimed_at < pushing_stale),
        )
        .order_by(Notification.created_at, Notification.id)
    )
    rows = list(session.execute(for_update(session, query, skip_locked=True)).scalars())
    claim = new_claim(REPLY)
    for row in rows:
        _settle_dead_push(row)
        row.claim, row.claimed_at = claim, to_storage(now)
    session.flush()
    return [_plain(row) for row in rows]


def own(session: Session, staff_id: str, ids: list[int]) -> list[int]:
    """Those of `ids` that are this person's notifications."""
    if not ids:
        return []
    query = select(Notification.id).where(Notification.id.in_(ids), Notification.staff_id == staff_id)
    return list(session.execute(query).scalars())


def take_undelivered(session: Session, staff_id: str, via: str) -> list[OutgoingNotification]:
    """Claim and mark at once, for a caller whose unit of work delivers them itself (they are
    delivered when it commits; if it rolls back they stay undelivered)."""
    taken = claim_for_reply(session, staff_id)
    mark_delivered(session, [n.id for n in taken], via)
    now = clock.now()
    return [replace(n, delivered_at=now, delivered_via=via, claim=None) for n in taken]


def claim_for_push(
    session: Session, via: str, limit: int = 100, resend_unsure_within: timedelta | None = None
) -> list[OutgoingNotification]:
    """Undelivered notifications of everyone who has a chat id, oldest first, claimed by a push
    `via` (committed with this unit of work, before anything is sent). Not the ones a reply or
    another push is delivering, not the ones waiting after a refusal (`push_after`), and not the
    ones an earlier push may have delivered, unless `via` made that push and dedupes a resend
    within `resend_unsure_within` (the chat still shows all of them at once)."""
    now = clock.now()
    reachable = select(Staff.staff_id).where(Staff.chat_id.is_not(None), Staff.chat_id != "")
    due = or_(Notification.push_after.is_(None), Notification.push_after <= to_storage(now))
    free = or_(
        Notification.claim.is_(None),
        and_(Notification.claim.like(REPLY + ":%"), Notification.claimed_at < to_storage(now - REPLY_CLAIM_LEASE)),
        and_(Notification.claim.not_like(REPLY + ":%"), Notification.claimed_at < to_storage(now - PUSH_CLAIM_TIMEOUT)),
    )
    sure = Notification.push_unsure_since.is_(None)
    if resend_unsure_within:
        sure = or_(sure, and_(Notification.push_unsure_via == via,
                              Notification.push_unsure_since >= to_storage(now - resend_unsure_within)))
    query = (
        select(Notification)
        .where(Notification.delivered_at.is_(None), Notification.staff_id.in_(reachable), due, free)
        .order_by(Notification.created_at, Notification.id)
        .limit(limit)
    )
    claim = new_claim(via)
    taken = []
    for row in session.execute(for_update(session, query.where(or_(sure, _claimed_by_push())), skip_locked=True)).scalars():
        _settle_dead_push(row)
        if row.push_unsure_since is not None and not _may_resend(row, via, now, resend_unsure_within):
            continue
        row.claim, row.claimed_at = claim, to_storage(now)
        taken.append(row)
    session.flush()
    return [_plain(row) for row in taken]


def mark_delivered(session: Session, ids: list[int], via: str) -> int:
    """Mark these notifications delivered by `via` (the reply showing them was handed to the
    channel, or the platform accepted the push); ones already delivered stay as they were.
    Returns how many were marked now."""
    if not ids:
        return 0
    result = session.execute(
        update(Notification)
        .where(Notification.id.in_(ids), Notification.delivered_at.is_(None))
        .values(delivered_at=to_storage(clock.now()), delivered_via=via, claim=None, claimed_at=None)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def release(session: Session, ids: list[int], claim: str) -> None:
    """The platform refused these (or they never left): the claim `claim` ends, and each waits
    before its next push: 30 s after the first failure, doubling, at most an hour."""
    for row in _claimed(session, ids, claim):
        row.push_attempts = (row.push_attempts or 0) + 1
        row.push_after = to_storage(clock.now() + push_backoff(row.push_attempts))
        row.claim = row.claimed_at = None
    session.flush()


def mark_unsure(session: Session, ids: list[int], claim: str) -> None:
    """A push of these ended without a clear answer after the request went out: it may have
    arrived. Not pushed again (but by the same platform within its dedupe window); shown in the
    person's next reply."""
    now = to_storage(clock.now())
    for row in _claimed(session, ids, claim):
        row.push_attempts = (row.push_attempts or 0) + 1
        row.push_after = to_storage(clock.now() + push_backoff(row.push_attempts))
        row.push_unsure_since = row.push_unsure_since or now
        row.push_unsure_via = row.push_unsure_via or claim.split(":", 1)[0]
        row.claim = row.claimed_at = None
    session.flush()


def push_backoff(attempts: int) -> timedelta:
    """How long a notification waits after its `attempts`-th failed push."""
    return min(PUSH_RETRY_FIRST * 2 ** (max(attempts, 1) - 1), PUSH_RETRY_MAX)


def new_claim(holder: str) -> str:
    """'reply:<attempt>' or '<platform>:<attempt>': who is delivering, and which attempt."""
    return f"{holder}:{uuid.uuid4().hex}"


def _claimed(session: Session, ids: list[int], claim: str) -> list[Notification]:
    if not ids:
        return []
    query = select(Notification).where(Notification.id.in_(ids), Notification.claim == claim,
                                       Notification.delivered_at.is_(None))
    return list(session.execute(for_update(session, query)).scalars())


def _claimed_by_push():
    return and_(Notification.claim.is_not(None), Notification.claim.not_like(REPLY + ":%"))


def _settle_dead_push(row: Notification) -> None:
    """A push claim that outlived PUSH_CLAIM_TIMEOUT: its pusher died while sending, so the
    message may have gone out: unsure, by that platform."""
    if row.claim and not row.claim.startswith(REPLY + ":"):
        row.push_unsure_since = row.push_unsure_since or row.claimed_at
        row.push_unsure_via = row.push_unsure_via or row.claim.split(":", 1)[0]
        row.claim = row.claimed_at = None


def _may_resend(row: Notification, via: str, now: datetime, within: timedelta | None) -> bool:
    return bool(within) and row.push_unsure_via == via and row.push_unsure_since >= to_storage(now - within)
