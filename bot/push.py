"""Pushing the notification outbox to a messaging platform (WeCom, Matrix).

The chat shows a staff member's notifications at the top of her next reply; a platform that can
message people first pushes them as soon as they are written. One round: claim up to `limit`
undelivered notifications for this platform (committed before anything is sent, so that a second
pusher, on another worker, skips them), send each to the staff member's chat id, and settle it
by what the platform answered (bot/outbox.py):

* accepted: delivered.
* refused, or the request never left (`NotSent`: an error answer, no connection): released; it is
  pushed again after 30 s, then 1, 2, 4... minutes, at most hourly, and her next reply shows it
  anyway.
* anything else (a timeout, a connection cut after the request went out): it may have arrived.
  WeCom's message/send has no idempotency key, so such a push is never sent again: it is marked
  unsure, and her next reply shows it, saying it may have arrived already. A platform that
  dedupes by key passes `resend_unsure_within`: Matrix takes the transaction id of
  PUT /rooms/{room}/send/m.room.message/{txnId}, which is `dedupe_key(id)` for every attempt, so
  a resend within that window is the same event (Synapse keeps transaction ids for 30 minutes,
  per access token; a new password login starts a new device and loses them).

Sending happens outside any transaction: no database lock is held while the platform answers.
Each notification is settled right after its own answer, so a process that dies later in the
round has lost nothing it sent; one that dies while sending leaves a claim that goes stale after
outbox.PUSH_CLAIM_TIMEOUT and then counts as unsure.
"""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Awaitable, Callable

from sqlalchemy import select

from bot import outbox
from bot.db import Database
from bot.models import Staff

log = logging.getLogger(__name__)

Send = Callable[[str, str, str], Awaitable[None]]  # (chat id, text, dedupe key)


class NotSent(ConnectionError):
    """The platform answered that it did not take the message, or the request never left (no
    connection): trying again cannot duplicate it."""


def dedupe_key(notification_id: int) -> str:
    """The same for every attempt at one notification (Matrix: the transaction id)."""
    return f"wangdian-notification-{notification_id}"


@dataclass
class PushReport:
    sent: list[int] = field(default_factory=list)  # notification ids
    failed: list[int] = field(default_factory=list)  # refused: released for a later round
    unsure: list[int] = field(default_factory=list)  # may have arrived: not pushed again


def _claim(db: Database, via: str, limit: int, resend_unsure_within: timedelta | None) -> list[tuple[int, str, str, str]]:
    """(notification id, chat id, text, claim) of the claimed notifications."""
    with db.unit_of_work() as session:
        pending = outbox.claim_for_push(session, via, limit=limit, resend_unsure_within=resend_unsure_within)
        rows = session.execute(select(Staff.staff_id, Staff.chat_id).where(Staff.staff_id.in_({n.staff_id for n in pending})))
        chat_ids = {staff_id: chat_id for staff_id, chat_id in rows}
        return [(n.id, chat_ids[n.staff_id], n.text, n.claim) for n in pending]


def _settle(db: Database, notification_id: int, claim: str, via: str, outcome: str) -> None:
    with db.unit_of_work() as session:
        if outcome == "sent":
            outbox.mark_delivered(session, [notification_id], via)
        elif outcome == "failed":
            outbox.release(session, [notification_id], claim)
        else:
            outbox.mark_unsure(session, [notification_id], claim)


async def push_once(db: Database, send: Send, via: str, limit: int = 50,
                    resend_unsure_within: timedelta | None = None) -> PushReport:
    loop = asyncio.get_running_loop()
    claimed = await loop.run_in_executor(None, _claim, db, via, limit, resend_unsure_within)
    report = PushReport()
    for notification_id, chat_id, text, claim in claimed:
        try:
            await send(chat_id, text, dedupe_key(notification_id))
            outcome = "sent"
        except NotSent as error:  # the platform refused or could not be reached: try again later
            log.warning("push via %s refused for notification %s: %s", via, notification_id, type(error).__name__)
            outcome = "failed"
        except Exception as error:  # noqa: BLE001 - it may have arrived: never pushed twice
            log.warning("push via %s unsure for notification %s: %s", via, notification_id, type(error).__name__)
            outcome = "unsure"
        getattr(report, outcome).append(notification_id)
        try:
            await loop.run_in_executor(None, _settle, db, notification_id, claim, via, outcome)
        except Exception:  # noqa: BLE001 - the claim goes stale and counts as unsure: never twice
            log.exception("push via %s: notification %s %s but not recorded", via, notification_id, outcome)
    if claimed:
        log.info("push via %s: %d sent, %d to retry, %d unsure", via, len(report.sent), len(report.failed), len(report.unsure))
    return report


def start_pushing(send: Send, via: str, interval_seconds: float, db: Database | None = None,
                  resend_unsure_within: timedelta | None = None) -> asyncio.Task | None:
    """The push loop as a background task of the running server (None when the interval is 0)."""
    if interval_seconds <= 0:
        return None
    return asyncio.ensure_future(push_forever(db or Database(), send, via, interval_seconds,
                                              resend_unsure_within=resend_unsure_within))


async def push_forever(db: Database, send: Send, via: str, interval_seconds: float, limit: int = 50,
                       resend_unsure_within: timedelta | None = None) -> None:
    """Rounds every `interval_seconds` until cancelled; a failing round is logged, never fatal."""
    while True:
        try:
            await push_once(db, send, via, limit, resend_unsure_within)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("push via %s: round failed", via)
        await asyncio.sleep(interval_seconds)
