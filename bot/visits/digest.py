"""The morning digest: each person's daily list into the outbox once per working day
(`python -m bot digest` for cron, or the action server's timer).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from bot import outbox
from bot.clock import clock
from bot.db import Database, take_write_lock
from bot.models import (
    Notification,
    Staff,
)
from bot.settings import Settings
from bot.visits.daily_list import audit_list, build_daily_list, list_detail, staff_member
from bot.visits.working_days import is_working_day

DIGEST = "daily_digest"  # outbox kind


@dataclass(frozen=True)
class DigestReport:
    at: datetime
    sent: list[tuple[str, int]] = field(default_factory=list)  # (staff_id, items) enqueued now
    already_sent: int = 0
    skipped: str | None = None  # 'not_working_day', 'too_early' or None


def morning_digest(db: Database, now: datetime | None = None, settings: Settings | None = None) -> DigestReport:
    """Put each person's daily list into the outbox, once per working day, from digest_time on.
    Safe to run often (cron every few minutes) and from several places: the dedupe key decides."""
    from bot.visits import replies

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
            staff = staff_member(session, staff_row)
            items = build_daily_list(session, staff, today, settings.daily_list_days)
            if not items and staff.role != "customer_manager":
                continue
            if outbox.enqueue(session, staff.staff_id, replies.digest_text(staff.name, today, items, moment.hour), DIGEST, key):
                sent.append((staff.staff_id, len(items)))
                audit_list(session, staff.staff_id, items, DIGEST, list_detail(today, None))
    return DigestReport(moment, sent, already)
