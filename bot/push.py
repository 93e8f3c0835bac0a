"""Pushing the notification outbox to a messaging platform (WeCom today; Matrix later).

The chat shows a staff member's notifications at the top of her next reply; a platform that can
message people first pushes them as soon as they are written. One round: claim up to `limit`
undelivered notifications (marked delivered by `via` in a short transaction, so that a second
pusher, on another worker, never sends them too), send each to the staff member's chat id, and
release the ones that could not be sent: they stay in the outbox and are pushed again after 30 s,
then 1, 2, 4... minutes, at most hourly (bot/outbox.py), and her next reply in the chat shows
them anyway.
Sending happens outside any transaction: no database lock is held while the platform answers.
A process that dies between claiming and sending loses those pushes: they stay marked delivered
by `via` and never reach the chat.
"""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Awaitable, Callable

from sqlalchemy import select

from bot import outbox
from bot.db import Database
from bot.models import Staff

log = logging.getLogger(__name__)

Send = Callable[[str, str], Awaitable[None]]  # (chat id, text)


@dataclass
class PushReport:
    sent: list[int] = field(default_factory=list)  # notification ids
    failed: list[int] = field(default_factory=list)  # released for a later round


def _claim(db: Database, via: str, limit: int) -> list[tuple[int, str, str]]:
    """(notification id, chat id, text) of the claimed notifications."""
    with db.unit_of_work() as session:
        pending = outbox.pending_for_push(session, limit=limit)
        rows = session.execute(select(Staff.staff_id, Staff.chat_id).where(Staff.staff_id.in_({n.staff_id for n in pending})))
        chat_ids = {staff_id: chat_id for staff_id, chat_id in rows}
        claimed = [(n.id, chat_ids[n.staff_id], n.text) for n in pending]
        outbox.mark_delivered(session, [n_id for n_id, _, _ in claimed], via)
        return claimed


def _release(db: Database, ids: list[int], via: str) -> None:
    if ids:
        with db.unit_of_work() as session:
            outbox.release(session, ids, via)


async def push_once(db: Database, send: Send, via: str, limit: int = 50) -> PushReport:
    loop = asyncio.get_running_loop()
    claimed = await loop.run_in_executor(None, _claim, db, via, limit)
    report = PushReport()
    for notification_id, chat_id, text in claimed:
        try:
            await send(chat_id, text)
            report.sent.append(notification_id)
        except Exception as error:  # the platform refused or is down: try again later
            log.warning("push via %s failed for notification %s: %s", via, notification_id, type(error).__name__)
            report.failed.append(notification_id)
    await loop.run_in_executor(None, _release, db, report.failed, via)
    if report.sent or report.failed:
        log.info("push via %s: %d sent, %d to retry", via, len(report.sent), len(report.failed))
    return report


def start_pushing(send: Send, via: str, interval_seconds: float, db: Database | None = None) -> asyncio.Task | None:
    """The push loop as a background task of the running server (None when the interval is 0)."""
    if interval_seconds <= 0:
        return None
    return asyncio.ensure_future(push_forever(db or Database(), send, via, interval_seconds))


async def push_forever(db: Database, send: Send, via: str, interval_seconds: float, limit: int = 50) -> None:
    """Rounds every `interval_seconds` until cancelled; a failing round is logged, never fatal."""
    while True:
        try:
            await push_once(db, send, via, limit)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("push via %s: round failed", via)
        await asyncio.sleep(interval_seconds)
