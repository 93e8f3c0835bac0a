"""Referral figures: the branch ranking by credit points, the monthly report per person
(`python -m bot referrals report`) and the SLA check (`python -m bot sla-check`).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from bot import outbox
from bot.access import ROLE_NAMES, StaffMember
from bot.clock import clock, to_storage
from bot.db import Database, for_update
from bot.models import (
    OPEN_REFERRAL_STATUSES,
    Branch,
    CreditEntry,
    Customer,
    Referral,
    Staff,
)
from bot.referrals import replies
from bot.referrals.lifecycle import Status
from bot.referrals.records import month_range, now_stored, record_event, referral_summary
from bot.referrals.results import FiguresOutcome, Performance, Ranking, RankRow, ReportRow, SlaItem, SlaReport, rate
from bot.referrals.routing import branch_heads
from bot.settings import Settings


def branch_ranking(session: Session, month: str, branch_id: str, asker_id: str | None = None) -> Ranking:
    """One branch's month: referrals its staff sent (counted for the branch they were in when
    sending), how many of those converted, credit earned in the month, and each person's rank
    by credit (equal credit, equal rank). Everyone now in the branch is ranked, with zeros if idle."""
    start, end = month_range(month)
    sent_rows = session.execute(
        select(Referral.referrer_id, Referral.status).where(
            Referral.referrer_branch_id == branch_id, Referral.created_at >= start, Referral.created_at < end
        )
    ).all()
    credit_rows = session.execute(
        select(CreditEntry.staff_id, func.sum(CreditEntry.points))
        .where(CreditEntry.branch_id == branch_id, CreditEntry.created_at >= start, CreditEntry.created_at < end)
        .group_by(CreditEntry.staff_id)
    ).all()
    credit_by = {staff_id: int(points) for staff_id, points in credit_rows}
    ids = {s for s, _ in sent_rows} | set(credit_by)
    people = {
        s.staff_id: s
        for s in session.execute(
            select(Staff).where(or_(Staff.branch_id == branch_id, Staff.staff_id.in_(ids)))
        ).scalars()
    }
    figures = []
    for staff_id, person in people.items():
        mine = [status for who, status in sent_rows if who == staff_id]
        figures.append((credit_by.get(staff_id, 0), sum(1 for s in mine if s == "converted"), len(mine), person))
    figures.sort(key=lambda f: (-f[0], -f[1], -f[2], f[3].staff_id))
    rows, previous, rank = [], None, 0
    for position, (points, converted, sent, person) in enumerate(figures, start=1):
        if points != previous:
            rank, previous = position, points
        rows.append(RankRow(rank, person.staff_id, person.name, ROLE_NAMES.get(person.role, person.role), sent, converted, points))
    mine = next((row for row in rows if row.staff_id == asker_id), None)
    converted_total = sum(1 for _, status in sent_rows if status == "converted")
    branch = session.get(Branch, branch_id)
    return Ranking(
        outcome=FiguresOutcome.SHOWN,
        month=month,
        branch_id=branch_id,
        branch_name=branch.name if branch else branch_id,
        sent=len(sent_rows),
        converted=converted_total,
        conversion_rate=rate(converted_total, len(sent_rows)),
        credit=sum(credit_by.values()),
        rows=rows,
        my_rank=mine.rank if mine else None,
        my_row=mine,
    )


def staff_performance(session: Session, staff: StaffMember, month: str, span: tuple[datetime, datetime]) -> Performance:
    """One person's referral figures of a month: sent and converted, credit and rank, received and
    open, those received past their SLA."""
    start, end = span
    ranking = branch_ranking(session, month, staff.branch_id, staff.staff_id)
    sent = list(session.execute(
        select(Referral.status).where(Referral.referrer_id == staff.staff_id, Referral.created_at >= start, Referral.created_at < end)
    ).scalars())
    received = list(session.execute(
        select(Referral.status).where(Referral.receiver_id == staff.staff_id, Referral.created_at >= start, Referral.created_at < end)
    ).scalars())
    points = session.execute(
        select(func.coalesce(func.sum(CreditEntry.points), 0)).where(
            CreditEntry.staff_id == staff.staff_id, CreditEntry.created_at >= start, CreditEntry.created_at < end
        )
    ).scalar_one()
    now = now_stored()
    open_rows = session.execute(
        select(Referral.status, Referral.sla_due_at).where(
            Referral.receiver_id == staff.staff_id, Referral.status.in_(OPEN_REFERRAL_STATUSES)
        )
    ).all()
    converted = sum(1 for s in sent if s == Status.CONVERTED.value)
    return Performance(
        outcome=FiguresOutcome.SHOWN,
        month=month,
        staff=staff,
        sent=len(sent),
        converted=converted,
        conversion_rate=rate(converted, len(sent)),
        credit=int(points),
        rank=ranking.my_rank,
        ranked=len(ranking.rows),
        received=len(received),
        received_converted=sum(1 for s in received if s == Status.CONVERTED.value),
        open_received=len(open_rows),
        overdue_received=sum(1 for status, due in open_rows if status in ("new", "accepted") and now > due),
    )


def branch_report(db: Database, month: str, branch_id: str | None = None) -> list[ReportRow]:
    """Rows of the monthly report (`python -m bot referrals report`): one per staff member of
    the branch, or of every branch; raises ValueError for a malformed month or unknown branch."""
    if month_range(month) is None:
        raise ValueError(f"月份格式应为 YYYY-MM,收到 {month!r}")
    with db.unit_of_work() as session:
        if branch_id:
            if session.get(Branch, branch_id) is None:
                raise ValueError(f"没有网点 {branch_id}")
            branch_ids = [branch_id]
        else:
            branch_ids = list(session.execute(select(Branch.branch_id).order_by(Branch.branch_id)).scalars())
        rows = []
        for each in branch_ids:
            ranking = branch_ranking(session, month, each)
            for row in ranking.rows:
                rows.append(ReportRow(month, each, ranking.branch_name, row))
        return rows


def run_sla_check(db: Database, now: datetime | None = None, settings: Settings | None = None) -> SlaReport:
    """Remind receivers of referrals not yet contacted once `referral_sla_remind_at` of their SLA
    time has passed, and tell the branch head when the SLA has passed; each once per referral
    (reminded_at / escalated_at, plus a history event and outbox rows). Safe to run from several
    places at once: rows are locked (PostgreSQL, SKIP LOCKED) or the write lock is taken (SQLite).
    `now` defaults to the clock; naive values are the bank's local time."""
    settings = settings or Settings.from_env()
    moment = now or clock.now()
    stored_now = to_storage(moment)
    reminders, escalations = [], []
    with db.unit_of_work() as session:
        query = (
            select(Referral)
            .where(Referral.status.in_(("new", "accepted")), Referral.escalated_at.is_(None))
            .order_by(Referral.sla_due_at, Referral.id)
        )
        query = for_update(session, query, skip_locked=True)
        for referral in session.execute(query).scalars().all():
            span = referral.sla_due_at - referral.created_at
            remind_from = referral.created_at + span * settings.referral_sla_remind_at
            if stored_now >= referral.sla_due_at:
                escalations.append(_escalate(session, referral, stored_now))
            elif stored_now >= remind_from and referral.reminded_at is None:
                reminders.append(_remind(session, referral, stored_now))
    return SlaReport(moment, reminders, escalations)


