"""Customers and products as the ranking and the eligibility rules read them
(bot.suggestions.eligibility.CustomerFacts / ProductFacts), loaded from the database.
"""
from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.models import (
    Branch,
    Customer,
    CustomerTag,
    Holding,
    Product,
)
from bot.suggestions.eligibility import (
    CustomerFacts,
    HoldingFacts,
    ProductFacts,
)


def product_facts(product: Product) -> ProductFacts:
    return ProductFacts(
        code=product.product_code,
        name=product.name,
        category=product.category,
        risk_rating=product.risk_rating,
        min_amount=Decimal(product.min_amount or 0),
        term_days=product.term_days,
        channels=frozenset(filter(None, (product.channels or "").split(";"))),
        min_age=product.min_age,
        max_age=product.max_age,
        on_sale=bool(product.on_sale),
    )


def load_catalogue(session: Session) -> list[ProductFacts]:
    return [product_facts(p) for p in session.execute(select(Product).order_by(Product.product_code)).scalars()]


def customer_facts(session: Session, customer: Customer, catalogue: dict[str, ProductFacts] | None = None) -> CustomerFacts:
    catalogue = catalogue or {p.code: p for p in load_catalogue(session)}
    branch = session.get(Branch, customer.branch_id)
    holdings = tuple(
        HoldingFacts(catalogue[code], Decimal(amount), maturity)
        for code, amount, maturity in session.execute(
            select(Holding.product_code, Holding.amount, Holding.maturity_date)
            .where(Holding.customer_id == customer.customer_id)
            .order_by(Holding.id)
        )
    )
    tags = tuple(session.execute(
        select(CustomerTag.tag).where(CustomerTag.customer_id == customer.customer_id).order_by(CustomerTag.id)
    ).scalars())
    return CustomerFacts(
        customer_id=customer.customer_id,
        name=customer.name,
        birth_date=customer.birth_date,
        risk_level=customer.risk_level or None,
        risk_assessed_on=customer.risk_assessed_on,
        branch_kind=branch.kind if branch else "",
        occupation=customer.occupation or "",
        county=branch.county if branch else "",
        tags=tags,
        holdings=holdings,
    )


def all_customer_facts(session: Session, catalogue: dict[str, ProductFacts] | None = None,
                       with_tags: bool = True, batch: int = 5000) -> Iterator[CustomerFacts]:
    """Every customer's facts, streamed in customer-number order (training, evaluation)."""
    catalogue = catalogue or {p.code: p for p in load_catalogue(session)}
    branches = {b.branch_id: (b.kind, b.county) for b in session.execute(select(Branch)).scalars()}
    last = ""
    while True:
        people = session.execute(
            select(Customer).where(Customer.customer_id > last).order_by(Customer.customer_id).limit(batch)
        ).scalars().all()
        if not people:
            return
        ids = [c.customer_id for c in people]
        holdings: dict[str, list[HoldingFacts]] = defaultdict(list)
        for customer_id, code, amount, maturity in session.execute(
            select(Holding.customer_id, Holding.product_code, Holding.amount, Holding.maturity_date)
            .where(Holding.customer_id.in_(ids)).order_by(Holding.id)
        ):
            holdings[customer_id].append(HoldingFacts(catalogue[code], Decimal(amount), maturity))
        tags: dict[str, list[str]] = defaultdict(list)
        if with_tags:
            for customer_id, tag in session.execute(
                select(CustomerTag.customer_id, CustomerTag.tag).where(CustomerTag.customer_id.in_(ids)).order_by(CustomerTag.id)
            ):
                tags[customer_id].append(tag)
        for c in people:
            kind, county = branches.get(c.branch_id, ("", ""))
            yield CustomerFacts(c.customer_id, c.name, c.birth_date, c.risk_level or None, c.risk_assessed_on,
                                kind, c.occupation or "", county, tuple(tags[c.customer_id]),
                                tuple(holdings[c.customer_id]))
        session.expunge_all()
        last = ids[-1]
