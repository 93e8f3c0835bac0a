"""The audit trail: every time the bot shows a customer's data, one row says who saw what."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from bot.clock import clock, to_local, to_storage
from bot.models import AuditEntry
from bot.privacy import mask_identifiers_in_text

_INSERT = insert(AuditEntry)

# What a view showed, as recorded in audit_log.shown.
PROFILE = "profile_360"
HOLDINGS = "holdings"
INTERACTIONS = "interactions"
CANDIDATES = "candidate_list"
REFERRAL = "referral"  # a referral naming the customer: created, updated or listed


def record_view(
    session: Session, staff_id: str, customer_id: str, shown: str, channel: str, detail: str = ""
) -> None:
    # An INSERT in the caller's transaction, not an object for the session to flush at commit:
    # nothing reads the row back, and the ORM's unit of work cost more than the insert itself.
    session.execute(
        _INSERT,
        {"at": to_storage(clock.now()), "staff_id": staff_id, "customer_id": customer_id, "shown": shown,
         "channel": channel or "", "detail": mask_identifiers_in_text(detail)[:200]},
    )


def record_views(
    session: Session, staff_id: str, customer_ids, shown: str, channel: str, detail: str = ""
) -> None:
    """One row per customer of a list, in one statement (an executemany: one multi-row INSERT on
    PostgreSQL): a manager's daily list names a hundred customers, and a round trip each was most
    of its time on a million-customer bank."""
    at, detail = to_storage(clock.now()), mask_identifiers_in_text(detail)[:200]
    rows = [{"at": at, "staff_id": staff_id, "customer_id": customer_id, "shown": shown, "channel": channel or "",
             "detail": detail} for customer_id in dict.fromkeys(customer_ids)]
    if rows:
        session.execute(_INSERT, rows)


@dataclass(frozen=True)
class AuditLine:
    at: datetime
    staff_id: str
    customer_id: str
    shown: str
    channel: str
    detail: str


def audit_trail(
    session: Session, customer_id: str | None = None, staff_id: str | None = None, limit: int = 1000
) -> list[AuditLine]:
    query = select(AuditEntry).order_by(AuditEntry.at, AuditEntry.id).limit(limit)
    if customer_id:
        query = query.where(AuditEntry.customer_id == customer_id)
    if staff_id:
        query = query.where(AuditEntry.staff_id == staff_id)
    return [
        AuditLine(to_local(e.at), e.staff_id, e.customer_id, e.shown, e.channel, e.detail)
        for e in session.execute(query).scalars()
    ]