def _remind(session: Session, referral: Referral, now: datetime) -> SlaItem:
    referral.reminded_at = now
    record_event(session, referral, None, "sla_reminder", referral.status, referral.status, "联系时限将到,已提醒接收人")
    summary = referral_summary(session, referral)
    outbox.enqueue(session, referral.receiver_id, replies.notify_sla_reminder(summary), outbox.SLA_REMINDER,
                   f"referral:{referral.id}:sla_reminder", referral.id)
    return SlaItem(referral.referral_no, referral.receiver_id, summary.receiver_name, summary.sla_due_at)


def _escalate(session: Session, referral: Referral, now: datetime) -> SlaItem:
    referral.escalated_at = now
    referral.reminded_at = referral.reminded_at or now
    customer = session.get(Customer, referral.customer_id)
    heads = branch_heads(session, customer.branch_id)
    head = heads[0] if heads else None
    summary = referral_summary(session, referral)
    outbox.enqueue(session, referral.receiver_id, replies.notify_sla_overdue(summary), outbox.SLA_ESCALATION,
                   f"referral:{referral.id}:sla_overdue", referral.id)
    if head is not None and head.staff_id != referral.receiver_id:
        outbox.enqueue(session, head.staff_id, replies.notify_sla_escalation(summary), outbox.SLA_ESCALATION,
                       f"referral:{referral.id}:sla_escalation", referral.id)
    note = f"超过联系时限,已上报{head.name}" if head else "超过联系时限;该网点没有网点负责人"
    record_event(session, referral, None, "sla_escalation", referral.status, referral.status, note)
    return SlaItem(referral.referral_no, referral.receiver_id, summary.receiver_name, summary.sla_due_at, head.name if head else None)
