"""Referral credit (转介积分): points a referrer earns when a referral converts.

Rules live in the `credit_rules` table (seeded by migration 0002, editable by the bank): a
category, an amount band (min inclusive, max exclusive or open) and a validity period of local
dates (both inclusive). At conversion the rule valid that day whose band holds the amount is
applied and the result written to `credit_ledger`, one row per referral, never changed
afterwards: editing or replacing rules changes future conversions only.

If several rules match (overlapping rows), the most recently started wins (then the newest row).
No matching rule: no points and no ledger row.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bot.clock import clock, to_storage
from bot.models import CreditEntry, CreditRule, Referral


@dataclass(frozen=True)
class Earned:
    points: int
    rule_id: int | None


def rule_for(session: Session, category: str, amount: Decimal | None, on: date) -> CreditRule | None:
    amount = Decimal(amount or 0)
    query = (
        select(CreditRule)
        .where(
            CreditRule.category == category,
            CreditRule.min_amount <= amount,
            or_(CreditRule.max_amount.is_(None), CreditRule.max_amount > amount),
            CreditRule.valid_from <= on,
            or_(CreditRule.valid_to.is_(None), CreditRule.valid_to >= on),
        )
        .order_by(CreditRule.valid_from.desc(), CreditRule.id.desc())
        .limit(1)
    )
    return session.execute(query).scalars().first()


def award(session: Session, referral: Referral, category: str, amount: Decimal | None) -> Earned:
    """Write the referrer's points for this converted referral (once; a second call returns the
    existing entry)."""
    existing = session.execute(select(CreditEntry).where(CreditEntry.referral_id == referral.id)).scalars().first()
    if existing is not None:
        return Earned(existing.points, existing.rule_id)
    rule = rule_for(session, category, amount, clock.today())
    if rule is None:
        return Earned(0, None)
    session.add(
        CreditEntry(
            referral_id=referral.id,
            staff_id=referral.referrer_id,
            branch_id=referral.referrer_branch_id,
            points=rule.points,
            rule_id=rule.id,
            category=category,
            amount=amount,
            created_at=to_storage(clock.now()),
        )
    )
    session.flush()
    return Earned(rule.points, rule.id)
