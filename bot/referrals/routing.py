"""Who receives a referral: the colleagues of the customer's branch in the role the product
needs (DEFAULT_ROLES), least loaded first, or the one the referrer named.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from bot.access import ROLE_NAMES
from bot.models import (
    OPEN_REFERRAL_STATUSES,
    Branch,
    Customer,
    Product,
    Referral,
    Staff,
    StaffCoverage,
)
from bot.referrals import replies
from bot.referrals.lifecycle import RoutedBy
from bot.referrals.results import DraftOutcome, ReceiverInfo
from bot.vocabulary.products import PRODUCT_WORDS, category_of_word
from bot.vocabulary.roles import role_from_word
from bot.vocabulary.width import to_half_width

# Who takes a category by default, in order of preference.
DEFAULT_ROLES: dict[str, tuple[str, ...]] = {
    "理财": ("wealth_manager", "customer_manager"),
    "基金": ("wealth_manager", "customer_manager"),
    "保险": ("wealth_manager", "customer_manager"),
    "贵金属": ("wealth_manager", "customer_manager"),
    "贷款": ("customer_manager",),
    "信用卡": ("customer_manager",),
    "存款": ("customer_manager",),
}


def resolve_product(session: Session, word: str | None) -> str | None:
    """The category of a product word as written: the word list first, then the products table
    (a product's name or code; the category if all matching products share one)."""
    if not word or not word.strip():
        return None
    word = to_half_width(word).strip()
    found = PRODUCT_WORDS.get(word)
    if found:
        return found
    rows = session.execute(
        select(Product.category).where(
            or_(Product.name.contains(word, autoescape=True), func.upper(Product.product_code) == word.upper())
        )
    ).scalars().all()
    if rows and len(set(rows)) == 1:
        return rows[0]
    return category_of_word(word)


def serving_staff(session: Session, branch_id: str) -> list[Staff]:
    """Staff of the branch and staff covering it, by staff id."""
    covering = select(StaffCoverage.staff_id).where(StaffCoverage.branch_id == branch_id)
    return list(
        session.execute(
            select(Staff).where(or_(Staff.branch_id == branch_id, Staff.staff_id.in_(covering))).order_by(Staff.staff_id)
        ).scalars()
    )


def open_counts(session: Session, staff_ids: list[str]) -> dict[str, int]:
    if not staff_ids:
        return {}
    rows = session.execute(
        select(Referral.receiver_id, func.count())
        .where(Referral.receiver_id.in_(staff_ids), Referral.status.in_(OPEN_REFERRAL_STATUSES))
        .group_by(Referral.receiver_id)
    ).all()
    return {staff_id: 0 for staff_id in staff_ids} | {staff_id: count for staff_id, count in rows}


def branch_names(session: Session) -> dict[str, str]:
    return dict(session.execute(select(Branch.branch_id, Branch.name)).all())


def receiver_info(staff: Staff, customer_branch_id: str, counts: dict[str, int], branches: dict[str, str]) -> ReceiverInfo:
    return ReceiverInfo(
        staff_id=staff.staff_id,
        name=staff.name,
        role=staff.role,
        role_name=ROLE_NAMES.get(staff.role, staff.role),
        branch_id=staff.branch_id,
        branch_name=branches.get(staff.branch_id, staff.branch_id),
        open_count=counts.get(staff.staff_id, 0),
        at_customer_branch=staff.branch_id == customer_branch_id,
    )


def branch_heads(session: Session, branch_id: str) -> list[Staff]:
    heads = [s for s in serving_staff(session, branch_id) if s.role == "branch_head"]
    return sorted(heads, key=lambda s: (s.branch_id != branch_id, s.staff_id))


@dataclass(frozen=True)
class Routing:
    outcome: DraftOutcome
    receiver: ReceiverInfo | None = None
    routed_by: RoutedBy | None = None
    reason: str = ""
    alternatives: list[ReceiverInfo] = field(default_factory=list)


def route_referral(
    session: Session,
    customer: Customer,
    category: str | None,
    referrer_id: str,
    receiver_name: str | None = None,
    receiver_role: str | None = None,
    max_alternatives: int = 6,
) -> Routing:
    """Who receives a referral of this customer: the named person if they can serve the customer's
    branch; else the least busy staff of the role asked (or the category's default roles) among
    those serving the branch; else the branch head. Never silent: every miss says why."""
    branches = branch_names(session)
    customer_branch = branches.get(customer.branch_id, customer.branch_id)
    serving = [s for s in serving_staff(session, customer.branch_id) if s.staff_id != referrer_id]
    counts = open_counts(session, [s.staff_id for s in serving])
    infos = {s.staff_id: receiver_info(s, customer.branch_id, counts, branches) for s in serving}
    default_roles = DEFAULT_ROLES.get(category or "", ("customer_manager",))

    def least_busy(role: str) -> ReceiverInfo | None:
        fitting = [infos[s.staff_id] for s in serving if s.role == role]
        return min(fitting, key=lambda i: (i.open_count, i.staff_id), default=None)

    def alternatives(first_role: str | None) -> list[ReceiverInfo]:
        order = [first_role] if first_role else []
        order += [r for r in default_roles if r not in order]
        order += [r for r in ("customer_manager", "wealth_manager", "lobby_manager", "branch_head", "teller") if r not in order]
        ranked = sorted(infos.values(), key=lambda i: (order.index(i.role), i.open_count, i.staff_id))
        return ranked[:max_alternatives]

    if receiver_name:
        name = receiver_name.strip()
        named = list(session.execute(select(Staff).where(Staff.name == name).order_by(Staff.staff_id)).scalars())
        if not named:
            stripped = re.sub(r"(客户经理|理财经理|大堂经理|经理|行长|主任|姐|哥|老师)$", "", name)
            if stripped and stripped != name:
                named = list(session.execute(select(Staff).where(Staff.name == stripped).order_by(Staff.staff_id)).scalars())
                name = stripped if named else name
        if not named:
            return Routing(DraftOutcome.RECEIVER_UNKNOWN, reason=replies.named_unknown(name), alternatives=alternatives(None))
        if all(s.staff_id == referrer_id for s in named):
            return Routing(DraftOutcome.RECEIVER_IS_SELF, reason="不能转介给自己。", alternatives=alternatives(named[0].role))
        able = [s for s in named if s.staff_id in infos]
        if not able:
            where = sorted({branches.get(s.branch_id, s.branch_id) for s in named})
            return Routing(
                DraftOutcome.RECEIVER_CANNOT_SERVE,
                reason=replies.named_cannot_serve(name, where, customer_branch),
                alternatives=alternatives(named[0].role),
            )
        chosen = min(able, key=lambda s: (s.branch_id != customer.branch_id, s.staff_id))
        receiver = infos[chosen.staff_id]
        return Routing(DraftOutcome.READY, receiver, RoutedBy.NAMED, replies.routing_reason("named", receiver, None, category))

    role = role_from_word(receiver_role) if receiver_role else None
    if receiver_role and role is None:
        return Routing(DraftOutcome.UNKNOWN_ROLE, reason=f"没听懂“{receiver_role}”是哪个岗位。", alternatives=alternatives(None))
    if role:
        receiver = least_busy(role)
        if receiver:
            return Routing(DraftOutcome.READY, receiver, RoutedBy.ROLE, replies.routing_reason("role", receiver, role, category))
    else:
        for default in default_roles:
            receiver = least_busy(default)
            if receiver:
                return Routing(
                    DraftOutcome.READY, receiver, RoutedBy.CATEGORY_DEFAULT,
                    replies.routing_reason("category_default", receiver, default, category),
                )
    heads = [h for h in branch_heads(session, customer.branch_id) if h.staff_id != referrer_id]
    if heads:
        receiver = infos[heads[0].staff_id]
        wanted = role or default_roles[0]
        return Routing(
            DraftOutcome.READY, receiver, RoutedBy.BRANCH_HEAD_FALLBACK,
            replies.routing_reason("branch_head_fallback", receiver, wanted, category),
        )
    return Routing(DraftOutcome.NO_RECEIVER, reason=replies.no_receiver(customer_branch), alternatives=alternatives(role))
