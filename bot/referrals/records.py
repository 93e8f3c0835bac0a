"""The referral rows: numbers, locks, duplicates, history events and the summaries staff see.

Helpers of the service and the reports, always inside the caller's unit of work.
"""
from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from bot.access import StaffMember, may_see
from bot.clock import clock, to_local, to_storage
from bot.db import for_update, is_postgresql
from bot.models import (
    OPEN_REFERRAL_STATUSES,
    CreditEntry,
    Customer,
    Referral,
    ReferralEvent,
    Staff,
)
from bot.referrals import replies
from bot.referrals.lifecycle import RoutedBy, Status
from bot.referrals.results import ReferralSummary
from bot.vocabulary.width import to_half_width

_NUMBERING_LOCK = 3_000_001  # pg advisory lock key for referral numbers


def lock_numbering(session: Session) -> None:
    if is_postgresql(session):
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _NUMBERING_LOCK})


def lock_referral(session: Session, referral_id: int) -> Referral | None:
    query = for_update(session, select(Referral).where(Referral.id == referral_id))
    return session.execute(query.execution_options(populate_existing=True)).scalars().first()




def month_range(month: str) -> tuple[datetime, datetime] | None:
    """'2026-11' -> the month's start and end as stored (naive UTC), from local midnight."""
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", (month or "").strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        return None
    year, number = int(match.group(1)), int(match.group(2))
    start = datetime(year, number, 1)
    end = datetime(year + (number == 12), number % 12 + 1, 1)
    return to_storage(start.replace(tzinfo=clock.tz)), to_storage(end.replace(tzinfo=clock.tz))


def now_stored() -> datetime:
    return to_storage(clock.now())


def referral_summaries(session: Session, referrals: list[Referral], viewer: StaffMember | None) -> list[ReferralSummary]:
    if not referrals:
        return []
    staff_ids = {r.referrer_id for r in referrals} | {r.receiver_id for r in referrals}
    names = dict(session.execute(select(Staff.staff_id, Staff.name).where(Staff.staff_id.in_(staff_ids))).all())
    customer_ids = {r.customer_id for r in referrals}
    customers = {
        c.customer_id: c for c in session.execute(select(Customer).where(Customer.customer_id.in_(customer_ids))).scalars()
    }
    points = dict(
        session.execute(
            select(CreditEntry.referral_id, CreditEntry.points).where(CreditEntry.referral_id.in_([r.id for r in referrals]))
        ).all()
    )
    now = now_stored()
    result = []
    for r in referrals:
        customer = customers[r.customer_id]
        visible = viewer is None or may_see(viewer, customer.branch_id) or viewer.staff_id == r.referrer_id
        status = Status(r.status)
        result.append(
            ReferralSummary(
                id=r.id,
                referral_no=r.referral_no,
                customer_id=r.customer_id,
                customer_name=customer.name if visible else None,
                product_word=r.product_word,
                category=r.product_category,
                status=status,
                status_name=replies.status_name(status.value),
                referrer_id=r.referrer_id,
                referrer_name=names.get(r.referrer_id, r.referrer_id),
                referrer_branch_id=r.referrer_branch_id,
                receiver_id=r.receiver_id,
                receiver_name=names.get(r.receiver_id, r.receiver_id),
                routed_by=RoutedBy(r.routed_by),
                note=r.note or "",
                created_at=to_local(r.created_at),
                sla_due_at=to_local(r.sla_due_at),
                overdue=status in (Status.NEW, Status.ACCEPTED) and now > r.sla_due_at,
                contacted_at=to_local(r.contacted_at) if r.contacted_at else None,
                closed_at=to_local(r.closed_at) if r.closed_at else None,
                converted_product_word=r.converted_product_word,
                converted_category=r.converted_category,
                converted_amount=Decimal(r.converted_amount) if r.converted_amount is not None else None,
                credit_points=points.get(r.id),
            )
        )
    return result


def referral_summary(session: Session, referral: Referral, viewer: StaffMember | None = None) -> ReferralSummary:
    return referral_summaries(session, [referral], viewer)[0]


def open_duplicates(session: Session, customer_id: str, category: str) -> list[Referral]:
    return list(
        session.execute(
            select(Referral)
            .where(
                Referral.customer_id == customer_id,
                Referral.product_category == category,
                Referral.status.in_(OPEN_REFERRAL_STATUSES),
            )
            .order_by(Referral.created_at, Referral.id)
        ).scalars()
    )


def by_request_key(session: Session, request_key: str) -> Referral | None:
    return session.execute(select(Referral).where(Referral.request_key == request_key)).scalars().first()


def next_number(session: Session) -> str:
    prefix = f"ZJ{clock.today():%Y%m%d}-"
    count = session.execute(
        select(func.count()).select_from(Referral).where(Referral.referral_no.like(f"{prefix}%"))
    ).scalar_one()
    return f"{prefix}{count + 1:04d}"


REF_NO_RE = re.compile(r"ZJ\d{8}-\d{4,}", re.IGNORECASE)


def find_referral(session: Session, ref: str | int) -> Referral | None:
    if isinstance(ref, int) or (isinstance(ref, str) and ref.strip().isdigit()):
        return session.get(Referral, int(ref))
    match = REF_NO_RE.search(to_half_width(str(ref)))
    if not match:
        return None
    return session.execute(select(Referral).where(Referral.referral_no == match.group(0).upper())).scalars().first()


def may_work_on(staff: StaffMember, referral: Referral, customer_branch_id: str) -> bool:
    """The receiver, or a branch head serving the customer's branch, moves a referral forward."""
    return staff.staff_id == referral.receiver_id or (staff.role == "branch_head" and may_see(staff, customer_branch_id))


def may_view(staff: StaffMember, referral: Referral, customer_branch_id: str) -> bool:
    return staff.staff_id == referral.referrer_id or may_work_on(staff, referral, customer_branch_id)


def record_event(session, referral: Referral, staff_id: str | None, kind: str, from_status=None, to_status=None, note="") -> None:
    session.add(
        ReferralEvent(
            referral_id=referral.id,
            staff_id=staff_id,
            at=now_stored(),
            kind=kind,
            from_status=from_status,
            to_status=to_status,
            note=note or "",
        )
    )
