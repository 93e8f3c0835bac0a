"""A segment in SQL: how many customers match, and one page of them ranked for the scene.

Rules:

* Only customers of the branches the member of staff serves (`StaffMember.served_branch_ids`);
  "我名下" narrows to those she manages. Every condition is a WHERE clause or an EXISTS on an
  indexed table (holdings by customer, interactions by customer and time, tags by customer):
  nothing is filtered in Python, so a branch of any size is one query for the count and one for
  the page.
* Assets are deposits, wealth, funds, insurance and metals (bot.customers.tiers: loans and cards
  are no assets), summed per customer.
* A risk assessment is expired when it is older than `Settings.risk_assessment_valid_days`
  (the 360 view's rule); one never made counts as expired.
* The ranking is the segment's (`Segment.ranking`): the nearest maturity, the nearest birthday,
  the oldest assessment, otherwise the largest assets; ties by customer number, so that pages
  never overlap.
* Each customer of a page is described by what the segment asked: the maturity that put her in
  it, her birthday and age, her assessment, her last contact.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import and_, case, exists, extract, func, literal, or_, select
from sqlalchemy.orm import Session

from bot.access import StaffMember
from bot.clock import clock, to_local, to_storage
from bot.customers.tiers import LIABILITY_CATEGORIES
from bot.models import Branch, Customer, CustomerTag, Holding, Interaction, Product, Staff
from bot.segments.conditions import Ranking, Segment
from bot.vocabulary.products import Term, product_word_meaning

C = Customer


@dataclass(frozen=True)
class Maturing:
    product_name: str
    amount: Decimal
    maturity_date: date


@dataclass(frozen=True)
class FoundCustomer:
    """One customer of a page, as the database has her (masking is the service's)."""

    customer_id: str
    name: str
    phone: str | None
    branch_name: str
    manager_name: str | None
    assets: Decimal
    birth_date: date | None
    risk_assessed_on: date | None
    maturing: Maturing | None
    last_contact: date | None


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _product_kind(word: str | None):
    """The holdings a product word means, as a clause on Holding joined with Product."""
    meaning = product_word_meaning(word)
    if meaning is None:  # any holding with a term, but a loan's or a card's (they are no money of hers)
        return and_(Holding.maturity_date.is_not(None), Product.category.not_in(sorted(LIABILITY_CATEGORIES)))
    clauses = [Product.category == meaning.category]
    if meaning.term is Term.FIXED:
        clauses.append(or_(Holding.maturity_date.is_not(None), Product.term_days.is_not(None)))
    elif meaning.term is Term.NONE:
        clauses.append(and_(Holding.maturity_date.is_(None), Product.term_days.is_(None)))
    if meaning.name_has:
        clauses.append(or_(*[Product.name.contains(part, autoescape=True) for part in meaning.name_has]))
    return and_(*clauses)


def _holding_of(word: str | None, *more):
    return exists(
        select(Holding.id).join(Product, Product.product_code == Holding.product_code)
        .where(Holding.customer_id == C.customer_id, _product_kind(word), *more)
    )


def _maturing_clauses(segment: Segment) -> list:
    clauses = [Holding.maturity_date >= segment.maturing_from, Holding.maturity_date <= segment.maturing_to]
    if segment.min_maturing_amount is not None:
        clauses.append(Holding.amount >= segment.min_maturing_amount)
    return clauses


def _assets():
    return (
        select(func.coalesce(func.sum(Holding.amount), 0))
        .join(Product, Product.product_code == Holding.product_code)
        .where(Holding.customer_id == C.customer_id, Product.category.not_in(sorted(LIABILITY_CATEGORIES)))
        .scalar_subquery()
    )


def _month_day(column):
    return extract("month", column) * 100 + extract("day", column)


def _birthday_clause(first: date, last: date):
    if (last - first).days >= 365:
        return C.birth_date.is_not(None)
    low, high = first.month * 100 + first.day, last.month * 100 + last.day
    high = 229 if high == 228 else high  # 29 February birthdays fall on the 28th (clock.next_birthday)
    day = _month_day(C.birth_date)
    return day.between(low, high) if low <= high else or_(day >= low, day <= high)


def conditions(staff: StaffMember, segment: Segment, today: date, valid_days: int) -> list:
    """The WHERE clauses of a segment for this member of staff (see the module's rules)."""
    where = [C.branch_id.in_(sorted(staff.served_branch_ids))]
    if segment.mine:
        where.append(C.manager_id == staff.staff_id)
    if segment.branch_kind:
        where.append(C.branch_id.in_(select(Branch.branch_id).where(Branch.kind == segment.branch_kind)))
    if segment.gender:
        where.append(C.gender == segment.gender)
    if segment.min_risk:
        where.append(C.risk_level >= segment.min_risk)
    if segment.max_risk:
        where.append(C.risk_level <= segment.max_risk)
    if segment.min_age is not None:
        where.append(C.birth_date <= _years_before(today, segment.min_age))
    if segment.max_age is not None:
        where.append(C.birth_date > _years_before(today, segment.max_age + 1))
    if segment.born_from is not None and segment.born_to is not None:
        where.append(C.birth_date.between(segment.born_from, segment.born_to))
    if segment.assessment_within_days is not None:
        cutoff = today + timedelta(days=segment.assessment_within_days) - timedelta(days=valid_days)
        where.append(or_(C.risk_assessed_on.is_(None), C.risk_assessed_on < cutoff))
    if segment.birthday_from is not None and segment.birthday_to is not None:
        where.append(_birthday_clause(segment.birthday_from, segment.birthday_to))
    if segment.no_contact_days is not None:
        since = to_storage(datetime.combine(today - timedelta(days=segment.no_contact_days), time(0), tzinfo=clock.tz))
        where.append(~exists(select(Interaction.id).where(
            Interaction.customer_id == C.customer_id, Interaction.happened_at >= since)))
    if segment.tag:
        where.append(exists(select(CustomerTag.id).where(
            CustomerTag.customer_id == C.customer_id, CustomerTag.tag.contains(segment.tag, autoescape=True))))
    for word in segment.holds:
        where.append(_holding_of(word))
    for word in segment.lacks:
        where.append(~_holding_of(word))
    if segment.maturing:
        where.append(_holding_of(segment.maturing_word, *_maturing_clauses(segment)))
    if segment.min_assets is not None:
        where.append(_assets() >= segment.min_assets)
    if segment.max_assets is not None:
        where.append(_assets() <= segment.max_assets)
    return where


def count(session: Session, staff: StaffMember, segment: Segment, today: date, valid_days: int) -> int:
    return session.execute(
        select(func.count()).select_from(C).where(*conditions(staff, segment, today, valid_days))
    ).scalar_one()


def matching_ids(session: Session, staff: StaffMember, segment: Segment, today: date, valid_days: int,
                 limit: int | None = None) -> list[str]:
    """The customers of a segment in its ranking (all of them, or the first `limit`)."""
    query = (select(C.customer_id).where(*conditions(staff, segment, today, valid_days))
             .order_by(*_order(segment)).limit(limit))
    return list(session.execute(query).scalars())


def _order(segment: Segment) -> list:
    ranking = segment.ranking
    if ranking is Ranking.MATURITY:
        nearest = (select(func.min(Holding.maturity_date)).join(Product, Product.product_code == Holding.product_code)
                   .where(Holding.customer_id == C.customer_id, _product_kind(segment.maturing_word),
                          *_maturing_clauses(segment)).scalar_subquery())
        return [nearest, _assets().desc(), C.customer_id]
    if ranking is Ranking.BIRTHDAY:
        start = segment.birthday_from.month * 100 + segment.birthday_from.day
        day = _month_day(C.birth_date)
        return [case((day >= start, day - start), else_=day + 1300 - start), C.customer_id]
    if ranking is Ranking.ASSESSMENT:
        return [func.coalesce(C.risk_assessed_on, literal(date(1900, 1, 1))), C.customer_id]
    return [_assets().desc(), C.customer_id]


def page(session: Session, staff: StaffMember, segment: Segment, today: date, valid_days: int,
         offset: int, size: int) -> list[FoundCustomer]:
    """One page of the segment in its ranking, each customer described (see the module's rules)."""
    rows = session.execute(
        select(C.customer_id, C.name, C.phone, Branch.name, Staff.name, _assets(), C.birth_date, C.risk_assessed_on)
        .join(Branch, Branch.branch_id == C.branch_id)
        .outerjoin(Staff, Staff.staff_id == C.manager_id)
        .where(*conditions(staff, segment, today, valid_days))
        .order_by(*_order(segment)).offset(offset).limit(size)
    ).all()
    ids = [row[0] for row in rows]
    maturing = nearest_maturities(session, segment, ids) if segment.maturing else {}
    contacts = _last_contacts(session, ids)
    return [
        FoundCustomer(customer_id, name, phone, branch, manager, Decimal(assets or 0), birth, assessed,
                      maturing.get(customer_id), contacts.get(customer_id))
        for customer_id, name, phone, branch, manager, assets, birth, assessed in rows
    ]


def nearest_maturities(session: Session, segment: Segment, ids: list[str]) -> dict[str, Maturing]:
    if not ids:
        return {}
    rows = session.execute(
        select(Holding.customer_id, Product.name, Holding.amount, Holding.maturity_date)
        .join(Product, Product.product_code == Holding.product_code)
        .where(Holding.customer_id.in_(ids), _product_kind(segment.maturing_word), *_maturing_clauses(segment))
        .order_by(Holding.maturity_date, Holding.amount.desc())
    )
    nearest: dict[str, Maturing] = {}
    for customer_id, name, amount, day in rows:
        nearest.setdefault(customer_id, Maturing(name, Decimal(amount), day))
    return nearest


def _last_contacts(session: Session, ids: list[str]) -> dict[str, date]:
    if not ids:
        return {}
    rows = session.execute(
        select(Interaction.customer_id, func.max(Interaction.happened_at))
        .where(Interaction.customer_id.in_(ids)).group_by(Interaction.customer_id)
    )
    return {customer_id: to_local(at).date() for customer_id, at in rows if at is not None}
