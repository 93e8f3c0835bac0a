"""The daily list (今日待办) of one member of staff, and of a period ("明天的待办").

The rules are in bot.visits.service's docstring.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import and_, extract, or_, select
from sqlalchemy.orm import Session

from bot import audit
from bot.access import StaffMember, may_see
from bot.campaigns import replies as campaign_replies
from bot.campaigns.items import open_items
from bot.clock import clock, next_birthday, to_local, to_storage
from bot.customers.tiers import LIABILITY_CATEGORIES
from bot.models import (
    OPEN_REFERRAL_STATUSES,
    Branch,
    Customer,
    FollowUp,
    Holding,
    Interaction,
    Product,
    Referral,
    Staff,
)
from bot.privacy import mask_identifiers_in_text
from bot.visits.period import Period
from bot.visits.results import ItemKind

AUDIT_DAILY_LIST = "daily_list"


_KIND_ORDER = {ItemKind.CAMPAIGN: -1, ItemKind.FOLLOW_UP: 0, ItemKind.REFERRAL: 1, ItemKind.MATURITY: 2,
               ItemKind.BIRTHDAY: 3}


@dataclass(frozen=True)
class DailyItem:
    number: int
    kind: ItemKind
    customer_id: str
    customer_name: str
    reason: str  # one line of Chinese text: what to do and why
    due: date
    value: Decimal | None  # the money at stake (maturity amount, customer's assets), if any
    overdue: bool = False
    follow_up_id: int | None = None
    referral_no: str | None = None
    product_name: str | None = None
    campaign_target_id: int | None = None

    @property
    def ref(self) -> str:
        """What this item is, for the chat to keep: 'follow_up:12', 'referral:ZJ…', 'campaign:7',
        'maturity:C…'."""
        if self.kind is ItemKind.FOLLOW_UP:
            return f"follow_up:{self.follow_up_id}"
        if self.kind is ItemKind.CAMPAIGN:
            return f"campaign:{self.campaign_target_id}"
        if self.kind is ItemKind.REFERRAL:
            return f"referral:{self.referral_no}"
        return f"{self.kind.value}:{self.customer_id}"


def colleague_asked_about(text: str, staff_names: list[str], colleagues: set[str], own_name: str | None) -> str | None:
    """The colleague whose list a message asks for ("王芳的待办有多少"), if any: the bot shows only
    the employee's own list, and must not answer with hers as if it were the colleague's."""
    for name in [*staff_names, *sorted(colleagues, key=len, reverse=True)]:
        if name and name != own_name and name in text:
            return name
    return None


@dataclass(frozen=True)
class DailyList:
    staff: StaffMember | None = None
    today: date | None = None
    items: list[DailyItem] = field(default_factory=list)
    period: Period | None = None  # the days asked; None: today's list
    # The colleague whose list the message asked for ("王芳的待办有多少"): nothing is listed, the
    # bot shows each member of staff only her own.
    colleague: str | None = None

    @property
    def refs(self) -> list[str]:
        """The items in the order shown: item number n is refs[n - 1]."""
        return [item.ref for item in self.items]

    @property
    def follow_up_ids(self) -> list[int | None]:
        """Per item number, the follow-up it closes, or None for other kinds."""
        return [item.follow_up_id for item in self.items]


def staff_member(session: Session, staff: Staff) -> StaffMember:
    branch_name = session.execute(select(Branch.name).where(Branch.branch_id == staff.branch_id)).scalar() or ""
    served = {staff.branch_id} | {cover.branch_id for cover in staff.covers}
    return StaffMember(staff.staff_id, staff.name, staff.role, staff.branch_id, branch_name, frozenset(served))


def _days_until_birthday(birth: date, today: date) -> int:
    return (next_birthday(birth, today) - today).days


def _month_days(today: date, days: int) -> set[tuple[int, int]]:
    """(month, day) of each day from today to `days` days on; 29 February with the 28th, since
    such birthdays fall on the 28th in other years (see _days_until_birthday)."""
    found = {((today + timedelta(days=n)).month, (today + timedelta(days=n)).day) for n in range(min(days, 366) + 1)}
    return found | {(2, 29)} if (2, 28) in found else found


def _born_on_one_of(month_days: set[tuple[int, int]]):
    """Birth date on one of these (month, day): a filter the database applies, so only the
    few customers with a birthday soon are read, not all a manager's customers. Past two months
    (a question about "下个月" and longer) the months alone, lest the filter grow too deep."""
    if len(month_days) > 62:
        return extract("month", Customer.birth_date).in_(sorted({month for month, _day in month_days}))
    return or_(
        *(
            and_(extract("month", Customer.birth_date) == month, extract("day", Customer.birth_date) == day)
            for month, day in sorted(month_days)
        )
    )


def audit_list(session: Session, staff_id: str, items: list[DailyItem], channel: str, detail: str) -> None:
    """One audit row per customer on a list: the list shows who they are and what is due."""
    audit.record_views(session, staff_id, [item.customer_id for item in items], AUDIT_DAILY_LIST, channel, detail)


def list_detail(today: date, period: Period | None) -> str:
    if period is None:
        return f"待办 {today.isoformat()}"
    if period.single_day:
        return f"待办 {period.first.isoformat()}"
    return f"待办 {period.first.isoformat()}至{period.last.isoformat()}"


def _midnight_stored(day: date) -> datetime:
    return to_storage(datetime.combine(day, datetime.min.time()))


_ITEM_FIELDS = ("number", "kind", "customer_id", "customer_name", "reason", "due", "value", "overdue",
                "follow_up_id", "referral_no", "product_name", "campaign_target_id")


def build_daily_list(
    session: Session, staff: StaffMember, today: date, days: int = 7, period: Period | None = None
) -> list[DailyItem]:
    """The daily list of one staff member (see the module's rules), numbered from 1: today's, or
    the list of `period`."""
    from bot.visits import replies

    # Follow-ups: due by the end of today (or of the period), the overdue ones only when the
    # period includes today. Maturities and birthdays: today and `days` days on, or the period.
    if period is None:
        first, last, follow_ups_until, follow_ups_from = today, today + timedelta(days=days), today, None
    else:
        first, last, follow_ups_until = period.first, period.last, period.last
        follow_ups_from = None if period.includes(today) else period.first
    due_before = [FollowUp.due_at < _midnight_stored(follow_ups_until + timedelta(days=1))]
    if follow_ups_from is not None:
        due_before.append(FollowUp.due_at >= _midnight_stored(follow_ups_from))
    items: list[DailyItem] = []

    for row, customer in session.execute(
        select(FollowUp, Customer)
        .join(Customer, FollowUp.customer_id == Customer.customer_id)
        .where(FollowUp.staff_id == staff.staff_id, FollowUp.done_at.is_(None), *due_before)
    ).all():
        if not may_see(staff, customer.branch_id):
            continue
        due = to_local(row.due_at).date()
        items.append(DailyItem(0, ItemKind.FOLLOW_UP, customer.customer_id, customer.name,
                               replies.follow_up_reason(mask_identifiers_in_text(row.note), due, today), due, None,
                               due < today, follow_up_id=row.id))

    now_stored = to_storage(clock.now())
    for referral, customer in session.execute(
        select(Referral, Customer)
        .join(Customer, Referral.customer_id == Customer.customer_id)
        .where(Referral.receiver_id == staff.staff_id, Referral.status.in_(OPEN_REFERRAL_STATUSES))
    ).all():
        if not may_see(staff, customer.branch_id):
            continue
        overdue = referral.contacted_at is None and referral.status in ("new", "accepted") and now_stored >= referral.sla_due_at
        due = to_local(referral.sla_due_at).date()
        items.append(DailyItem(0, ItemKind.REFERRAL, customer.customer_id, customer.name,
                               replies.referral_reason(referral.referral_no, referral.product_word, referral.status, overdue),
                               due, referral.converted_amount, overdue, referral_no=referral.referral_no))

    # Maturities and birthdays of the customers this person manages, unless contacted lately.
    # Columns, not ORM objects: a manager of a large branch has thousands of customers.
    since = to_storage(datetime.combine(today - timedelta(days=days), datetime.min.time()))
    contacted = set(
        session.execute(
            select(Interaction.customer_id).where(Interaction.staff_id == staff.staff_id, Interaction.happened_at >= since)
        ).scalars()
    )
    for customer_id, name, branch_id, product_name, amount, maturity_date in session.execute(
        select(Customer.customer_id, Customer.name, Customer.branch_id, Product.name, Holding.amount, Holding.maturity_date)
        .join(Holding, Holding.customer_id == Customer.customer_id)
        .join(Product, Holding.product_code == Product.product_code)
        .where(
            # The holdings' copy of the manager finds the week's maturities in one index range.
            Holding.manager_id == staff.staff_id,
            Customer.manager_id == staff.staff_id,
            Holding.maturity_date >= first,
            Holding.maturity_date <= last,
            Product.category.notin_(LIABILITY_CATEGORIES),
        )
    ).all():
        if customer_id in contacted or not may_see(staff, branch_id):
            continue
        amount = Decimal(amount)
        items.append(DailyItem(0, ItemKind.MATURITY, customer_id, name,
                               replies.maturity_reason(product_name, amount, maturity_date, today),
                               maturity_date, amount, product_name=product_name))

    birthday_customers = [
        (customer_id, name, birth_date)
        for customer_id, name, birth_date, branch_id in session.execute(
            select(Customer.customer_id, Customer.name, Customer.birth_date, Customer.branch_id).where(
                Customer.manager_id == staff.staff_id, _born_on_one_of(_month_days(first, (last - first).days))
            )
        )
        if _days_until_birthday(birth_date, first) <= (last - first).days
        and customer_id not in contacted and may_see(staff, branch_id)
    ]
    if birthday_customers:
        assets: dict[str, Decimal] = {}
        for customer_id, amount, category in session.execute(
            select(Holding.customer_id, Holding.amount, Product.category)
            .join(Product, Holding.product_code == Product.product_code)
            .where(Holding.customer_id.in_([customer_id for customer_id, _name, _born in birthday_customers]))
        ):
            if category not in LIABILITY_CATEGORIES:
                assets[customer_id] = assets.get(customer_id, Decimal(0)) + Decimal(amount)
        for customer_id, name, birth_date in birthday_customers:
            due = first + timedelta(days=_days_until_birthday(birth_date, first))
            age = due.year - birth_date.year
            items.append(DailyItem(0, ItemKind.BIRTHDAY, customer_id, name,
                                   replies.birthday_reason(due, today, age), due, assets.get(customer_id, Decimal(0))))

    items.sort(key=lambda i: (not i.overdue, i.due, -(i.value or 0), _KIND_ORDER[i.kind], i.customer_id))
    # Campaign customers still open, at the top of today's list (and of a period's that includes
    # today), in their campaign's order: soonest deadline, then the segment's ranking.
    if period is None or period.includes(today):
        items[:0] = [DailyItem(0, ItemKind.CAMPAIGN, item.customer_id, item.customer_name,
                               campaign_replies.item_reason(item, today), item.deadline, None, item.overdue,
                               campaign_target_id=item.target_id)
                     for item in open_items(session, staff, today)]
    return [DailyItem(n, *(getattr(i, f) for f in _ITEM_FIELDS[1:])) for n, i in enumerate(items, start=1)]
