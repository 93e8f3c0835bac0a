"""Who a campaign targets and who works each customer.

Rules:

* The customers are the segment's, in its ranking, at most MAX_TARGETS (a larger segment is
  narrowed first). A customer stays only if the suitability rules (bot.suggestions.eligibility,
  the binding ones: on sale, risk, age, the branch's kind) allow at least one product the word
  means: a campaign never targets a customer who may not buy what it offers.
* Assignment: BY_MANAGER gives each customer to her own manager when that manager serves her
  branch, else to the one who makes the campaign; EVENLY gives them in turn to the colleagues
  named, each customer to the next of them who serves her branch; TO_ME to the one who makes it.
  A customer nobody named serves is left out (scope).
* Each target carries one reason: the maturity that put her in the segment, else her birthday,
  else her assets.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.access import StaffMember
from bot.customers.tiers import LIABILITY_CATEGORIES
from bot.models import Branch, Customer, Holding, Product, Staff, StaffCoverage
from bot.segments import search
from bot.segments.conditions import Segment
from bot.suggestions.eligibility import CustomerFacts, check_suitability, situation
from bot.suggestions.facts import load_catalogue
from bot.vocabulary.products import product_word_meaning

MAX_TARGETS = 5000
_CHUNK = 900


@dataclass(frozen=True)
class Target:
    customer_id: str
    name: str
    branch_id: str
    assignee_id: str
    birth_date: date | None
    maturing: search.Maturing | None  # the maturity that put her in the segment, if it asks for one


def on_sale_products(session: Session, product_word: str) -> list:
    """The products on sale that the word means (bot.vocabulary.products)."""
    meaning = product_word_meaning(product_word)
    return [p for p in load_catalogue(session)
            if p.on_sale and meaning is not None and meaning.means(p.category, p.name, p.term_days is not None)]


@dataclass(frozen=True)
class Targeting:
    segment_total: int
    targets: list[Target]
    unsuitable: int
    out_of_scope: int


def _chunks(items: list, size: int = _CHUNK):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def served_branches(session: Session, staff_ids: set[str]) -> dict[str, set[str]]:
    """Each member of staff's branches: her own and those she covers."""
    served: dict[str, set[str]] = {}
    for chunk in _chunks(sorted(staff_ids)):
        for staff_id, branch_id in session.execute(select(Staff.staff_id, Staff.branch_id).where(Staff.staff_id.in_(chunk))):
            served.setdefault(staff_id, set()).add(branch_id)
        for staff_id, branch_id in session.execute(
                select(StaffCoverage.staff_id, StaffCoverage.branch_id).where(StaffCoverage.staff_id.in_(chunk))):
            served.setdefault(staff_id, set()).add(branch_id)
    return served


def target(session: Session, staff: StaffMember, segment: Segment, product_word: str, assignment: str,
           colleague_ids: list[str], today: date, valid_days: int) -> Targeting:
    """The customers of the campaign and who works each (see the module's rules)."""
    total = search.count(session, staff, segment, today, valid_days)
    ids = search.matching_ids(session, staff, segment, today, valid_days, limit=MAX_TARGETS)
    products = on_sale_products(session, product_word)
    rows: dict[str, tuple] = {}
    for chunk in _chunks(ids):
        for row in session.execute(
            select(Customer.customer_id, Customer.name, Customer.branch_id, Customer.manager_id, Customer.birth_date,
                   Customer.risk_level, Customer.risk_assessed_on, Branch.kind)
            .join(Branch, Branch.branch_id == Customer.branch_id).where(Customer.customer_id.in_(chunk))
        ):
            rows[row[0]] = row
    maturing = {}
    if segment.maturing:
        for chunk in _chunks(ids):
            maturing.update(search.nearest_maturities(session, segment, chunk))
    managers = {row[3] for row in rows.values() if row[3]}
    served = served_branches(session, managers | set(colleague_ids))
    targets, unsuitable, out_of_scope, turn = [], 0, 0, 0
    for customer_id in ids:
        customer_id, name, branch_id, manager_id, birth, risk, assessed, kind = rows[customer_id]
        facts = CustomerFacts(customer_id, name, birth, risk or None, assessed, kind)
        sit = situation(facts, today, valid_days)
        if not any(check_suitability(product, sit).allowed for product in products):
            unsuitable += 1
            continue
        if assignment == "by_manager":
            assignee = manager_id if manager_id and branch_id in served.get(manager_id, ()) else staff.staff_id
        elif assignment == "evenly":
            assignee = None
            for step in range(len(colleague_ids)):
                candidate = colleague_ids[(turn + step) % len(colleague_ids)]
                if branch_id in served.get(candidate, ()):
                    assignee, turn = candidate, turn + step + 1
                    break
            if assignee is None:
                out_of_scope += 1
                continue
        else:
            assignee = staff.staff_id
        targets.append(Target(customer_id, name, branch_id, assignee, birth, maturing.get(customer_id)))
    return Targeting(total, targets, unsuitable, out_of_scope)


def assets_of(session: Session, customer_ids: list[str]) -> dict[str, Decimal]:
    """Each customer's assets (loans and cards are none)."""
    totals: dict[str, Decimal] = {}
    for chunk in _chunks(customer_ids):
        for customer_id, amount in session.execute(
            select(Holding.customer_id, func.sum(Holding.amount)).join(Product, Product.product_code == Holding.product_code)
            .where(Holding.customer_id.in_(chunk), Product.category.not_in(sorted(LIABILITY_CATEGORIES)))
            .group_by(Holding.customer_id)
        ):
            totals[customer_id] = Decimal(amount or 0)
    return totals
